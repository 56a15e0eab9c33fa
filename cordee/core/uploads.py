"""THE check of an uploaded file: its size, its extension, and what its bytes really are.

The extension must be allowed *and* the content must look like that kind of file (magic bytes,
the parts of an Office Open XML package, text that decodes), so a renamed executable or an HTML
page called ``offer.pdf`` is refused. Feedback attachments and the readiness kit's files use it,
each with its own limits and field name.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import PurePath
from typing import IO

from django.utils.translation import gettext as _

from cordee.core.errors import ValidationFailed

_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
TEXT_KINDS = ("txt", "csv")


def looks_like(ext: str, data: bytes) -> bool:
    """True when ``data`` (the file's first bytes, all of them for a ZIP package) is a file of
    kind ``ext``."""
    head = data[:16]
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
    if ext in TEXT_KINDS:
        if b"\x00" in data:
            return False
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                data.decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


def upload_check(
    name: str, size: int, stream: IO[bytes], *, field: str, max_mb: int, kinds: Iterable[str]
) -> None:
    """Raise a ``ValidationFailed`` naming ``field`` unless the file is at most ``max_mb`` MB,
    not empty, of one of ``kinds`` (extensions) and its content matches its extension."""
    allowed = tuple(kinds)
    max_bytes = max_mb * 1024 * 1024

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, field_errors={field: [message]})

    if size > max_bytes:
        raise refuse(
            _("The file is too large (%(size)s MB); at most %(max)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "max": max_mb}
        )
    if size == 0:
        raise refuse(_("The file is empty."))
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in allowed:
        raise refuse(
            _("This kind of file is not accepted; allowed: %(kinds)s.")
            % {"kinds": ", ".join(allowed)}
        )
    stream.seek(0)
    data = stream.read(max_bytes + 1)
    stream.seek(0)
    if not looks_like(ext, data):
        raise refuse(
            _("The file's content does not match its extension (.%(ext)s).") % {"ext": ext}
        )
