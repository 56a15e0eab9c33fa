"""A meeting during and after: attendance by side, minutes, decisions acting on their objects
(a breach leaves the committee's list, a feedback item changes status — or is refused —, an
override and a debrief are marked discussed), closing with the summary (in the app and through
the webhooks) and cancelling; who may run it.

The committee of these tests ("Comité Grand Est"): alice (marketer), bob (sales rep) and dave
(sales manager). erin (executive, no ``committee.write``) is not on it: she reads, never runs;
mia (marketing manager, ``committee.write``) is not on it either, and runs it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from cordee.codesign.models import Debrief, LaunchOverride
from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.feedback.models import FeedbackItem
from cordee.funnel.models import SlaBreach
from cordee.integrations.models import WebhookDelivery, WebhookSubscription
from cordee.people.models import Notification
from cordee.rituals import meetings as services
from cordee.rituals.actions import action_create
from cordee.rituals.agenda import agenda_item_add
from cordee.rituals.models import (
    AgendaSource,
    Attendance,
    Committee,
    CommitteeMember,
    Decision,
    Meeting,
    MeetingState,
)
from tests import factories as f

PARIS = dt.timezone(dt.timedelta(hours=1))  # December in Paris


def make_committee(personas, members=("alice", "bob", "dave"), name="Comité Grand Est", pod=None):
    committee = Committee.objects.create(
        workspace=personas.acme,
        name=name,
        pod=pod,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        first_at=dt.datetime(2026, 12, 1, 14, 0, tzinfo=PARIS),
    )
    for who in members:
        CommitteeMember.objects.create(
            workspace=personas.acme, committee=committee, user=getattr(personas, who)
        )
    return committee


def make_meeting(committee, starts_at=None, state=MeetingState.PLANNED):
    starts_at = starts_at or dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS)
    return Meeting.objects.create(
        workspace=committee.workspace,
        committee=committee,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        state=state,
    )


def make_breach(personas, **kw):
    lead = f.LeadFactory(workspace=personas.acme, owner=personas.bob)
    values = {
        "workspace": personas.acme,
        "kind": "first_touch",
        "side": "sales",
        "lead": lead,
        "mql_at": timezone.now(),
        "owner": personas.bob,
        "due_at": timezone.now() - dt.timedelta(hours=1),
        "detected_at": timezone.now(),
    }
    return SlaBreach.objects.create(**{**values, **kw})


def make_feedback(personas, status="new"):
    return FeedbackItem.objects.create(
        workspace=personas.acme,
        kind="pricing",
        title="Trop cher pour les PME",
        author=personas.bob,
        submitted_at=timezone.now(),
        status=status,
    )


@pytest.fixture
def meeting(personas):
    return make_meeting(make_committee(personas))


def _add(personas, meeting, source, object_id=None, title="", params=None, who="alice"):
    return agenda_item_add(
        actor=personas.actor(who),
        meeting=meeting,
        source=source,
        object_id=object_id,
        title=title,
        params=params,
    )


# -- attendance -------------------------------------------------------------------------------------


def test_attendance_is_recorded_by_side_and_members_left_out_are_absent(personas, meeting):
    rows = services.attendance_set(
        actor=personas.actor("alice"), meeting=meeting, present=[personas.bob.pk]
    )
    assert [(a.user.email, a.side, a.present) for a in rows] == [
        ("alice@example.fr", "marketing", False),
        ("bob@example.fr", "sales", True),
        ("dave@example.fr", "sales", False),
    ]
    assert AuditEntry.objects.filter(target="meetings", target_id=meeting.pk).count() == 1


def test_only_the_committees_members_are_recorded(personas, meeting):
    with pytest.raises(ValidationFailed) as refused:
        services.attendance_set(
            actor=personas.actor("alice"), meeting=meeting, present=[personas.erin.pk]
        )
    assert "present" in refused.value.field_errors
    assert not Attendance.objects.exists()


def test_a_non_member_without_committee_write_may_not_run_it_a_manager_may(personas, meeting):
    with pytest.raises(PermissionDenied):
        services.attendance_set(actor=personas.actor("erin"), meeting=meeting, present=[])
    with pytest.raises(PermissionDenied):
        services.decision_record(actor=personas.actor("erin"), meeting=meeting, text="Non")
    with pytest.raises(PermissionDenied):
        services.meeting_close(actor=personas.actor("erin"), meeting=meeting)
    services.attendance_set(actor=personas.actor("mia"), meeting=meeting, present=[])
    assert Attendance.objects.filter(meeting=meeting, present=False).count() == 3


# -- minutes ----------------------------------------------------------------------------------------


def test_minutes_are_kept_on_the_item(personas, meeting):
    item = _add(personas, meeting, AgendaSource.MANUAL, title="Point sur les salons")
    services.minutes_set(actor=personas.actor("bob"), item=item, text="  Trois salons retenus. ")
    item.refresh_from_db()
    assert item.minutes == "Trois salons retenus."


# -- decisions --------------------------------------------------------------------------------------


def test_a_decision_on_a_breach_item_takes_its_breaches_off_the_committees_list(personas, meeting):
    named = make_breach(personas)
    grouped = make_breach(personas)
    other = make_breach(personas)  # on no item of this agenda: stays marked
    item = _add(personas, meeting, AgendaSource.BREACH, params={"ids": [named.pk, grouped.pk]})
    decision = services.decision_record(
        actor=personas.actor("dave"),
        meeting=meeting,
        item_id=item.pk,
        text="Les SDR rappellent sous 4 h ouvrées ; revue dans un mois.",
    )
    assert decision.agenda_item == item
    pending = dict(SlaBreach.objects.values_list("pk", "committee_pending"))
    assert pending == {named.pk: False, grouped.pk: False, other.pk: True}


def test_a_decision_on_a_feedback_item_changes_its_status(personas, meeting):
    item = make_feedback(personas, status="new")
    line = _add(personas, meeting, AgendaSource.FEEDBACK, object_id=item.pk)
    services.decision_record(
        actor=personas.actor("alice"),
        meeting=meeting,
        item_id=line.pk,
        text="Une offre PME est prévue au T1.",
        feedback_status="planned",
    )
    item.refresh_from_db()
    assert item.status == "planned"
    assert Decision.objects.get().feedback_status == "planned"


def test_a_refused_feedback_transition_is_named_and_records_nothing(personas, meeting):
    item = make_feedback(personas, status="done")  # done → planned is not a transition
    line = _add(personas, meeting, AgendaSource.FEEDBACK, object_id=item.pk)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.decision_record(
            actor=personas.actor("alice"),
            meeting=meeting,
            item_id=line.pk,
            text="On replanifie.",
            feedback_status="planned",
        )
    assert refused.value.field_errors["feedback_status"] == [
        "An item cannot move from Done to Planned."
    ]
    item.refresh_from_db()
    assert item.status == "done" and not Decision.objects.exists()


def test_a_feedback_status_needs_the_right_to_triage_feedback(personas, meeting):
    item = make_feedback(personas)
    line = _add(personas, meeting, AgendaSource.FEEDBACK, object_id=item.pk)
    with pytest.raises(PermissionDenied):  # dave (sales) is on the committee, triage is marketing's
        services.decision_record(
            actor=personas.actor("dave"),
            meeting=meeting,
            item_id=line.pk,
            text="Reconnu.",
            feedback_status="acknowledged",
        )
    item.refresh_from_db()
    assert item.status == "new" and not Decision.objects.exists()
    # without a status, the sales manager records the committee's decision all the same
    services.decision_record(
        actor=personas.actor("dave"), meeting=meeting, item_id=line.pk, text="Reconnu."
    )
    assert Decision.objects.count() == 1


def test_a_status_only_goes_with_a_feedback_item(personas, meeting):
    line = _add(personas, meeting, AgendaSource.MANUAL, title="Divers")
    with pytest.raises(ValidationFailed) as refused:
        services.decision_record(
            actor=personas.actor("alice"),
            meeting=meeting,
            item_id=line.pk,
            text="?",
            feedback_status="planned",
        )
    assert "feedback_status" in refused.value.field_errors


def test_decisions_on_an_override_and_a_debrief_mark_them_discussed(personas, meeting):
    campaign = f.CampaignFactory(workspace=personas.acme)
    override = LaunchOverride.objects.create(
        workspace=personas.acme,
        campaign=campaign,
        by=personas.mia,
        reason="Salon avancé",
        created_at=timezone.now(),
    )
    debrief = Debrief.objects.create(
        workspace=personas.acme, campaign=campaign, opened_at=timezone.now()
    )
    for source, obj in ((AgendaSource.OVERRIDE, override), (AgendaSource.DEBRIEF, debrief)):
        line = _add(personas, meeting, source, object_id=obj.pk)
        services.decision_record(
            actor=personas.actor("bob"), meeting=meeting, item_id=line.pk, text="Vu ensemble."
        )
    override.refresh_from_db()
    debrief.refresh_from_db()
    assert override.discussed_at is not None and debrief.discussed_at is not None


def test_a_decision_needs_an_item_of_this_meeting(personas, meeting):
    other = make_meeting(meeting.committee, dt.datetime(2026, 12, 15, 14, 0, tzinfo=PARIS))
    foreign = _add(personas, other, AgendaSource.MANUAL, title="Ailleurs")
    with pytest.raises(ValidationFailed):
        services.decision_record(
            actor=personas.actor("alice"), meeting=meeting, item_id=foreign.pk, text="Non"
        )


# -- closing, the summary, cancelling ---------------------------------------------------------------


def test_closing_sends_the_summary_in_the_app_and_to_the_webhooks(
    personas, meeting, django_capture_on_commit_callbacks
):
    personas.acme.default_language = "en"
    personas.acme.save()
    WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Slack",
        url="https://hooks.example.com/s",
        format="slack",
        events=["committee.summary"],
    )
    WebhookSubscription.objects.create(  # another event: nothing for it
        workspace=personas.acme,
        name="Autre",
        url="https://hooks.example.com/o",
        events=["deal.won"],
    )
    line = _add(personas, meeting, AgendaSource.MANUAL, title="Salons 2027")
    services.attendance_set(
        actor=personas.actor("alice"), meeting=meeting, present=[personas.alice.pk, personas.bob.pk]
    )
    services.decision_record(
        actor=personas.actor("alice"), meeting=meeting, item_id=line.pk, text="Trois salons."
    )
    with django_capture_on_commit_callbacks(execute=True):
        action_create(
            actor=personas.actor("alice"),
            meeting=meeting,
            title="Réserver les stands",
            owner_id=personas.bob.pk,
            due_on=dt.date(2026, 12, 18),
        )
    with django_capture_on_commit_callbacks(execute=False):
        closed = services.meeting_close(actor=personas.actor("dave"), meeting=meeting)
    assert closed.state == MeetingState.HELD and closed.closed_at and closed.summary_sent_at
    assert closed.closed_by == personas.dave
    summaries = Notification.objects.filter(code="rituals.summary")
    assert sorted(n.user.email for n in summaries) == [
        "alice@example.fr",
        "bob@example.fr",
        "dave@example.fr",
    ]
    with translation.override("en"):
        note = summaries.get(user=personas.bob)
        assert note.title == "Summary of Comité Grand Est (12/08/2026 2 p.m.)"
        assert note.body.splitlines() == [
            "Present: 2 of 3 members.",
            "1 decision:",
            "– Trois salons.",
            "1 action item:",
            "– Réserver les stands (Bob Test, due 12/18/2026)",
        ]
    (delivery,) = WebhookDelivery.objects.filter(event="committee.summary")
    assert delivery.subscription.name == "Slack"
    assert delivery.payload["text"].startswith("Summary of Comité Grand Est")
    assert "Trois salons." in delivery.payload["text"]
    # absent members not ticked are recorded absent
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("user_id", "present")) == {
        personas.alice.pk: True,
        personas.bob.pk: True,
        personas.dave.pk: False,
    }
    # a held meeting is frozen
    with pytest.raises(Conflict):
        services.decision_record(actor=personas.actor("alice"), meeting=meeting, text="Trop tard")
    with pytest.raises(Conflict):
        services.meeting_close(actor=personas.actor("alice"), meeting=meeting)


def test_the_owner_is_told_of_the_action_item(
    personas, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action_create(
            actor=personas.actor("alice"),
            meeting=meeting,
            title="Partager la grille de scoring",
            owner_id=personas.dave.pk,
            due_on=dt.date(2026, 12, 11),
        )
    (note,) = Notification.objects.filter(code="rituals.action_assigned")
    assert note.user == personas.dave
    assert note.url == f"/w/acme/meetings/{meeting.pk}/"


def test_cancelling_keeps_the_reason_and_freezes_the_meeting(personas, meeting):
    cancelled = services.meeting_cancel(
        actor=personas.actor("bob"), meeting=meeting, reason="Salon Industrie le même jour"
    )
    assert cancelled.state == MeetingState.CANCELLED
    assert "Salon Industrie le même jour" in cancelled.notes
    assert not Notification.objects.exists()
    with pytest.raises(Conflict):
        services.meeting_close(actor=personas.actor("bob"), meeting=meeting)
