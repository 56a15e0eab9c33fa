"""Vis-ma-vie programmes: opening, changing and closing one; signing up (the side, the days on
the calendar, hosting, goals, the deadline); changing a sign-up; withdrawing; the pages.

The hand-worked programme (Acme: France, Europe/Paris, Monday–Friday 09:00–12:30 and
14:00–18:00): "Vis ma vie — mai", a day's shadowing from Monday 3 to Friday 14 May 2027, sign-up
until Wednesday 28 April. Its days on the calendar:

| date      | day       | working? |
|-----------|-----------|----------|
| 3–5 May   | Mon–Wed   | yes      |
| 6 May     | Thursday  | no: Ascension Day (a French public holiday, Easter 2027 = 28 March + 39 days) |
| 7 May     | Friday    | yes      |
| 8 May     | Saturday  | no: a Saturday, and Victory Day |
| 9 May     | Sunday    | no       |
| 10–14 May | Mon–Fri   | yes      |

So its business days are 3, 4, 5, 7, 10, 11, 12, 13, 14 May: nine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.rituals import programmes as services
from cordee.rituals.models import (
    ExchangeSession,
    Pairing,
    PairingState,
    Participant,
    Programme,
    ProgrammeState,
)
from cordee.tenancy.models import Workspace

D = dt.date
BUSINESS_DAYS = [D(2027, 5, d) for d in (3, 4, 5, 7, 10, 11, 12, 13, 14)]
SIGNUP_OPEN = D(2027, 4, 20)  # a Tuesday before the sign-up deadline


def on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """The workspaces' "today" is ``day`` (the company's date, ``Workspace.today``)."""
    monkeypatch.setattr(Workspace, "today", lambda self, at=None: day)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    on(monkeypatch, SIGNUP_OPEN)
    return lambda day: on(monkeypatch, day)


@pytest.fixture
def english() -> Any:
    with translation.override("en"):
        yield


def make_programme(personas: Any, **changes: Any) -> Programme:
    data = {
        "name": "Vis ma vie — mai",
        "format": "shadow_day",
        "description": "Une journée dans les pas de l’autre équipe.",
        "starts_on": D(2027, 5, 3),
        "ends_on": D(2027, 5, 14),
        "signup_until": D(2027, 4, 28),
        **changes,
    }
    return services.programme_create(actor=personas.actor("mia"), data=data)


def join(personas: Any, programme: Programme, who: str, **changes: Any) -> Participant:
    values: dict[str, Any] = {
        "available_days": ["2027-05-04", "2027-05-10"],
        "learning_goals": "Comprendre comment les commerciaux qualifient un lead.",
        **changes,
    }
    return services.participant_join(actor=personas.actor(who), programme=programme, **values)


def pair(
    programme: Programme, marketer: Participant, salesperson: Participant, state: str
) -> Pairing:
    return Pairing.objects.create(
        workspace=programme.workspace,
        programme=programme,
        marketer=marketer,
        salesperson=salesperson,
        state=state,
    )


def session(pairing: Pairing, *, ends_in_hours: float, host: Participant) -> ExchangeSession:
    """A session ending ``ends_in_hours`` from now (negative: it has ended), seven hours long."""
    ends = timezone.now() + dt.timedelta(hours=ends_in_hours)
    return ExchangeSession.objects.create(
        workspace=pairing.workspace,
        pairing=pairing,
        starts_at=ends - dt.timedelta(hours=7),
        ends_at=ends,
        host=host,
    )


# -- the programme ---------------------------------------------------------------------------------


def test_the_business_days_skip_the_weekend_and_ascension_day(personas, today):
    programme = make_programme(personas)
    assert services.ProgrammeDays(programme).working() == BUSINESS_DAYS


def test_a_manager_opens_a_programme_and_its_session_length_follows_the_format(personas, today):
    half = make_programme(personas, name="Demi-journée", format="shadow_half")
    week = make_programme(personas, name="Semaine", format="swap_week")
    assert (half.session_minutes, week.session_minutes) == (210, 2100)  # 3.5 h; 5 × 7 h
    assert half.state == ProgrammeState.OPEN and half.created_by == personas.mia
    entry = AuditEntry.objects.get(target="programmes", target_id=half.pk)
    assert entry.action == "create" and entry.user == personas.mia


def test_only_managers_open_programmes(personas, today):
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=personas.actor("alice"),
            data={"name": "X", "starts_on": D(2027, 5, 3), "ends_on": D(2027, 5, 4)},
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": D(2027, 5, 2)}, "ends_on"),  # before the first day
        ({"signup_until": D(2027, 5, 3)}, "signup_until"),  # sign-up closes before the start
        ({"ends_on": D(2028, 5, 3)}, "ends_on"),  # longer than a year
        ({"name": "   "}, "name"),
        ({"session_minutes": 20}, "session_minutes"),
    ],
)
def test_a_programme_that_does_not_hold_together_is_refused(personas, today, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        make_programme(personas, **changes)
    assert field in refused.value.field_errors


def test_two_programmes_do_not_share_a_name(personas, today):
    make_programme(personas)
    with pytest.raises(ValidationFailed) as refused:
        make_programme(personas)
    assert "name" in refused.value.field_errors


def test_the_dates_do_not_move_away_from_a_participants_days(personas, today):
    programme = make_programme(personas)
    join(personas, programme, "alice")  # 4 and 10 May
    with pytest.raises(Conflict):
        services.programme_update(
            actor=personas.actor("mia"), programme=programme, data={"ends_on": D(2027, 5, 7)}
        )
    changed = services.programme_update(
        actor=personas.actor("dave"), programme=programme, data={"ends_on": D(2027, 5, 21)}
    )
    assert changed.ends_on == D(2027, 5, 21)


def test_once_the_pairs_are_confirmed_the_dates_stay_but_the_words_change(personas, today):
    programme = make_programme(personas)
    Programme.objects.filter(pk=programme.pk).update(state=ProgrammeState.PAIRED)
    mia = personas.actor("mia")
    with pytest.raises(Conflict):
        services.programme_update(actor=mia, programme=programme, data={"starts_on": D(2027, 5, 4)})
    changed = services.programme_update(
        actor=mia, programme=programme, data={"description": "Avec un déjeuner"}
    )
    assert changed.description == "Avec un déjeuner"


def test_closing_a_programme_ends_sign_up_and_changes(personas, today):
    programme = make_programme(personas)
    services.programme_close(actor=personas.actor("dave"), programme=programme)
    programme.refresh_from_db()
    assert programme.state == ProgrammeState.CLOSED
    with pytest.raises(Conflict):
        services.programme_close(actor=personas.actor("dave"), programme=programme)
    with pytest.raises(Conflict):
        services.programme_update(
            actor=personas.actor("dave"), programme=programme, data={"name": "Autre"}
        )
    with pytest.raises(Conflict):
        join(personas, programme, "alice")
    entry = AuditEntry.objects.get(target="programmes", action="close")
    assert (entry.before, entry.after) == ({"state": "open"}, {"state": "closed"})


# -- sign-up ---------------------------------------------------------------------------------------


def test_signing_up_keeps_the_side_of_ones_role_and_each_day_once_in_order(personas, today):
    programme = make_programme(personas)
    alice = join(
        personas, programme, "alice", available_days=["2027-05-10", "2027-05-03", "2027-05-10"]
    )
    bob = join(personas, programme, "bob", available_days=[D(2027, 5, 4)])
    assert (alice.side, bob.side) == ("marketing", "sales")
    assert alice.available_days == ["2027-05-03", "2027-05-10"]
    assert (alice.is_host, alice.capacity) == (False, 1)
    assert AuditEntry.objects.filter(target="participants", action="create").count() == 2


def test_a_public_holiday_and_a_weekend_are_refused_each_named(personas, today, english):
    programme = make_programme(personas)
    with pytest.raises(ValidationFailed) as refused:
        join(
            personas, programme, "alice", available_days=["2027-05-04", "2027-05-06", "2027-05-09"]
        )
    assert refused.value.field_errors["available_days"] == [
        "May 6, 2027 is a public holiday (Ascension Day).",
        "May 9, 2027 is not a working day (Sunday).",
    ]
    assert not Participant.objects.filter(programme=programme).exists()


def test_a_day_outside_the_programme_or_no_day_at_all_is_refused(personas, today, english):
    programme = make_programme(personas)
    with pytest.raises(ValidationFailed) as refused:
        join(personas, programme, "alice", available_days=["2027-05-17"])
    assert refused.value.field_errors["available_days"] == [
        "May 17, 2027 is outside the programme’s dates."
    ]
    with pytest.raises(ValidationFailed) as refused:
        join(personas, programme, "alice", available_days=[])
    assert "available_days" in refused.value.field_errors


def test_a_day_the_workspace_added_off_is_refused(personas, today, english):
    Workspace.objects.filter(pk=personas.acme.pk).update(extra_holidays=["2027-05-07"])
    programme = make_programme(personas)
    programme.workspace.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        join(personas, programme, "alice", available_days=["2027-05-07"])
    assert refused.value.field_errors["available_days"] == [
        "May 7, 2027 is a day off in the workspace’s calendar."
    ]


def test_learning_goals_are_required_at_sign_up(personas, today):
    programme = make_programme(personas)
    with pytest.raises(ValidationFailed) as refused:
        join(personas, programme, "alice", learning_goals="  ")
    assert "learning_goals" in refused.value.field_errors


def test_a_host_receives_one_to_twenty_visitors_and_anyone_else_one(personas, today):
    programme = make_programme(personas)
    with pytest.raises(ValidationFailed) as refused:
        join(personas, programme, "bob", is_host=False, capacity=2)
    assert "capacity" in refused.value.field_errors
    with pytest.raises(ValidationFailed):
        join(personas, programme, "bob", is_host=True, capacity=21)
    bob = join(personas, programme, "bob", is_host=True, capacity=20)
    assert (bob.is_host, bob.capacity) == (True, 20)


def test_executives_and_revops_have_no_side_to_pair_on(personas, today):
    programme = make_programme(personas)
    for name in ("erin", "rita"):
        with pytest.raises(PermissionDenied):
            join(personas, programme, name)
    with pytest.raises(ValidationFailed) as refused:  # a manager signing the executive up
        join(personas, programme, "mia", user_id=personas.erin.pk)
    assert "user" in refused.value.field_errors


def test_a_manager_signs_someone_up_on_their_behalf_and_no_one_else_does(personas, today):
    programme = make_programme(personas)
    with pytest.raises(PermissionDenied):
        join(personas, programme, "alice", user_id=personas.bob.pk)
    bob = join(personas, programme, "dave", user_id=personas.bob.pk)
    assert (bob.user, bob.side) == (personas.bob, "sales")
    entry = AuditEntry.objects.get(target="participants", target_id=bob.pk)
    assert entry.user == personas.dave
    with pytest.raises(ValidationFailed):  # someone of another workspace
        join(personas, programme, "dave", user_id=personas.carol.pk)


def test_sign_up_closes_after_its_last_day(personas, today, english):
    programme = make_programme(personas)
    today(D(2027, 4, 28))  # the last day: still open
    join(personas, programme, "alice")
    today(D(2027, 4, 29))
    with pytest.raises(Conflict) as refused:
        join(personas, programme, "bob")
    assert refused.value.message == "Sign-up closed on April 28, 2027."


def test_without_a_deadline_sign_up_closes_the_day_before_the_start(personas, today):
    programme = make_programme(personas, signup_until=None)
    assert services.signup_last_day(programme) == D(2027, 5, 2)
    today(D(2027, 5, 3))
    with pytest.raises(Conflict):
        join(personas, programme, "alice")


def test_one_signs_up_once_and_again_after_withdrawing(personas, today):
    programme = make_programme(personas)
    first = join(personas, programme, "alice")
    with pytest.raises(Conflict):
        join(personas, programme, "alice")
    services.participant_withdraw(actor=personas.actor("alice"), participant=first)
    again = join(personas, programme, "alice", available_days=["2027-05-14"])
    assert again.pk == first.pk and again.withdrawn_at is None
    assert again.available_days == ["2027-05-14"]


# -- changing a sign-up ----------------------------------------------------------------------------


def test_goals_change_until_the_programme_starts(personas, today):
    programme = make_programme(personas)
    alice = join(personas, programme, "alice")
    today(D(2027, 5, 2))  # sign-up closed, the programme not started
    changed = services.participant_update(
        actor=personas.actor("alice"), participant=alice, changes={"learning_goals": "Écouter"}
    )
    assert changed.learning_goals == "Écouter"
    with pytest.raises(Conflict):  # the days are the pairing's once sign-up closed
        services.participant_update(
            actor=personas.actor("alice"),
            participant=alice,
            changes={"available_days": ["2027-05-03"]},
        )
    today(D(2027, 5, 3))
    with pytest.raises(Conflict):
        services.participant_update(
            actor=personas.actor("alice"), participant=alice, changes={"learning_goals": "Autre"}
        )


def test_a_manager_changes_the_days_until_the_pairs_are_confirmed(personas, today):
    programme = make_programme(personas)
    alice = join(personas, programme, "alice")
    bob = join(personas, programme, "bob")
    today(D(2027, 4, 30))  # sign-up closed
    changed = services.participant_update(
        actor=personas.actor("mia"), participant=alice, changes={"available_days": ["2027-05-05"]}
    )
    assert changed.available_days == ["2027-05-05"]
    pair(programme, alice, bob, PairingState.CONFIRMED)
    with pytest.raises(Conflict):
        services.participant_update(
            actor=personas.actor("mia"),
            participant=alice,
            changes={"available_days": ["2027-05-04"]},
        )


def test_no_one_else_changes_a_sign_up(personas, today):
    programme = make_programme(personas)
    alice = join(personas, programme, "alice")
    with pytest.raises(PermissionDenied):
        services.participant_update(
            actor=personas.actor("bob"), participant=alice, changes={"learning_goals": "X"}
        )


def test_becoming_a_host_sets_the_capacity_and_leaving_it_sets_it_back_to_one(personas, today):
    programme = make_programme(personas)
    bob = join(personas, programme, "bob")
    actor = personas.actor("bob")
    host = services.participant_update(
        actor=actor, participant=bob, changes={"is_host": True, "capacity": 3}
    )
    assert (host.is_host, host.capacity) == (True, 3)
    guest = services.participant_update(actor=actor, participant=bob, changes={"is_host": False})
    assert (guest.is_host, guest.capacity) == (False, 1)


# -- withdrawing -----------------------------------------------------------------------------------


def test_withdrawing_before_confirmation_removes_the_proposed_pairs(personas, today):
    programme = make_programme(personas)
    alice, bob = join(personas, programme, "alice"), join(personas, programme, "bob")
    proposed = pair(programme, alice, bob, PairingState.PROPOSED)
    services.participant_withdraw(actor=personas.actor("alice"), participant=alice)
    alice.refresh_from_db()
    assert alice.withdrawn_at is not None
    assert not Pairing.objects.filter(pk=proposed.pk).exists()
    assert [p.user for p in services.participants(programme)] == [personas.bob]


def test_after_confirmation_only_a_manager_withdraws_someone(personas, today):
    programme = make_programme(personas)
    alice, bob = join(personas, programme, "alice"), join(personas, programme, "bob")
    confirmed = pair(programme, alice, bob, PairingState.CONFIRMED)
    held = session(confirmed, ends_in_hours=-30, host=bob)
    coming = session(confirmed, ends_in_hours=+30, host=bob)
    with pytest.raises(PermissionDenied):
        services.participant_withdraw(actor=personas.actor("alice"), participant=alice)
    services.participant_withdraw(actor=personas.actor("mia"), participant=alice)
    confirmed.refresh_from_db()
    assert confirmed.state == PairingState.DROPPED
    assert list(ExchangeSession.objects.filter(pairing=confirmed)) == [held]
    assert not ExchangeSession.objects.filter(pk=coming.pk).exists()
    entry = AuditEntry.objects.get(action="participant_withdraw")
    assert entry.after["pairs_dropped"] == 1 and entry.after["sessions_removed"] == 1


def test_once_the_programme_is_paired_its_participants_ask_a_manager(personas, today):
    programme = make_programme(personas)
    bob = join(personas, programme, "bob")
    Programme.objects.filter(pk=programme.pk).update(state=ProgrammeState.PAIRED)
    bob.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.participant_withdraw(actor=personas.actor("bob"), participant=bob)
    services.participant_withdraw(actor=personas.actor("dave"), participant=bob)


def test_another_participant_does_not_withdraw_someone(personas, today):
    programme = make_programme(personas)
    alice = join(personas, programme, "alice")
    with pytest.raises(PermissionDenied):
        services.participant_withdraw(actor=personas.actor("bob"), participant=alice)


# -- the pages -------------------------------------------------------------------------------------


@pytest.fixture
def english_client(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def test_the_list_shows_each_programme_with_its_participants_by_side(
    personas, today, english_client
):
    programme = make_programme(personas)
    join(personas, programme, "alice")
    join(personas, programme, "bob")
    join(personas, programme, "dave", user_id=personas.dave.pk)
    english_client.force_login(personas.erin)
    page = english_client.get(reverse("programme_list", args=["acme"])).content.decode()
    assert "Vis ma vie — mai" in page
    assert "1 marketer" in page and "2 salespeople" in page
    assert "Sign-up open" in page


def test_the_page_offers_the_business_days_as_a_checklist(personas, today, english_client):
    programme = make_programme(personas)
    english_client.force_login(personas.alice)
    page = english_client.get(
        reverse("programme_detail", args=["acme", programme.pk])
    ).content.decode()
    offered = [d.isoformat() for d in BUSINESS_DAYS]
    assert page.count('name="available_days"') == len(offered) == 9
    for iso in offered:
        assert f'value="{iso}"' in page
    assert 'value="2027-05-06"' not in page
    assert "Ascension Day" in page  # named among the days not offered


def test_signing_up_on_the_page(personas, today, english_client):
    programme = make_programme(personas)
    english_client.force_login(personas.bob)
    url = reverse("programme_join", args=["acme", programme.pk])
    response = english_client.post(
        url,
        {
            "available_days": ["2027-05-03", "2027-05-11"],
            "is_host": "on",
            "capacity": "2",
            "learning_goals": "Voir comment le marketing choisit ses cibles.",
        },
    )
    assert response.status_code == 302
    bob = Participant.objects.get(programme=programme, user=personas.bob)
    assert (bob.side, bob.is_host, bob.capacity) == ("sales", True, 2)
    assert bob.available_days == ["2027-05-03", "2027-05-11"]


def test_a_refused_day_comes_back_on_the_page_named_with_the_form_filled(
    personas, today, english_client
):
    programme = make_programme(personas)
    english_client.force_login(personas.alice)
    url = reverse("programme_join", args=["acme", programme.pk])
    response = english_client.post(
        url, {"available_days": ["2027-05-04", "2027-05-08"], "learning_goals": "Mes objectifs"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "May 8, 2027 is a public holiday (Victory Day)." in page
    assert "Mes objectifs" in page
    assert not Participant.objects.filter(programme=programme).exists()


def test_the_form_pages_are_for_managers(personas, today, english_client):
    english_client.force_login(personas.alice)
    assert english_client.get(reverse("programme_create", args=["acme"])).status_code == 403
    english_client.force_login(personas.mia)
    response = english_client.post(
        reverse("programme_create", args=["acme"]),
        {
            "name": "Vis ma vie — juin",
            "format": "shadow_half",
            "starts_on": "2027-06-07",
            "ends_on": "2027-06-18",
            "signup_until": "2027-06-07",
        },
    )
    assert response.status_code == 422  # sign-up must close before the start
    assert "Sign-up closes before the programme starts." in response.content.decode()
    assert not Programme.objects.exists()


def test_another_workspaces_programme_is_404(personas, today, english_client):
    programme = make_programme(personas)
    english_client.force_login(personas.carol)
    assert (
        english_client.get(reverse("programme_detail", args=["globex", programme.pk])).status_code
        == 404
    )
