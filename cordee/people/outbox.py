"""The outbox: messages written to files instead of being sent (``make run``, ``file://``).

``OutboxBackend`` writes each message as its own ``.eml`` file (RFC 822, what a mail program
opens) in ``EMAIL_FILE_PATH``; Django's own file backend appends every message of a connection to
one log file, which cannot be listed message by message. ``outbox_messages`` / ``outbox_message``
read them back for the Outbox page of RevOps admins.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage as ParsedMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone

BACKEND = "cordee.people.outbox.OutboxBackend"  # what EMAIL_URL=file://… and `make run` use
WORKSPACE_HEADER = "X-Cordee-Workspace"  # the slug of the workspace a message is about
_NAME = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9]{6}-[0-9a-f]{8}$")
LISTED = 200  # the newest messages the page lists


def outbox_dir() -> Path | None:
    """The folder messages are written to, or None when the backend sends them for real."""
    if settings.EMAIL_BACKEND != BACKEND:
        return None
    return Path(getattr(settings, "EMAIL_FILE_PATH", None) or Path(settings.VAR_DIR) / "mail")


class OutboxBackend(BaseEmailBackend):
    """One ``<UTC time>-<random>.eml`` file per message, written whole then renamed into place
    (a reader never sees half a message)."""

    def __init__(self, file_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = Path(file_path or getattr(settings, "EMAIL_FILE_PATH", None) or "mail")

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        self.path.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{secrets.token_hex(4)}"
            partial = self.path / f".{name}.tmp"
            partial.write_bytes(message.message().as_bytes(linesep="\n"))
            os.replace(partial, self.path / f"{name}.eml")
            sent += 1
        return sent


@dataclass(frozen=True)
class OutboxMessage:
    name: str  # the file's name without .eml: the message's id on the page
    date: dt.datetime | None
    sender: str
    to: list[str]
    subject: str
    language: str
    workspace: str
    text: str
    html: str

    @property
    def pk(self) -> str:
        return self.name


def _read(path: Path) -> OutboxMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, ParsedMessage)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    try:
        date = parsedate_to_datetime(str(parsed["Date"])) if parsed["Date"] else None
    except (TypeError, ValueError):
        date = None
    recipients = [*parsed.get_all("To", []), *parsed.get_all("Cc", [])]
    return OutboxMessage(
        name=path.stem,
        date=date,
        sender=str(parsed["From"] or ""),
        to=[address for _name, address in getaddresses([str(r) for r in recipients])],
        subject=str(parsed["Subject"] or ""),
        language=str(parsed["Content-Language"] or ""),
        workspace=str(parsed[WORKSPACE_HEADER] or ""),
        text=text.get_content() if text is not None else "",  # type: ignore[attr-defined]
        html=html.get_content() if html is not None else "",  # type: ignore[attr-defined]
    )


def _belongs(message: OutboxMessage, slug: str, members: set[str]) -> bool:
    """A message about the workspace (its header), or to one of its people (messages written
    without the header: an invitation, a password reset)."""
    if message.workspace:
        return message.workspace == slug
    return any(address.lower() in members for address in message.to)


def outbox_messages(*, slug: str, members: Iterable[str]) -> list[OutboxMessage]:
    """The newest ``LISTED`` messages of the outbox about workspace ``slug`` or to ``members``
    (lower-cased addresses), newest first; [] when mail is really sent."""
    folder = outbox_dir()
    if folder is None or not folder.is_dir():
        return []
    addresses = {m.lower() for m in members}
    found: list[OutboxMessage] = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        if not _NAME.match(path.stem):
            continue
        message = _read(path)
        if _belongs(message, slug, addresses):
            found.append(message)
            if len(found) >= LISTED:
                break
    return found


def outbox_message(*, name: str, slug: str, members: Iterable[str]) -> OutboxMessage | None:
    """One message by its name, if it is the workspace's (None otherwise, or for a bad name)."""
    folder = outbox_dir()
    if folder is None or not _NAME.match(name):
        return None
    path = folder / f"{name}.eml"
    if not path.is_file():
        return None
    message = _read(path)
    return message if _belongs(message, slug, {m.lower() for m in members}) else None
