"""People and access: invitations, roles and pods, deactivation, the hand-over, password reset
and sessions — through the services, the pages and the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone, translation

from cordee.core.errors import Conflict, Gone
from cordee.core.models import AuditEntry, FieldChange
from cordee.feedback.models import FeedbackItem
from cordee.funnel.models import LeadAssignment, Task
from cordee.people import access
from cordee.people.handover import handover_counts
from cordee.people.handover import handover_run as run_handover
from cordee.people.models import Invitation, PodMember, UserSession
from cordee.tenancy.models import ApiToken, Membership, User
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")

SITE = "http://testserver"


def _invite(personas, email="nina@example.fr", role="sales_rep", pods=()):
    return access.invitation_create(
        actor=personas.actor("rita"), email=email, role=role, site_url=SITE, pod_ids=pods
    )


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _audits(action: str, target: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, target=target).order_by("id"))


# -- invitations ---------------------------------------------------------------------------------


def test_an_invitation_mail_speaks_the_workspace_language_with_a_text_part(personas):
    personas.acme.default_language = "fr"
    personas.acme.save()
    _invitation, url = _invite(personas)
    personas.globex.default_language = "en"
    personas.globex.save()
    carol = personas.actor("carol")
    access.invitation_create(actor=carol, email="Ian@Example.com ", role="marketer", site_url=SITE)
    french, english = mail.outbox
    assert french.to == ["nina@example.fr"]
    assert french.subject == "Rita Test vous invite dans Acme sur Cordée"
    assert "Ouvrez ce lien pour choisir votre mot de passe" in french.body
    assert url in french.body and url.startswith(f"{SITE}/invitations/")
    assert french.alternatives[0].mimetype == "text/html"
    assert "Choisir mon mot de passe" in french.alternatives[0].content
    assert english.to == ["ian@example.com"]  # normalized
    assert english.subject == "Carol Test invites you to Globex on Cordée"
    assert "Open this link to choose your password and sign in" in english.body
    assert "Commercial" not in english.body


def test_invitation_creation_is_for_revops_and_audited(personas):
    with pytest.raises(Exception) as refused:
        access.invitation_create(
            actor=personas.actor("dave"), email="x@example.fr", role="sdr", site_url=SITE
        )
    assert refused.value.status == 403
    invitation, _url = _invite(personas)
    entry = _audits("create", "invitation")[0]
    assert (entry.target_id, entry.user_id) == (invitation.pk, personas.rita.pk)
    assert entry.after == {"email": "nina@example.fr", "role": "sales_rep", "pods": []}


def test_a_member_cannot_be_invited_twice(personas):
    with pytest.raises(Exception) as refused, translation.override("en"):
        _invite(personas, email="BOB@example.fr")
    assert refused.value.field_errors["email"] == [
        "This person is already a member of the workspace."
    ]


def test_accepting_creates_the_person_membership_and_pods_once(personas):
    pod = f.PodFactory(workspace=personas.acme, name="Nord")
    invitation, url = _invite(personas, pods=[pod.pk])
    membership = access.invitation_accept(
        token=_token(url),
        first_name="Nina",
        last_name="Durand",
        password="cordee-long-pass",
        password2="cordee-long-pass",
    )
    user = User.objects.get(email="nina@example.fr")
    assert (membership.user, membership.role, membership.is_active) == (user, "sales_rep", True)
    assert user.check_password("cordee-long-pass") and user.language == "fr"
    assert PodMember.objects.filter(pod=pod, user=user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert _audits("accept", "invitation")[0].user_id == user.pk
    with pytest.raises(Gone):
        access.invitation_accept(token=_token(url), first_name="X", password="a", password2="a")


def test_password_validators_refuse_123(personas):
    _invitation, url = _invite(personas)
    with pytest.raises(Exception) as refused, translation.override("en"):
        access.invitation_accept(
            token=_token(url), first_name="Nina", password="123", password2="123"
        )
    assert refused.value.status == 422
    assert (
        "This password is too short. It must contain at least 8 characters."
        in (refused.value.field_errors["password"])
    )
    assert "This password is too common." in refused.value.field_errors["password"]
    assert not User.objects.filter(email="nina@example.fr").exists()


def test_an_existing_user_joins_after_signing_in(personas, client):
    _invitation, url = access.invitation_create(
        actor=personas.actor("carol"), email="bob@example.fr", role="sdr", site_url=SITE
    )
    page = client.get(url)
    assert "You already have a Cordée account" in page.content.decode()
    assert client.post(url).status_code == 409  # not signed in as Bob
    client.force_login(personas.bob)
    assert client.post(url)["Location"] == "/w/globex/"
    assert Membership.objects.get(workspace=personas.globex, user=personas.bob).role == "sdr"


def test_expired_link_is_refused_with_410(personas, client):
    invitation, url = _invite(personas)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.get(url)
    assert response.status_code == 410
    assert "This invitation has expired." in response.content.decode()


def test_a_link_older_than_its_signature_allows_is_refused(personas, client):
    _invitation, url = _invite(personas)
    with override_settings(INVITATION_DAYS=0):
        response = client.get(url)
    assert response.status_code == 410


def test_revoked_link_is_refused_and_the_revocation_audited(personas, client):
    invitation, url = _invite(personas)
    access.invitation_revoke(actor=personas.actor("rita"), invitation_id=invitation.pk)
    response = client.post(
        url, {"first_name": "N", "password": "cordee-long-pass", "password2": "cordee-long-pass"}
    )
    assert response.status_code == 410
    assert "This invitation was withdrawn." in response.content.decode()
    assert not User.objects.filter(email="nina@example.fr").exists()
    assert _audits("revoke", "invitation")[0].target_id == invitation.pk


def test_a_tampered_link_is_404(personas, client):
    _invitation, url = _invite(personas)
    assert client.get(url[:-3] + "xyz/").status_code == 404


def test_the_accept_page_signs_the_new_person_in(personas, client):
    _invitation, url = _invite(personas)
    response = client.post(
        url,
        {
            "first_name": "Nina",
            "last_name": "Durand",
            "password": "cordee-long-pass",
            "password2": "cordee-long-pass",
        },
    )
    assert response["Location"] == "/w/acme/"
    assert client.get("/w/acme/").status_code == 200
    nina = User.objects.get(email="nina@example.fr")
    assert UserSession.objects.filter(user=nina).count() == 1


# -- roles, pods and the last admin --------------------------------------------------------------


def test_role_and_pods_change_and_are_audited(personas):
    pod = f.PodFactory(workspace=personas.acme)
    access.member_update(
        actor=personas.actor("rita"),
        user_id=personas.bob.pk,
        role="sales_manager",
        pod_ids=[pod.pk],
    )
    assert Membership.objects.get(user=personas.bob).role == "sales_manager"
    assert PodMember.objects.filter(pod=pod, user=personas.bob).exists()
    entry = _audits("update", "membership")[0]
    assert entry.before == {"role": "sales_rep", "pods": []}
    assert entry.after == {"role": "sales_manager", "pods": [pod.pk]}


def test_the_last_admin_can_be_neither_demoted_nor_deactivated(personas):
    rita = personas.actor("rita")
    with pytest.raises(Conflict, match="at least one active RevOps admin"):
        access.member_update(actor=rita, user_id=personas.rita.pk, role="marketer")
    with pytest.raises(Conflict):
        access.member_deactivate(actor=rita, user_id=personas.rita.pk)
    access.member_update(actor=rita, user_id=personas.mia.pk, role="revops_admin")
    access.member_update(actor=rita, user_id=personas.rita.pk, role="marketer")  # now allowed
    assert Membership.objects.get(user=personas.rita).role == "marketer"


def test_the_last_admin_protection_shows_on_the_page_and_the_api(personas, client, api_as):
    client.force_login(personas.rita)
    response = client.post(f"/w/acme/members/{personas.rita.pk}/", {"role": "marketer"})
    assert response.status_code == 422
    assert "A workspace needs at least one active RevOps admin" in response.content.decode()
    answer = api_as("rita").patch(f"/members/{personas.rita.pk}", {"role": "marketer"})
    assert answer.status_code == 409


# -- deactivation --------------------------------------------------------------------------------


def test_deactivation_ends_a_session_and_a_token_in_the_same_request_cycle(personas, api_as):
    bob_browser = Client()
    bob_browser.force_login(personas.bob)
    assert bob_browser.get("/w/acme/").status_code == 200
    bob_api = api_as("bob")
    assert bob_api.get("/me").status_code == 200
    rita = Client()
    rita.force_login(personas.rita)
    rita.post(f"/w/acme/members/{personas.bob.pk}/deactivate/")
    response = bob_browser.get("/w/acme/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert bob_api.get("/me").status_code == 401
    assert not UserSession.objects.filter(user=personas.bob).exists()
    assert not Session.objects.filter(session_key__in=[bob_browser.session.session_key]).exists()
    personas.bob.refresh_from_db()
    assert personas.bob.is_active is False
    assert not ApiToken.objects.filter(user=personas.bob, revoked_at__isnull=True).exists()
    entry = _audits("deactivate", "membership")[0]
    assert entry.after["is_active"] is False and entry.after["sessions_ended"] == 1


def test_a_member_of_another_workspace_keeps_their_account_but_not_this_workspace(personas):
    f.MembershipFactory(workspace=personas.globex, user=personas.bob, role="sdr")
    access.member_deactivate(actor=personas.actor("rita"), user_id=personas.bob.pk)
    personas.bob.refresh_from_db()
    assert personas.bob.is_active is True
    client = Client()
    client.force_login(personas.bob)
    assert client.get("/w/acme/").status_code == 404
    assert client.get("/w/globex/").status_code == 200


def test_reactivation_lets_them_back_in(personas):
    rita = personas.actor("rita")
    access.member_deactivate(actor=rita, user_id=personas.bob.pk)
    access.member_reactivate(actor=rita, user_id=personas.bob.pk)
    client = Client()
    assert client.login(username="bob@example.fr", password="password")
    assert client.get("/w/acme/").status_code == 200
    assert [e.action for e in AuditEntry.objects.filter(target="membership").order_by("id")] == [
        "deactivate",
        "reactivate",
    ]


# -- the hand-over -------------------------------------------------------------------------------


@pytest.fixture
def bobs_open_work(personas):
    """Bob's open work in Acme: 2 open leads (and a won one), 1 open deal (and a lost one),
    2 open tasks (and a done one), 1 open feedback item (and a done one), 1 pod he leads."""
    ws, bob = personas.acme, personas.bob
    now = timezone.now()
    leads = [
        f.LeadFactory(workspace=ws, owner=bob, stage="mql", mql_at=now),
        f.LeadFactory(workspace=ws, owner=bob, stage="sal"),
        f.LeadFactory(workspace=ws, owner=bob, stage="won"),
    ]
    deals = [
        f.OpportunityFactory(workspace=ws, owner=bob),
        f.OpportunityFactory(workspace=ws, owner=bob, stage="closed_lost"),
    ]
    for done in (None, None, now):
        Task.objects.create(
            workspace=ws, lead=leads[0], owner=bob, title="Rappeler", due_at=now, done_at=done
        )
    for status in ("acknowledged", "done"):
        FeedbackItem.objects.create(
            workspace=ws,
            kind="objection",
            title="Trop cher",
            author=personas.alice,
            owner=bob,
            status=status,
            submitted_at=now,
        )
    pod = f.PodFactory(workspace=ws, name="Sud")
    PodMember.objects.create(pod=pod, user=bob, is_lead=True)
    PodMember.objects.create(pod=pod, user=personas.alice)
    return {"leads": leads, "deals": deals, "pod": pod}


def test_the_hand_over_moves_every_kind_of_open_work(personas, bobs_open_work):
    rita = personas.actor("rita")
    access.member_deactivate(actor=rita, user_id=personas.bob.pk)
    before = access_counts(personas)
    assert before == {"leads": 2, "opportunities": 1, "tasks": 2, "feedback": 1, "pods": 1}
    moved = handover_run(
        personas,
        {
            "leads": personas.dave.pk,
            "opportunities": personas.dave.pk,
            "tasks": personas.dave.pk,
            "feedback": personas.mia.pk,
            "pods": personas.dave.pk,
        },
    )
    assert moved == before
    assert access_counts(personas) == dict.fromkeys(before, 0)
    won = bobs_open_work["leads"][2]
    won.refresh_from_db()
    assert won.owner == personas.bob  # closed work stays where it was
    # history written by the services: one assignment per open lead, one field change per deal
    history = LeadAssignment.objects.filter(from_owner=personas.bob, to_owner=personas.dave)
    assert sorted(history.values_list("lead_id", flat=True)) == sorted(
        lead.pk for lead in bobs_open_work["leads"][:2]
    )
    change = FieldChange.objects.get(record="opportunities", field="owner")
    assert (change.before, change.after) == (str(personas.bob.pk), str(personas.dave.pk))
    assert FeedbackItem.objects.get(status="acknowledged").owner == personas.mia
    seats = dict(PodMember.objects.filter(pod=bobs_open_work["pod"]).values_list("user", "is_lead"))
    assert seats == {personas.dave.pk: True, personas.alice.pk: False}
    assert _audits("hand_over", "membership")[0].after["leads"] == {
        "to": personas.dave.pk,
        "moved": 2,
    }


def test_the_hand_over_page_shows_counts_before_and_after(personas, bobs_open_work, client):
    client.force_login(personas.rita)
    url = f"/w/acme/members/{personas.bob.pk}/handover/"
    html = client.get(url).content.decode()
    assert re.search(r'data-kind="leads".*?data-count>2<', html, re.S)
    response = client.post(url, {"leads": personas.dave.pk, "tasks": personas.dave.pk})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert re.search(r'data-kind="leads".*?data-count>0<', html, re.S)
    assert re.search(r'data-kind="opportunities".*?data-count>1<', html, re.S)
    assert "4 items were handed over." in html


def test_the_hand_over_refuses_the_leaver_and_strangers(personas, bobs_open_work):
    with pytest.raises(Exception) as refused:
        handover_run(personas, {"leads": personas.bob.pk, "tasks": personas.carol.pk})
    assert set(refused.value.field_errors) == {"leads", "tasks"}


def access_counts(personas):
    return handover_counts(actor=personas.actor("rita"), user_id=personas.bob.pk)


def handover_run(personas, to):
    return run_handover(actor=personas.actor("rita"), user_id=personas.bob.pk, to=to)


# -- the members page and API --------------------------------------------------------------------


def test_the_members_page_lists_members_and_invitations(personas, client):
    access.member_deactivate(actor=personas.actor("rita"), user_id=personas.erin.pk)
    _invite(personas)
    client.force_login(personas.rita)
    html = client.get("/w/acme/members/").content.decode()
    assert "Erin Test" in html and "Deactivated" in html
    assert "nina@example.fr" in html and "Sales rep (AE)" in html
    response = client.post(
        "/w/acme/members/", {"email": "omar@example.fr", "role": "marketer"}, follow=True
    )
    assert "An invitation was sent to omar@example.fr." in response.content.decode()
    assert len(mail.outbox) == 2


def test_the_api_invites_lists_and_revokes(personas, api_as):
    rita = api_as("rita")
    created = rita.post("/invitations", {"email": "nina@example.fr", "role": "sdr"})
    assert created.status_code == 201
    body = created.json()
    assert body["url"].startswith("http://testserver/invitations/") and body["is_pending"]
    assert rita.get("/invitations").json()["count"] == 1
    revoked = rita.post(f"/invitations/{body['id']}/revoke", {})
    assert revoked.json()["is_pending"] is False
    members = rita.get("/members/all").json()
    assert members["count"] == 6


# -- password reset and sessions -----------------------------------------------------------------


def test_password_reset_by_mail(personas, client):
    assert 'href="/password-reset/"' in client.get("/login/").content.decode()
    client.post("/password-reset/", {"email": "bob@example.fr"})
    (message,) = mail.outbox
    assert message.alternatives[0].mimetype == "text/html"
    link = re.search(r"http://testserver(/password-reset/\S+/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    url = form.redirect_chain[-1][0]
    refused = client.post(url, {"new_password1": "123", "new_password2": "123"})
    assert "This password is too short." in refused.content.decode()
    done = client.post(
        url, {"new_password1": "cordee-new-pass", "new_password2": "cordee-new-pass"}
    )
    assert done["Location"] == "/password-reset/done/"
    assert User.objects.get(pk=personas.bob.pk).check_password("cordee-new-pass")


def test_sign_out_elsewhere_keeps_this_session_only(personas):
    laptop, phone = Client(), Client()
    for device, agent in ((laptop, "Firefox on Linux"), (phone, "Safari on iPhone")):
        device.cookies["django_language"] = "en"
        device.defaults["HTTP_USER_AGENT"] = agent
        device.post("/login/", {"username": "bob@example.fr", "password": "password"})
    assert laptop.get("/w/acme/").status_code == 200
    profile = laptop.get("/w/acme/profile/").content.decode()
    assert profile.count("<tr") == 3 and profile.count("This one") == 1
    assert "Firefox on Linux" in profile and "Safari on iPhone" in profile
    response = laptop.post("/w/acme/profile/sessions/end-others/")
    assert response.status_code == 302
    assert laptop.get("/w/acme/").status_code == 200
    assert phone.get("/w/acme/")["Location"].startswith("/login/")
    assert UserSession.objects.filter(user=personas.bob).count() == 1


def test_a_session_is_seen_again_at_most_once_a_minute(personas):
    client = Client()
    client.force_login(personas.bob)
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    UserSession.objects.update(last_seen=long_ago)
    client.get("/w/acme/")
    assert UserSession.objects.get().last_seen == long_ago  # seen less than a minute ago
    session = client.session
    session["_cordee_seen"] = 0
    session.save()
    client.get("/w/acme/", HTTP_USER_AGENT="Firefox on Linux")
    row = UserSession.objects.get()
    assert row.last_seen > long_ago and row.user_agent == "Firefox on Linux"


def test_sessions_that_expired_are_forgotten_at_the_next_sign_in(personas):
    old = Client()
    old.force_login(personas.bob)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(days=1))
    Client().force_login(personas.bob)
    assert UserSession.objects.filter(user=personas.bob).count() == 1
    assert UserSession.objects.get().session_key != old.session.session_key
