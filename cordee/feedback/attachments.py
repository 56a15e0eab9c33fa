"""A feedback item's attachment: its limits (checked by ``core.uploads``) and its storage."""

from __future__ import annotations

from typing import IO

from django.db import transaction
from django.db.models.fields.files import FieldFile

from cordee.core.uploads import upload_check

MAX_MB = 10
MAX_BYTES = MAX_MB * 1024 * 1024
ALLOWED = ("pdf", "png", "jpg", "jpeg", "webp", "txt", "csv", "docx", "xlsx", "pptx")


def check_attachment(name: str, size: int, stream: IO[bytes]) -> None:
    """Raise a ``ValidationFailed`` naming the ``attachment`` field unless the file is at most
    10 MB, has an allowed extension and its content matches that extension (``core.uploads``)."""
    upload_check(name, size, stream, field="attachment", max_mb=MAX_MB, kinds=ALLOWED)


def attachment_store(field: FieldFile, name: str, content: IO[bytes]) -> None:
    """Store ``content`` as the file of ``field`` (its instance saved) in place of the one it
    had, which is deleted from the storage once the transaction commits: never before (a
    rollback keeps the row pointing at it), and never left behind for good."""
    old = field.name
    field.save(name, content, save=True)  # type: ignore[arg-type]
    if old and old != field.name:
        storage = field.storage
        transaction.on_commit(lambda: storage.delete(old))
