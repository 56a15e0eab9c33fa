"""What the ``cordee`` commands share: one language for the whole run.

A command that prints progress and results speaks one language from its first line to its
last: ``--language`` when given, else the workspace's it works on, else the instance's
(``settings.LANGUAGE_CODE``). Stored words (import reports, notifications) are written in it
when printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils import translation

from cordee.tenancy.models import Workspace


def add_language_argument(parser: Any) -> None:
    parser.add_argument(
        "--language",
        choices=[code for code, _name in settings.LANGUAGES],
        help="the language of everything printed (default: the workspace's)",
    )


def run_language(option: str | None, workspace: Workspace | None = None) -> str:
    """``--language``, else the workspace's language, else the instance's."""
    return option or (workspace.default_language if workspace else "") or settings.LANGUAGE_CODE


@contextmanager
def speaking(option: str | None, workspace: Workspace | None = None) -> Iterator[str]:
    """Everything printed inside is in the run's language (see ``run_language``)."""
    language = run_language(option, workspace)
    with translation.override(language):
        yield language
