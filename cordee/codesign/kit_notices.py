"""The words of the readiness kit's notifications (see ``cordee.people.notices``); imported by
``CodesignConfig.ready()``.

params: campaign (its name), version (the kit's version)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.codesign.kit import KIT_CHANGED, KIT_PUBLISHED
from cordee.people.notices import Notice, notice_register

notice_register(
    KIT_PUBLISHED,
    Notice(
        title=_("Readiness kit published for the campaign “%(campaign)s”"),
        body=_("Read it before calling its leads, then mark it “Read, ready”."),
    ),
)
notice_register(
    KIT_CHANGED,
    Notice(
        title=_("The readiness kit of “%(campaign)s” changed (version %(version)s)"),
        body=_("Read the new version, then mark it “Read, ready” again."),
    ),
)
