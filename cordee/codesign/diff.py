"""Two versions of a brief side by side: each field unchanged, changed, added or removed, and the
long texts compared word by word (Python's ``difflib``), rendered with <ins> and <del>."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

UNCHANGED, CHANGED, ADDED, REMOVED = "unchanged", "changed", "added", "removed"

# the fields compared word by word
LONG_TEXTS = ("objective", "persona", "message", "offer", "success_criteria")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def mark(old: Any, new: Any) -> str:
    """``added``: empty before, not now; ``removed``: the reverse; else changed or unchanged."""
    if _empty(old) and _empty(new):
        return UNCHANGED
    if _empty(old):
        return ADDED
    if _empty(new):
        return REMOVED
    return UNCHANGED if old == new else CHANGED


def word_diff(old: str, new: str) -> SafeString:
    """``new`` with the words taken out of ``old`` in <del> and those put in in <ins>."""
    a, b = (old or "").split(), (new or "").split()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))  # every piece is escaped above


@dataclass(frozen=True)
class FieldDiff:
    name: str
    old: Any
    new: Any
    mark: str
    words: SafeString | None = None  # long texts: the word-level diff


def compare(old: dict[str, Any], new: dict[str, Any], fields: tuple[str, ...]) -> list[FieldDiff]:
    """One row per field, in ``fields``' order."""
    rows = []
    for name in fields:
        a, b = old.get(name), new.get(name)
        status = mark(a, b)
        words = word_diff(a or "", b or "") if name in LONG_TEXTS and status != UNCHANGED else None
        rows.append(FieldDiff(name, a, b, status, words))
    return rows
