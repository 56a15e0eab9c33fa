"""THE rule on characters a text may hold, shared by the API's input schemas
(``core.schemas.InSchema``, ``core.api.QuerySchema``) and every HTML form (``core.web.Form``).

Control characters are refused: NUL breaks PostgreSQL writes (SQLite would store it, so both
engines would differ), and the others break XLSX files (XML cannot hold them) and show as
nothing. Tab and line breaks are text in a multi-line field (a comment, a mission) but not in a
single-line one (a name, a code): there they are refused too.

A field is multi-line when its form control is a ``<textarea>``; in a schema, when its text is
long (no maximum length, or more than ``SINGLE_LINE_MAX`` characters: the names, titles and codes
of the schemas are at most 300 characters, the texts 500 and more).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

SINGLE_LINE_MAX = 300
# C0 controls and DEL, but tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")


def control_character(value: str, *, multiline: bool) -> str | None:
    """The first character ``value`` may not hold, as ``U+0001``; None when it is clean."""
    found = (_CONTROL if multiline else _CONTROL_OR_BREAK).search(value)
    return None if found is None else f"U+{ord(found.group()):04X}"


def without_control_characters(value: str) -> str:
    """``value`` with its control characters (tab and line breaks too) as spaces."""
    return _CONTROL_OR_BREAK.sub(" ", value)


def first_control_character(value: Any, *, multiline: bool) -> str | None:
    """``control_character`` of a text, or of any text in a list or an object (keys too)."""
    if isinstance(value, str):
        return control_character(value, multiline=multiline)
    if isinstance(value, list | tuple):
        items: list[Any] = list(value)
    elif isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    else:
        return None
    for item in items:
        found = first_control_character(item, multiline=multiline)
        if found:
            return found
    return None


def control_character_message(code: str) -> str:
    return _("This text contains a control character (%(code)s), which is not allowed here.") % {
        "code": code
    }


@deconstructible
class ControlCharacterValidator:
    """A form field's validator (``core.web.Form`` adds it to every text field)."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        code = first_control_character(value, multiline=self.multiline)
        if code:
            raise ValidationError(control_character_message(code), code="control_character")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(self.multiline)
