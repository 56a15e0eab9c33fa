"""Marketing's answer goes back to everyone who raised or backed the item, in the app and by
webhook; the weekly digest reaches each person once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.feedback.digest import digest_send, last_week_start
from cordee.feedback.models import FeedbackItem, FeedbackResponse, FeedbackVote
from cordee.feedback.services import feedback_merge, feedback_respond, feedback_vote
from cordee.integrations.models import WebhookDelivery, WebhookSubscription
from cordee.people.mail import notification_mails_send
from cordee.people.models import Notification
from tests import factories as f
from tests.feedback.conftest import raise_item


def _subscribe(personas, *events):
    return WebhookSubscription.objects.create(
        workspace=personas.acme, name="Hook", url="http://127.0.0.1:9/", events=list(events)
    )


def test_an_answer_notifies_the_submitter_merged_authors_and_voters(personas):
    _subscribe(personas, "feedback.answered")
    item = raise_item(personas, who="bob", title="Trop cher")
    dup = raise_item(personas, who="dave", title="Too expensive")
    feedback_vote(actor=personas.actor("rita"), item_id=item.pk)
    feedback_vote(actor=personas.actor("alice"), item_id=item.pk)  # the responder: not told
    feedback_merge(actor=personas.actor("mia"), item_id=dup.pk, into_id=item.pk)
    campaign = f.CampaignFactory(workspace=personas.acme, name="Offre PME")
    response = feedback_respond(
        actor=personas.actor("alice"),
        item_id=item.pk,
        text="Nous lançons une offre PME.",
        what_changed="Offre PME à -20 % pour les moins de 50 salariés",
        campaign_id=campaign.pk,
        url="https://acme.example/offre-pme",
    )
    told = sorted(n.user.email for n in Notification.objects.filter(kind="feedback.answered"))
    assert told == ["bob@example.fr", "dave@example.fr", "rita@example.fr"]
    note = Notification.objects.get(user=personas.bob)
    assert "Trop cher" in note.title and note.body.startswith("Offre PME")
    assert note.url.endswith(f"/feedback/{item.pk}/")
    delivery = WebhookDelivery.objects.get(event="feedback.answered")
    assert delivery.payload["data"]["response_id"] == response.pk
    assert delivery.payload["data"]["campaign_id"] == campaign.pk
    item.refresh_from_db()
    dup.refresh_from_db()
    assert item.first_response_at == response.created_at
    assert dup.first_response_at == response.created_at


def test_only_marketing_answers_and_links_are_checked(personas):
    item = raise_item(personas)
    with pytest.raises(PermissionDenied):
        feedback_respond(actor=personas.actor("dave"), item_id=item.pk, text="Vu")
    with pytest.raises(ValidationFailed) as caught:
        feedback_respond(
            actor=personas.actor("alice"), item_id=item.pk, text="Vu", url="javascript:alert(1)"
        )
    assert "url" in caught.value.field_errors
    foreign = f.CampaignFactory(workspace=personas.globex)
    with pytest.raises(ValidationFailed) as caught:
        feedback_respond(
            actor=personas.actor("alice"), item_id=item.pk, text="Vu", campaign_id=foreign.pk
        )
    assert "campaign" in caught.value.field_errors
    assert not FeedbackResponse.objects.exists()


def _at(item, when):
    FeedbackItem.objects.filter(pk=item.pk).update(submitted_at=when)


def test_weekly_digest_marketing_gets_new_and_hottest_sales_gets_answers(personas):
    _subscribe(personas, "feedback.digest")
    personas.acme.time_zone = "Europe/Paris"
    personas.acme.save()
    week = dt.date(2026, 3, 2)  # a Monday
    tz = dt.timezone(dt.timedelta(hours=1))
    inside = dt.datetime(2026, 3, 3, 10, tzinfo=tz)
    a = raise_item(personas, who="bob", title="Trop cher")
    b = raise_item(personas, who="dave", title="Pas d'appli mobile")
    old = raise_item(personas, who="bob", title="Ancien sujet")
    _at(a, inside)
    _at(b, inside + dt.timedelta(days=1))
    _at(old, inside - dt.timedelta(days=20))
    for voter, item in (("alice", old), ("mia", old), ("rita", b)):
        vote = FeedbackVote.objects.create(
            workspace=personas.acme, item=item, user=getattr(personas, voter), created_at=inside
        )
        assert vote.pk
    response = feedback_respond(actor=personas.actor("alice"), item_id=a.pk, text="Offre PME")
    FeedbackResponse.objects.filter(pk=response.pk).update(created_at=inside)
    mail.outbox.clear()

    sent = digest_send(workspace=personas.acme, week_start=week)
    # by e-mail at once (the default for digests), after the commit: the task's work, run here
    assert notification_mails_send(workspace_id=personas.acme.pk) == 5
    notes = {n.user.email: n for n in Notification.objects.filter(kind="feedback.digest")}
    # marketing side and the others get new + hottest; bob got an answer; dave got none
    assert sorted(notes) == [
        "alice@example.fr",
        "bob@example.fr",
        "erin@example.fr",
        "mia@example.fr",
        "rita@example.fr",
    ]
    assert sent == 5
    mia = notes["mia@example.fr"].body
    assert "Trop cher" in mia and "Pas d'appli mobile" in mia
    assert "Ancien sujet (+2)" in mia and "Pas d'appli mobile (+1)" in mia
    assert mia.index("Ancien sujet (+2)") < mia.index("Pas d'appli mobile (+1)")
    assert "Offre PME" in notes["bob@example.fr"].body
    assert len(mail.outbox) == 5
    (delivery,) = WebhookDelivery.objects.filter(event="feedback.digest")
    assert [x["title"] for x in delivery.payload["data"]["new"]] == [
        "Trop cher",
        "Pas d'appli mobile",
    ]

    # one row, read in each reader's language; the e-mail went in its recipient's (bob: French)
    with translation.override("en"):
        assert notes["bob@example.fr"].title == (
            "Marketing answered 1 piece of your feedback this week"
        )
        assert notes["bob@example.fr"].body == "You said: Trop cher → we did: Offre PME"
        assert notes["mia@example.fr"].title == "Field feedback this week: 2 new items"
    with translation.override("fr"):
        assert notes["mia@example.fr"].title == (
            "Retours terrain de la semaine : 2 nouveaux retours"
        )
        assert notes["mia@example.fr"].body.splitlines() == [
            "Nouveaux :",
            "• Trop cher",
            "• Pas d'appli mobile",
            "",
            "Les plus soutenus cette semaine :",
            "• Ancien sujet (+2)",
            "• Pas d'appli mobile (+1)",
        ]
    (to_bob,) = [m for m in mail.outbox if m.to == ["bob@example.fr"]]
    assert to_bob.subject == "Le marketing a répondu à 1 de vos retours cette semaine"

    # idempotent: a second run (another scheduler, a restart) sends nothing more
    assert digest_send(workspace=personas.acme, week_start=week) == 0
    assert notification_mails_send(workspace_id=personas.acme.pk) == 0
    assert Notification.objects.filter(kind="feedback.digest").count() == 5
    assert len(mail.outbox) == 5
    assert WebhookDelivery.objects.filter(event="feedback.digest").count() == 1


def test_last_week_is_the_previous_monday_to_sunday(personas):
    wednesday = dt.datetime(2026, 3, 11, 9, tzinfo=dt.UTC)
    assert last_week_start(personas.acme, wednesday) == dt.date(2026, 3, 2)
    monday_night_paris = dt.datetime(2026, 3, 8, 23, 30, tzinfo=dt.UTC)  # Mon 00:30 in Paris
    assert last_week_start(personas.acme, monday_night_paris) == dt.date(2026, 3, 2)
    assert timezone.is_aware(wednesday)
