"""Checking an uploaded attachment: size, extension, and what the bytes really are.

The extension must be allowed *and* the content must look like that kind of file (magic bytes,
the parts of an Office Open XML package, text that decodes), so a renamed executable or an
HTML page called ``offer.pdf`` is refused.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import IO

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from cordee.core.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
ALLOWED = ("pdf", "png", "jpg", "jpeg", "webp", "txt", "csv", "docx", "xlsx", "pptx")
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={"attachment": [message]})


def _looks_like(ext: str, head: bytes, data: bytes) -> bool:
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if ext in _OOXML_PART:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(_OOXML_PART[ext]) for n in names)
    if ext in ("txt", "csv"):
        if b"\x00" in data:
            return False
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                data.decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
        return False
    return False


def check_attachment(name: str, size: int, stream: IO[bytes]) -> None:
    """Raise a ``ValidationFailed`` naming the ``attachment`` field unless the file is at most
    10 MB, has an allowed extension and its content matches that extension."""
    if size > MAX_BYTES:
        raise _refuse(
            _("The file is too large (%(size)s MB); at most 10 MB.")
            % {"size": f"{size / 1024 / 1024:.1f}"}
        )
    if size == 0:
        raise _refuse(_("The file is empty."))
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in ALLOWED:
        raise _refuse(
            _("This kind of file is not accepted; allowed: %(kinds)s.")
            % {"kinds": ", ".join(ALLOWED)}
        )
    stream.seek(0)
    data = stream.read(MAX_BYTES + 1)
    stream.seek(0)
    if not _looks_like(ext, data[:16], data):
        raise _refuse(
            _("The file's content does not match its extension (.%(ext)s).") % {"ext": ext}
        )


def attachment_store(field: FieldFile, name: str, content: IO[bytes]) -> None:
    """Store ``content`` as the file of ``field`` (its instance saved) in place of the one it
    had, which is deleted from the storage once the transaction commits: never before (a
    rollback keeps the row pointing at it), and never left behind for good."""
    old = field.name
    field.save(name, content, save=True)  # type: ignore[arg-type]
    if old and old != field.name:
        storage = field.storage
        transaction.on_commit(lambda: storage.delete(old))
