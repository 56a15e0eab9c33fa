"""Words an import keeps in its report — the result's message, each rejected row's reason, each
warning, each merge's key — are stored as a code and its parameters and written when read, in
the reader's language: an import a French admin ran reads in English for an English colleague.

The code is the English text as the catalogue knows it (its msgid). Modules whose messages end
up in a report import ``later as _``: ``_("'%(value)s' is not a number.") % {"value": raw}``
reads as usual, is found by ``makemessages`` as usual, but gives a ``Later`` that ``str()``
writes in the active language (the rejected-rows file, the preview) and ``stored()`` keeps as
``{"code": …, "params": …}`` (the report). Line numbers and column names stay parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

_PLAIN = (str, int, float, bool, type(None))


class Later:
    """A message to translate when read (see the module's doc)."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, params: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.params = dict(params or {})

    def __mod__(self, params: Mapping[str, Any]) -> Later:
        return Later(self.code, params)

    def __str__(self) -> str:
        return words({"code": self.code, "params": self.params})

    def __repr__(self) -> str:
        return f"Later({self.code!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Later) and (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash(self.code)

    def stored(self) -> dict[str, Any]:
        """JSON: the code and its parameters (nested messages stored the same way)."""
        return {"code": self.code, "params": {k: stored(v) for k, v in self.params.items()}}


Text = str | Later  # a reason or a message: plain words, or words written when read


def later(code: str) -> Later:
    return Later(code)


def stored(value: Any) -> Any:
    """What a report keeps of ``value``: a message as code and parameters, anything else as
    itself (JSON) or its text."""
    if isinstance(value, Later):
        return value.stored()
    if isinstance(value, _PLAIN):
        return value
    return str(value)


def words(value: Any) -> str:
    """A stored message (or a plain text, as reports written before codes kept) in the active
    language."""
    if isinstance(value, Later):
        return str(value)
    if isinstance(value, Mapping) and "code" in value:
        params = {k: words(v) if isinstance(v, Mapping) else v for k, v in value["params"].items()}
        text = gettext(value["code"])
        return text % params if params else text
    return "" if value is None else str(value)


def report_words(report: Mapping[str, Any]) -> dict[str, Any]:
    """A stored import report with its words written in the active language: the message,
    each error's and warning's reason, each merge's key (what the page and the CLI show)."""
    read = dict(report)
    if "message" in read:
        read["message"] = words(read["message"])
    for name, field in (("errors", "reason"), ("warnings", "reason"), ("merges", "key")):
        if name in read:
            read[name] = [{**entry, field: words(entry.get(field))} for entry in read[name]]
    return read
