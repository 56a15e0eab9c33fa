"""THE writer of Cordée's e-mails: one message for one person, in that person's language, with a
plain-text part and an HTML part rendered from ``templates/mail/<name>.txt`` and ``.html``, and
links back to the app (``CORDEE_BASE_URL``).

Notifications are e-mailed from here too (``people.preferences`` says which, and when):
``notification_mails_send`` sends those to send at once (after the commit that wrote them: the
``send_notification_mails`` task, and a sweep job for a lost task), ``daily_digests_send`` gathers
the others into one message per person and day, sent once the workspace's working day has begun.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cordee.core.business_time import WEEKDAYS, BusinessCalendar
from cordee.people.models import Mail as MailState
from cordee.people.models import MailDigest, Notification
from cordee.people.outbox import WORKSPACE_HEADER
from cordee.tenancy.models import User, Workspace

log = logging.getLogger(__name__)

# an e-mail "at once" that could not go within this long (a worker down, history replayed by
# the demo) is no news any more: the notification stays in the app only
AT_ONCE_STALE_AFTER = dt.timedelta(hours=12)
DIGEST_MOST = 50  # notifications written out in one daily digest (the rest: "and N more")

Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def language_of(workspace: Workspace, user: User | None = None) -> str:
    """The language ``user`` reads Cordée in, else the workspace's."""
    return (user.language if user else "") or workspace.default_language


def absolute_url(path: str) -> str:
    """A link back to the app: ``path`` ("/w/acme/leads/3/") under ``CORDEE_BASE_URL``."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.CORDEE_BASE_URL.rstrip('/')}/{path.lstrip('/')}"


def mail_write(
    *,
    workspace: Workspace,
    to: str,
    language: str,
    template: str,
    subject: Callable[[], str] | str,
    context: Context | None = None,
) -> EmailMultiAlternatives:
    """The message ``template`` to the address ``to``, written in ``language`` and the workspace's
    time zone: ``subject`` and ``context`` (a mapping, or a function called once the language is
    chosen, for words written at that moment) are given to ``mail/<template>.txt`` and
    ``mail/<template>.html``, with the workspace, the language and a link to the app. Marked as
    the workspace's, so that its outbox lists it even before the recipient is a member."""
    with translation.override(language), timezone.override(workspace.zone):
        values = dict(context() if callable(context) else (context or {}))
        title = subject() if callable(subject) else str(subject)
        values.update(
            subject=title,
            workspace=workspace,
            app_url=absolute_url(reverse("workspace_home", args=[workspace.slug])),
            language=language,
        )
        text = render_to_string(f"mail/{template}.txt", values)
        html = render_to_string(f"mail/{template}.html", values)
    message = EmailMultiAlternatives(
        subject=" ".join(title.split()),  # one line
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Content-Language": language, WORKSPACE_HEADER: workspace.slug},
    )
    message.attach_alternative(html, "text/html")
    return message


def mail_compose(
    *,
    workspace: Workspace,
    user: User,
    template: str,
    subject: Callable[[], str] | str,
    context: Context | None = None,
) -> EmailMultiAlternatives:
    """The message ``template`` to the member ``user``, in their language, greeting them and
    linking to their notification preferences (``mail_write``)."""

    def values() -> dict[str, Any]:  # called in the recipient's language
        given = context() if callable(context) else (context or {})
        return {
            **given,
            "recipient": user,
            "preferences_url": absolute_url(reverse("profile", args=[workspace.slug]))
            + "#notification-preferences",
            "greeting": greeting(user),
        }

    return mail_write(
        workspace=workspace,
        to=user.email,
        language=language_of(workspace, user),
        template=template,
        subject=subject,
        context=values,
    )


def mail_send(
    *,
    workspace: Workspace,
    user: User,
    template: str,
    subject: Callable[[], str] | str,
    context: Context | None = None,
) -> bool:
    """Compose and send; False (and a log line) when the person has no address or the server
    refused it."""
    if not user.email:
        return False
    message = mail_compose(
        workspace=workspace, user=user, template=template, subject=subject, context=context
    )
    try:
        return message.send() == 1
    except Exception:  # a mail server down must not fail what told the person
        log.exception("e-mail %s to user %s not sent", template, user.pk)
        return False


def _title(notification: Notification) -> str:
    return notification.title


