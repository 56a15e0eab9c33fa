"""The words of the comments' notifications (see ``cordee.people.notices``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.people.notices import Notice, notice_register

MENTION = notice_register(
    "comments.mention",
    Notice(title=_("%(author)s mentioned you on %(record)s"), body=_("“%(text)s”")),
)
