"""The words of data in and out's notifications (see ``cordee.people.notices``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.people.notices import Notice, notice_register

# params: format ("CSV", "PARQUET"), days (how long the file is kept)
EXPORT_READY = notice_register(
    "export.ready",
    Notice(
        title=_("Your workspace export is ready"),
        body=_("The %(format)s export of the whole workspace can be downloaded for %(days)s days."),
    ),
)
