"""A participant's debrief of a vis-ma-vie exchange: written only after a session of theirs
ended, by them only; read by the programme's participants and managers; turned once into a
field-feedback item (authored by the participant, through feedback's own service) and once
into an item of a committee's next planned meeting.

The programme is tests/rituals/test_programmes.py's hand-worked one; Alice (marketing) and Bob
(sales) are paired, confirmed, Bob hosting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.feedback.models import FeedbackItem
from cordee.rituals import exchange_debriefs as debriefs
from cordee.rituals.agenda_render import item_label, item_url
from cordee.rituals.models import (
    AgendaItem,
    AgendaSource,
    Committee,
    CommitteeMember,
    ExchangeDebrief,
    Meeting,
    MeetingState,
    PairingState,
)
from tests.rituals.test_programmes import join, make_programme, pair, session, today  # noqa: F401

SURPRISED = "Les commerciaux rappellent chaque MQL dans l’heure.\nMême le vendredi soir."
WILL_CHANGE = "Joindre le contexte de la campagne à chaque MQL."


@pytest.fixture
def exchange(personas, today):  # noqa: F811
    programme = make_programme(personas)
    alice = join(personas, programme, "alice")
    bob = join(personas, programme, "bob", is_host=True, capacity=2)
    pairing = pair(programme, alice, bob, PairingState.CONFIRMED)
    return {"programme": programme, "alice": alice, "bob": bob, "pairing": pairing}


def ended(exchange: dict[str, Any]) -> None:
    session(exchange["pairing"], ends_in_hours=-2, host=exchange["bob"])


def write(personas: Any, exchange: dict[str, Any], who: str = "alice") -> ExchangeDebrief:
    return debriefs.debrief_write(
        actor=personas.actor(who),
        participant=exchange[who],
        surprised=SURPRISED,
        will_change=WILL_CHANGE,
    )


def committee(personas: Any, *members: str, name: str = "Comité mensuel") -> Committee:
    found = Committee.objects.create(
        workspace=personas.acme,
        name=name,
        rrule="FREQ=MONTHLY;BYDAY=1TU",
        first_at=timezone.now() - dt.timedelta(days=60),
    )
    for member in members:
        CommitteeMember.objects.create(
            workspace=personas.acme, committee=found, user=getattr(personas, member)
        )
    return found


def meeting(found: Committee, *, in_days: float, state: str = MeetingState.PLANNED) -> Meeting:
    starts = timezone.now() + dt.timedelta(days=in_days)
    return Meeting.objects.create(
        workspace=found.workspace,
        committee=found,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        state=state,
    )


# -- writing ---------------------------------------------------------------------------------------


def test_no_debrief_before_a_session_has_ended(personas, exchange):
    with pytest.raises(Conflict):  # no session at all
        write(personas, exchange)
    session(exchange["pairing"], ends_in_hours=+3, host=exchange["bob"])  # under way
    with pytest.raises(Conflict):
        write(personas, exchange)
    assert not ExchangeDebrief.objects.exists()


def test_after_the_session_the_participant_writes_and_changes_the_debrief(personas, exchange):
    ended(exchange)
    first = write(personas, exchange)
    assert (first.surprised, first.will_change) == (SURPRISED, WILL_CHANGE)
    again = debriefs.debrief_write(
        actor=personas.actor("alice"),
        participant=exchange["alice"],
        surprised="Autre chose",
        will_change=WILL_CHANGE,
    )
    assert again.pk == first.pk and again.surprised == "Autre chose"
    actions = list(
        AuditEntry.objects.filter(target="exchange-debriefs").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "update"]


def test_the_session_counts_for_both_people_of_the_pair(personas, exchange):
    ended(exchange)
    assert write(personas, exchange, "bob").participant == exchange["bob"]


def test_only_the_participant_writes_their_debrief(personas, exchange):
    ended(exchange)
    for name in ("bob", "mia"):
        with pytest.raises(PermissionDenied):
            debriefs.debrief_write(
                actor=personas.actor(name),
                participant=exchange["alice"],
                surprised="x",
                will_change="y",
            )


def test_both_answers_are_required(personas, exchange):
    ended(exchange)
    with pytest.raises(ValidationFailed) as refused:
        debriefs.debrief_write(
            actor=personas.actor("alice"),
            participant=exchange["alice"],
            surprised="Beaucoup",
            will_change="  ",
        )
    assert set(refused.value.field_errors) == {"will_change"}


def test_the_programmes_participants_and_managers_read_the_debriefs(personas, exchange):
    ended(exchange)
    debrief = write(personas, exchange)
    for name in ("alice", "bob", "mia", "dave", "rita"):
        assert debriefs.debrief_get(actor=personas.actor(name), pk=debrief.pk) == debrief
    with pytest.raises(PermissionDenied):  # an executive who did not take part
        debriefs.debrief_get(actor=personas.actor("erin"), pk=debrief.pk)
    with pytest.raises(NotFound):
        debriefs.debrief_get(actor=personas.actor("carol"), pk=debrief.pk)


# -- → field feedback ------------------------------------------------------------------------------


def test_a_debrief_becomes_field_feedback_authored_by_the_participant_once(personas, exchange):
    ended(exchange)
    debrief = write(personas, exchange)
    item = debriefs.debrief_to_feedback(
        actor=personas.actor("mia"), debrief=debrief, kind="lead_quality"
    )
    assert (item.author, item.kind, item.status) == (personas.alice, "lead_quality", "new")
    # the first line of what surprised, the whole debrief in the text with the way back
    assert (
        item.title == "Les commerciaux rappellent chaque MQL dans l’heure. Même le vendredi soir."
    )
    assert WILL_CHANGE in item.text and SURPRISED in item.text
    programme = exchange["programme"]
    assert f"/w/acme/programmes/{programme.pk}/#debrief-{debrief.pk}" in item.text
    debrief.refresh_from_db()
    assert debrief.feedback_item == item
    with pytest.raises(Conflict):
        debriefs.debrief_to_feedback(actor=personas.actor("alice"), debrief=debrief)
    assert FeedbackItem.objects.count() == 1
    entry = AuditEntry.objects.get(action="debrief_to_feedback")
    assert (entry.user, entry.after) == (personas.mia, {"raised_as_feedback": item.pk})


def test_the_feedback_words_are_in_the_authors_language(personas, exchange):
    personas.alice.language = "en"
    personas.alice.save()
    ended(exchange)
    item = debriefs.debrief_to_feedback(
        actor=personas.actor("alice"), debrief=write(personas, exchange)
    )
    assert item.text.startswith(f"What surprised me: {SURPRISED}")
    assert f"One thing I will change: {WILL_CHANGE}" in item.text


def test_a_long_first_line_is_cut_to_the_feedback_title(personas, exchange):
    ended(exchange)
    debrief = debriefs.debrief_write(
        actor=personas.actor("alice"),
        participant=exchange["alice"],
        surprised="a" * 300,
        will_change="b",
    )
    item = debriefs.debrief_to_feedback(actor=personas.actor("alice"), debrief=debrief)
    assert item.title == "a" * 119 + "…"


def test_another_participant_does_not_pass_someones_debrief_on(personas, exchange):
    ended(exchange)
    debrief = write(personas, exchange)
    with pytest.raises(PermissionDenied):
        debriefs.debrief_to_feedback(actor=personas.actor("bob"), debrief=debrief)
    m = meeting(committee(personas, "bob"), in_days=5)
    with pytest.raises(PermissionDenied):
        debriefs.debrief_to_agenda(actor=personas.actor("bob"), debrief=debrief, meeting=m)


# -- → a committee's agenda ------------------------------------------------------------------------


def test_a_debrief_goes_on_a_committees_next_meeting_once(personas, exchange):
    ended(exchange)
    debrief = write(personas, exchange)
    monthly = committee(personas, "alice", "bob")
    meeting(monthly, in_days=-25, state=MeetingState.HELD)
    upcoming = meeting(monthly, in_days=9)
    meeting(monthly, in_days=40)
    assert [m.pk for m in debriefs.agenda_meetings(personas.actor("alice"))] == [upcoming.pk]
    item = debriefs.debrief_to_agenda(
        actor=personas.actor("alice"), debrief=debrief, meeting=upcoming
    )
    assert (item.meeting, item.source, item.object_id) == (
        upcoming,
        AgendaSource.EXCHANGE,
        debrief.pk,
    )
    assert item.key == f"exchange:{debrief.pk}"
    assert item.params == {
        "programme": "Vis ma vie — mai",
        "programme_id": exchange["programme"].pk,
        "participant": "Alice Test",
        "side": "marketing",
        "surprised": SURPRISED,
        "will_change": WILL_CHANGE,
    }
    # the agenda tells it in the reader's language and links to the debrief on the programme
    with translation.override("en"):
        assert item_label(item) == (
            f"Vis-ma-vie debrief of Alice Test (Vis ma vie — mai): “{SURPRISED}” — will change: "
            f"“{WILL_CHANGE}”"
        )
    assert item_url(item, "acme") == (
        f"/w/acme/programmes/{exchange['programme'].pk}/#debrief-{debrief.pk}"
    )
    debrief.refresh_from_db()
    assert debrief.agenda_item == item
    with pytest.raises(Conflict):
        debriefs.debrief_to_agenda(
            actor=personas.actor("mia"), debrief=debrief, meeting=meeting(monthly, in_days=12)
        )
    assert AgendaItem.objects.count() == 1


def test_a_held_or_past_meeting_does_not_take_the_debrief(personas, exchange):
    ended(exchange)
    debrief = write(personas, exchange)
    monthly = committee(personas, "alice")
    for past in (
        meeting(monthly, in_days=-2),
        meeting(monthly, in_days=3, state=MeetingState.CANCELLED),
    ):
        with pytest.raises(Conflict):
            debriefs.debrief_to_agenda(actor=personas.actor("alice"), debrief=debrief, meeting=past)


def test_only_who_runs_the_committees_meetings_adds_to_its_agenda(personas, exchange):
    ended(exchange)
    debrief = write(personas, exchange)
    others = meeting(committee(personas, "bob", name="Pod Sud"), in_days=4)  # alice not a member
    assert debriefs.agenda_meetings(personas.actor("alice")) == []
    with pytest.raises(PermissionDenied):
        debriefs.debrief_to_agenda(actor=personas.actor("alice"), debrief=debrief, meeting=others)
    # a manager holding committee.write runs every committee's meetings
    item = debriefs.debrief_to_agenda(actor=personas.actor("dave"), debrief=debrief, meeting=others)
    assert item.added_by == personas.dave


# -- the page --------------------------------------------------------------------------------------


def test_the_page_offers_my_debrief_after_my_session_and_both_buttons(personas, exchange, client):
    client.cookies["django_language"] = "en"
    client.force_login(personas.alice)
    url = reverse("programme_detail", args=["acme", exchange["programme"].pk])
    page = client.get(url).content.decode()
    assert 'id="debrief-form"' not in page and "You write your debrief after your session" in page
    ended(exchange)
    response = client.post(
        reverse("programme_debrief_write", args=["acme", exchange["alice"].pk]),
        {"surprised": SURPRISED, "will_change": WILL_CHANGE},
    )
    assert response.status_code == 302
    debrief = ExchangeDebrief.objects.get()
    monthly = meeting(committee(personas, "alice"), in_days=6)
    page = client.get(url).content.decode()
    assert f'id="to-feedback-{debrief.pk}"' in page and f'id="to-agenda-{debrief.pk}"' in page
    client.post(
        reverse("exchange_debrief_to_agenda", args=["acme", debrief.pk]), {"meeting_id": monthly.pk}
    )
    client.post(
        reverse("exchange_debrief_to_feedback", args=["acme", debrief.pk]), {"kind": "objection"}
    )
    debrief.refresh_from_db()
    assert debrief.agenda_item.meeting == monthly and debrief.feedback_item.author == personas.alice
    page = client.get(url).content.decode()
    assert (
        f'id="to-feedback-{debrief.pk}"' not in page and "On the agenda of Comité mensuel" in page
    )
    # an executive who did not take part sees the programme, not its debriefs
    client.force_login(personas.erin)
    page = client.get(url).content.decode()
    assert client.get(url).status_code == 200 and SURPRISED.split("\n")[0] not in page
