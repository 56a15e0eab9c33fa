"""What a notification says. A notification stores the code of its text and the parameters the
text needs; the words are chosen when someone reads it — the bell and the notifications page,
an e-mail, a chat tool — in the reader's language. Dates and times travel as ISO 8601 and are
written in the active locale's format ("12/03/2026 14:30" in French).

Each app that tells people something registers its texts in its own ``notices.py``
(``notice_register``), found the first time a notification is rendered, as the scheduler finds
each app's ``jobs.py``: ``people`` never imports the apps above it, they fill its registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

Params = Mapping[str, Any]
# a lazy template with %(name)s placeholders (gettext_lazy / ngettext_lazy), or a function of the
# parameters that returns the words in the active language
Words = Promise | Callable[[Params], str] | str
Show = Callable[[Any], Any]  # how one parameter is written in the active language

TEXT = "text"  # words written before texts had codes: kept as they were stored


def when(value: str) -> str:
    """An ISO datetime, written in the active locale's short format. It is written in the time
    zone of its offset: producers store the workspace's local time."""
    return formats.date_format(dt.datetime.fromisoformat(value), "SHORT_DATETIME_FORMAT")


def day(value: str) -> str:
    """An ISO date, written in the active locale's short format."""
    return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")


def label_of(choices: type[models.Choices]) -> Show:
    """A stored choice code, written as its label in the active language."""
    labels = dict(choices.choices)

    def show(value: Any) -> str:
        return str(labels.get(value, value))

    return show


@dataclass(frozen=True)
class Notice:
    """The words of one code: a title, an optional body, and how parameters that are not plain
    text (dates, choice codes) are written."""

    title: Words
    body: Words = ""
    show: Mapping[str, Show] = field(default_factory=dict)

    def _words(self, words: Words, params: Params) -> str:
        if callable(words) and not isinstance(words, Promise):
            return words(params)
        if not words:
            return ""
        shown = {k: self.show[k](v) if k in self.show else v for k, v in params.items()}
        return str(words % shown)

    def render(self, params: Params) -> tuple[str, str]:
        return self._words(self.title, params), self._words(self.body, params)


NOTICES: dict[str, Notice] = {}


def notice_register(code: str, notice: Notice) -> str:
    """Add the words of ``code``; returns the code (``SOMETHING = notice_register("x", …)``)."""
    NOTICES[code] = notice
    return code


notice_register(
    TEXT,
    Notice(title=lambda p: str(p.get("title", "")), body=lambda p: str(p.get("body", ""))),
)


_discovered = False


def _discover() -> None:
    global _discovered
    autodiscover_modules("notices")  # each app's notices.py registers its texts
    _discovered = True


def notice_render(code: str, params: Params) -> tuple[str, str]:
    """(title, body) of a notification in the active language. A code no module registered (an
    app removed since) shows its stored parameters rather than failing the whole page."""
    notice = NOTICES.get(code)
    if notice is None and not _discovered:
        _discover()
        notice = NOTICES.get(code)
    if notice is None:
        return code, ", ".join(f"{k}: {v}" for k, v in params.items())
    return notice.render(params)