def _digest_items(notifications: list[Notification]) -> dict[str, Any]:
    return {
        "items": [_words(n) | {"at": n.created_at} for n in notifications[:DIGEST_MOST]],
        "more": max(len(notifications) - DIGEST_MOST, 0),
    }


def _words(notification: Notification) -> dict[str, Any]:
    return {
        "title": notification.title,
        "body": notification.body,
        "url": absolute_url(notification.url),
    }


# -- e-mail at once ----------------------------------------------------------------------------


def notification_mails_send(
    *,
    workspace_id: int,
    now: dt.datetime | None = None,
    stale_after: dt.timedelta = AT_ONCE_STALE_AFTER,
) -> int:
    """E-mail the workspace's notifications waiting to go at once, each claimed by a conditional
    UPDATE (two workers never send one twice); those older than ``stale_after`` stay in the app
    only. Returns how many went."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(
        workspace_id=workspace_id, mail=MailState.AT_ONCE, created_at__lte=now
    )
    stale = waiting.filter(created_at__lt=now - stale_after)
    stale.update(mail=MailState.NONE)
    sent = 0
    for notification in waiting.select_related("user", "workspace").order_by("id")[:500]:
        claimed = Notification.objects.filter(pk=notification.pk, mail=MailState.AT_ONCE)
        if claimed.update(mail=MailState.SENT, mailed_at=now) != 1:
            continue
        ok = mail_send(
            workspace=notification.workspace,
            user=notification.user,
            template="notification",
            subject=partial(_title, notification),
            context=partial(_words, notification),
        )
        sent += ok
    return sent


# -- the daily digest --------------------------------------------------------------------------


def working_day_begun(workspace: Workspace, now: dt.datetime | None = None) -> bool:
    """True on a working day of the workspace (its hours, public holidays, added days) once its
    first working window has opened."""
    local = workspace.now_local(now)
    calendar = BusinessCalendar.build(
        time_zone=workspace.time_zone,
        windows=workspace.business_hours,
        country=workspace.country,
        subdivision=workspace.subdivision,
        extra_holidays=workspace.extra_holidays,
        worked_holidays=workspace.worked_holidays,
    )
    day = local.date()
    if not calendar.is_working_day(day, calendar.public_holidays([day.year])):
        return False
    windows = workspace.business_hours.get(WEEKDAYS[day.weekday()]) or []
    opens = min(str(w[0]) for w in windows)
    return local.strftime("%H:%M") >= opens


def daily_digests_send(*, workspace: Workspace, now: dt.datetime | None = None) -> int:
    """Once the working day has begun, send each person whose notifications wait for the daily
    digest one e-mail gathering them (at most one a day: ``MailDigest``); returns how many
    e-mails went."""
    now = now or timezone.now()
    if not working_day_begun(workspace, now):
        return 0
    today = workspace.today(now)
    waiting: dict[int, list[int]] = defaultdict(list)
    for pk, user_id in (
        Notification.objects.filter(workspace=workspace, mail=MailState.DAILY, created_at__lte=now)
        .order_by("created_at", "id")
        .values_list("id", "user_id")
    ):
        waiting[user_id].append(pk)
    sent = 0
    for user in User.objects.filter(pk__in=list(waiting)).order_by("id"):
        ids = waiting[user.pk]
        try:
            with transaction.atomic():
                MailDigest.objects.create(
                    workspace=workspace, user=user, day=today, notifications=len(ids)
                )
                claimed = Notification.objects.filter(pk__in=ids, mail=MailState.DAILY)
                claimed.update(mail=MailState.SENT, mailed_at=now)
        except IntegrityError:
            continue  # today's digest went already (another scheduler, an earlier run)
        notifications = list(Notification.objects.filter(pk__in=ids).order_by("created_at", "id"))
        sent += mail_send(
            workspace=workspace,
            user=user,
            template="digest",
            subject=partial(_digest_subject, workspace, len(notifications)),
            context=partial(_digest_items, notifications),
        )
    return sent


def _digest_subject(workspace: Workspace, n: int) -> str:
    return translation.ngettext(
        "%(workspace)s: %(n)s notification since yesterday",
        "%(workspace)s: %(n)s notifications since yesterday",
        n,
    ) % {"workspace": workspace.name, "n": n}


def greeting(user: User) -> str:
    """ "Hello Bob," in the active language."""
    return _("Hello %(name)s,") % {"name": user.first_name or user.get_full_name() or user.email}
