"""E-mail: one writer, the recipient's language, a text part and a link; notification preferences
(at once, daily digest, off) honoured by the one sending path; the outbox of RevOps admins."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cordee.comments import services as comments
from cordee.comments.mentions import mention_token
from cordee.core.models import AuditEntry
from cordee.funnel.models import SlaContract
from cordee.funnel.routing import _assign
from cordee.funnel.services import sla_contract_sign
from cordee.people.mail import daily_digests_send, mail_send, notification_mails_send
from cordee.people.models import Mail, Notification, NotificationPreference
from cordee.people.notices import NOTICES, _discover
from cordee.people.outbox import BACKEND
from cordee.people.preferences import CODE_KINDS
from cordee.people.services import notification_preferences_set
from cordee.tenancy.models import Workspace
from tests import factories as f

BASE = "https://cordee.acme.example"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _links_to_a_known_host():
    with override_settings(CORDEE_BASE_URL=BASE):
        yield


def _mention(actor, lead, *people) -> object:
    body = " ".join(mention_token(p.pk, str(p)) for p in people) + " peux-tu rappeler Julien ?"
    return comments.comment_post(actor=actor, kind="lead", record_id=lead.pk, body=body)


def _lead(personas):
    account = f.AccountFactory(workspace=personas.acme, name="Dassault Systèmes")
    contact = f.ContactFactory(
        workspace=personas.acme, account=account, first_name="Julien", last_name="Fournier"
    )
    return f.LeadFactory(workspace=personas.acme, contact=contact)


def _text_and_html(message) -> tuple[str, str]:
    (html, kind) = message.alternatives[0]
    assert kind == "text/html"
    return message.body, html


def test_a_mention_emails_each_person_at_once_in_their_own_language(
    personas, django_capture_on_commit_callbacks
):
    bob, mia = personas.bob, personas.mia
    bob.language, mia.language = "fr", "en"
    bob.save()
    mia.save()
    lead = _lead(personas)

    with django_capture_on_commit_callbacks(execute=True):
        comment = _mention(personas.actor("alice"), lead, bob, mia)
    # after the commit, one task asks for the workspace's mails to go
    assert DBTaskResult.objects.filter(task_path__endswith="send_notification_mails").count() == 1
    assert mail.outbox == []  # nothing sent inside the request
    assert notification_mails_send(workspace_id=personas.acme.pk) == 2  # the task's work

    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["bob@example.fr", "mia@example.fr"]
    link = f"{BASE}/w/acme/leads/{lead.pk}/#comment-{comment.pk}"

    to_bob = by_address["bob@example.fr"]
    assert to_bob.subject == "Alice Test vous a mentionné sur Julien Fournier"
    assert to_bob.extra_headers["Content-Language"] == "fr"
    text, html = _text_and_html(to_bob)
    assert text.startswith("Bonjour Bob,\n")
    assert "@Bob Test @Mia Test peux-tu rappeler Julien ?" in text
    assert f"Ouvrir dans Cordée : {link}" in text
    assert f'href="{link}"' in html and "Ouvrir dans Cordée" in html

    to_mia = by_address["mia@example.fr"]
    assert to_mia.subject == "Alice Test mentioned you on Julien Fournier"
    assert to_mia.extra_headers["Content-Language"] == "en"
    text, html = _text_and_html(to_mia)
    assert text.startswith("Hello Mia,\n")
    assert f"Open in Cordée: {link}" in text
    assert f"{BASE}/w/acme/profile/#notification-preferences" in text
    assert 'lang="en"' in html

    # the sweep (or a second task) sends nothing twice
    assert notification_mails_send(workspace_id=personas.acme.pk) == 0
    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("mail", flat=True)) == {Mail.SENT}


def test_off_writes_nothing_and_in_the_app_sends_no_mail(personas):
    notification_preferences_set(actor=personas.actor("bob"), choices={"mention": "off"})
    notification_preferences_set(actor=personas.actor("mia"), choices={"mention": "app"})
    _mention(personas.actor("alice"), _lead(personas), personas.bob, personas.mia)

    assert list(Notification.objects.values_list("user__email", "mail")) == [("mia@example.fr", "")]
    assert notification_mails_send(workspace_id=personas.acme.pk) == 0
    assert mail.outbox == []


def _open_every_day(workspace: Workspace) -> None:
    """Working hours 09:00–18:00 every day, no public holidays: any day is a working day."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    Workspace.objects.filter(pk=workspace.pk).update(
        country="", business_hours={d: [["09:00", "18:00"]] for d in days}
    )
    workspace.refresh_from_db()


