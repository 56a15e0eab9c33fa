"""Input and output schemas of the outgoing webhooks' API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from ninja import Schema
from pydantic import Field

from cordee.core.schemas import InSchema, choice_field
from cordee.integrations.models import WebhookEvent, WebhookFormat

if TYPE_CHECKING:
    EventCode: TypeAlias = str
    FormatCode: TypeAlias = str
else:
    EventCode: Any = choice_field(WebhookEvent)
    FormatCode: Any = choice_field(WebhookFormat)

_URL_HELP = (
    "http:// or https://; not an address of the server's own network (loopback, private, "
    "link-local, multicast) unless the instance allows it"
)


class WebhookOut(Schema):
    id: int
    name: str
    url: str = Field(
        ...,
        description="Whole for RevOps admins; for anyone else only its start "
        "(`https://hooks.slack.com/…`): the URL is a secret",
    )
    format: str
    events: list[str]
    is_active: bool
    pods: list[int] = Field(
        ..., description="The pods whose events it carries; none: every pod's and the workspace's"
    )

    @staticmethod
    def resolve_pods(obj: Any) -> list[int]:
        return sorted(p.pk for p in obj.pods.all())


class WebhookIn(InSchema):
    name: str = Field(..., min_length=1, max_length=120)
    url: str = Field(..., max_length=500, description=_URL_HELP)
    format: FormatCode = "json"
    events: list[EventCode] = Field(..., min_length=1)
    is_active: bool = True
    pods: list[int] = Field(
        [],
        description="Route to these pods (ids): it carries only their events (wins, kudos, a "
        "pod's report); none: every event",
    )


class WebhookPatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    url: str | None = Field(None, max_length=500, description=_URL_HELP)
    format: FormatCode | None = None
    events: list[EventCode] | None = Field(None, min_length=1)
    is_active: bool | None = None
    pods: list[int] | None = Field(None, description="The pods it is routed to ([]: none)")
