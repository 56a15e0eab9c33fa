"""Schemas of the readiness kit's endpoints (``kit_api.py``)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from cordee.core.schemas import InSchema


class QuestionIn(InSchema):
    """An objection (or a question) and its answer."""

    q: str = ""
    a: str = ""


class KitIn(InSchema):
    """The kit's texts (a save that changes something is its next version)."""

    talk_track: str = ""
    objections: list[QuestionIn] = []
    faq: list[QuestionIn] = []


class KitLinkIn(InSchema):
    """A link asset, sent as JSON (a file is sent as multipart/form-data: ``title`` and
    ``file``)."""

    title: str = ""
    url: str = ""


class QuestionOut(Schema):
    q: str
    a: str


class KitAssetOut(Schema):
    id: int
    title: str
    url: str  # a link asset's link ("" for a file)
    file_name: str  # a file asset's name ("" for a link)
    download_url: str  # a file asset's download page, for members of the workspace
    created_at: dt.datetime


class KitOut(Schema):
    campaign: int
    version: int
    talk_track: str
    objections: list[QuestionOut]
    faq: list[QuestionOut]
    updated_at: dt.datetime
    updated_by_id: int | None
    assets: list[KitAssetOut]


class KitAcknowledgementOut(Schema):
    campaign: int
    user_id: int
    version: int
    acknowledged_at: dt.datetime


class RepReadinessOut(Schema):
    user_id: int
    name: str
    state: str  # ready (the current version), earlier (an earlier version), waiting (never)
    version: int | None  # the version acknowledged
    acknowledged_at: dt.datetime | None


class KitReadinessOut(Schema):
    campaign: int
    version: int | None  # the kit's (null: no kit yet)
    pods: list[int]  # the target pods (the brief's)
    total: int
    ready: int
    reps: list[RepReadinessOut]
    not_ready: list[RepReadinessOut]