def test_the_daily_digest_gathers_a_persons_notifications_once_a_day(personas):
    acme = personas.acme
    _open_every_day(acme)
    notification_preferences_set(actor=personas.actor("bob"), choices={"mention": "daily"})
    lead = _lead(personas)
    _mention(personas.actor("alice"), lead, personas.bob)
    _mention(personas.actor("mia"), lead, personas.bob)
    assert Notification.objects.filter(user=personas.bob, mail=Mail.DAILY).count() == 2
    assert notification_mails_send(workspace_id=acme.pk) == 0  # not at once

    tomorrow = timezone.localdate(timezone.now(), PARIS) + dt.timedelta(days=1)
    early = dt.datetime.combine(tomorrow, dt.time(8, 30), tzinfo=PARIS)
    assert daily_digests_send(workspace=acme, now=early) == 0  # before the working day
    assert mail.outbox == []

    morning = dt.datetime.combine(tomorrow, dt.time(9, 15), tzinfo=PARIS)
    assert daily_digests_send(workspace=acme, now=morning) == 1
    (digest,) = mail.outbox
    assert digest.to == ["bob@example.fr"]
    assert digest.subject == "Acme : 2 notifications depuis hier"
    text, html = _text_and_html(digest)
    assert "* Alice Test vous a mentionné sur Julien Fournier" in text
    assert "* Mia Test vous a mentionné sur Julien Fournier" in text
    assert text.count(f"{BASE}/w/acme/leads/{lead.pk}/#comment-") == 2
    assert "Mia Test vous a mentionné" in html

    # the same day again (another scheduler, the next run): nothing twice, and a notification
    # arriving meanwhile waits for tomorrow's digest
    _mention(personas.actor("rita"), lead, personas.bob)
    Notification.objects.filter(mail=Mail.DAILY).update(created_at=morning)
    assert daily_digests_send(workspace=acme, now=morning + dt.timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1
    next_day = morning + dt.timedelta(days=1)
    assert daily_digests_send(workspace=acme, now=next_day) == 1
    assert mail.outbox[1].subject == "Acme : 1 notification depuis hier"


def test_every_notification_code_has_its_kind_in_the_one_table():
    _discover()
    assert set(NOTICES) == set(CODE_KINDS)


def test_a_new_mql_assigned_to_a_rep_reaches_them(personas):
    lead = _lead(personas)
    lead.stage = "mql"
    lead.save()
    _assign(lead, personas.bob.pk, None, timezone.now(), None, "test", ("fallback_user", {}))
    (notification,) = Notification.objects.filter(user=personas.bob)
    assert notification.title == "Nouveau MQL qui vous est attribué : Julien Fournier"
    assert notification.mail == Mail.AT_ONCE
    assert notification_mails_send(workspace_id=personas.acme.pk) == 1
    assert mail.outbox[0].subject == "Nouveau MQL qui vous est attribué : Julien Fournier"


def test_a_signature_asked_reaches_the_other_sides_manager(personas):
    contract = SlaContract.objects.create(
        workspace=personas.acme,
        name="Contrat T1",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
    )
    sla_contract_sign(actor=personas.actor("mia"), contract_id=contract.pk)
    (asked,) = Notification.objects.all()
    assert asked.user == personas.dave  # the sales manager signs for sales
    assert asked.title == (
        "Mia Test a signé le contrat de SLA « Contrat T1 » : la signature de votre côté est "
        "attendue"
    )
    sla_contract_sign(actor=personas.actor("dave"), contract_id=contract.pk)
    assert Notification.objects.count() == 1  # both signed: nobody is asked any more


# -- preferences: the profile page and the API ------------------------------------------------


def test_preferences_on_the_profile_page(client, personas):
    client.cookies["django_language"] = "en"
    client.force_login(personas.bob)
    page = client.get("/w/acme/profile/").content.decode()
    assert 'id="notification-preferences"' in page
    assert '<option value="email" selected>E-mail at once (default)</option>' in page

    response = client.post(
        "/w/acme/profile/",
        {"notification_preferences": "1", "kind_mention": "daily", "kind_digest": "off"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/w/acme/profile/#notification-preferences"
    kept = dict(
        NotificationPreference.objects.filter(user=personas.bob).values_list("kind", "channel")
    )
    assert kept == {"mention": "daily", "digest": "off"}
    entry = AuditEntry.objects.get(target="notification_preferences")
    assert (entry.before, entry.after) == (
        {"mention": "email", "digest": "email"},
        {"mention": "daily", "digest": "off"},
    )

    # back to the default: the row goes (a later change of the default reaches bob)
    client.post("/w/acme/profile/", {"notification_preferences": "1", "kind_digest": "email"})
    assert list(
        NotificationPreference.objects.filter(user=personas.bob).values_list("kind", flat=True)
    ) == ["mention"]
    assert (
        client.post(
            "/w/acme/profile/", {"notification_preferences": "1", "kind_mention": "pigeon"}
        ).status_code
        == 422
    )


def test_preferences_through_the_api(api_as, personas):
    api = api_as("mia")
    listed = api.get("/me/notification-preferences").json()
    assert [p["kind"] for p in listed] == [
        "mql",
        "sla_breach",
        "mention",
        "feedback_answer",
        "approval",
        "task_reminder",
        "digest",
        "other",
    ]
    assert {p["kind"]: p["channel"] for p in listed}["feedback_answer"] == "daily"

    changed = api.patch(
        "/me/notification-preferences", {"preferences": {"sla_breach": "off"}}
    ).json()
    assert {p["kind"]: p["channel"] for p in changed}["sla_breach"] == "off"
    assert {p["kind"]: p["default"] for p in changed}["sla_breach"] == "email"
    # another person's choices are theirs alone
    assert NotificationPreference.objects.get().user == personas.mia

    bad = api.patch("/me/notification-preferences", {"preferences": {"mention": "pigeon"}})
    assert bad.status_code == 422
    unknown = api.patch("/me/notification-preferences", {"preferences": {"weather": "off"}})
    assert unknown.status_code == 422


# -- the outbox --------------------------------------------------------------------------------


def test_the_file_backend_writes_each_message_into_the_folder_and_the_outbox_shows_it(
    client, personas, tmp_path
):
    folder = tmp_path / "var" / "mail"
    with override_settings(EMAIL_BACKEND=BACKEND, EMAIL_FILE_PATH=str(folder)):
        personas.bob.language = "en"
        personas.bob.save()
        _mention(personas.actor("alice"), _lead(personas), personas.bob, personas.mia)
        assert notification_mails_send(workspace_id=personas.acme.pk) == 2
        # a message to Globex's people is not Acme's to read
        mail_send(
            workspace=personas.globex,
            user=personas.carol,
            template="notification",
            subject="Secret de Globex",
            context={"title": "Secret de Globex", "body": "", "url": ""},
        )
        files = sorted(folder.glob("*.eml"))
        assert len(files) == 3
        parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
        assert parsed.get_body(preferencelist=("plain",)) is not None
        assert parsed.get_body(preferencelist=("html",)) is not None

        client.cookies["django_language"] = "en"
        client.force_login(personas.rita)
        page = client.get("/w/acme/outbox/").content.decode()
        assert "Alice Test mentioned you on Julien Fournier" in page  # bob's, in English
        assert "Alice Test vous a mentionné sur Julien Fournier" in page  # mia's, in French
        assert "Secret de Globex" not in page
        assert "bob@example.fr" in page and ">English<" in page and ">français<" in page

        to_bob = next(p for p in files if b"bob@example.fr" in p.read_bytes())
        shown = client.get(f"/w/acme/outbox/{to_bob.stem}/").content.decode()
        assert "Text part" in shown and "HTML part" in shown
        assert f"/w/acme/outbox/{to_bob.stem}/html/" in shown
        framed = client.get(f"/w/acme/outbox/{to_bob.stem}/html/")
        assert "Hello Bob," in framed.content.decode()
        assert "sandbox" in framed["Content-Security-Policy"]
        globex = next(p for p in files if b"carol@example.fr" in p.read_bytes())
        assert client.get(f"/w/acme/outbox/{globex.stem}/").status_code == 404
        assert client.get("/w/acme/outbox/..%2F..%2Fetc%2Fpasswd/").status_code == 404

        client.force_login(personas.alice)
        assert client.get("/w/acme/outbox/").status_code == 403


def test_the_outbox_says_when_mail_is_really_sent(client, personas):
    client.cookies["django_language"] = "en"
    client.force_login(personas.rita)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"):
        page = client.get("/w/acme/outbox/").content.decode()
    assert "Mail is really sent on this instance" in page
