"""The pairing through its services, API and pages: who may propose, add, drop, confirm and
move; the earlier pair never repeated; confirming places the sessions and tells both people;
another workspace's programme, pair or session is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from cordee.core.models import AuditEntry
from cordee.people.models import Notification
from cordee.rituals import pairing as services
from cordee.rituals.models import ExchangeSession, Pairing, PairingState, ProgrammeState
from tests.rituals.pairing_helpers import join, programme, week

PARIS = ZoneInfo("Europe/Paris")

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(personas: Any) -> dict[str, Any]:
    """Alice (marketer) and Mia (marketing manager) against Bob (rep) and Dave (sales manager).
    Alice shares Monday and the 14th with Bob; Mia shares the Thursday with Dave."""
    mon, _tue, wed, thu, fri = week()
    prog = programme(personas.acme)
    return {
        "programme": prog,
        "alice": join(prog, personas.alice, "marketing", [mon, wed]),
        "mia": join(prog, personas.mia, "marketing", [thu]),
        "bob": join(prog, personas.bob, "sales", [mon, wed, fri]),
        "dave": join(prog, personas.dave, "sales", [thu]),
    }


def test_a_manager_proposes_and_a_marketer_may_only_read(setup: Any, api_as: Any) -> None:
    prog = setup["programme"]
    assert api_as("alice").post(f"programmes/{prog.pk}/pairings/propose").status_code == 403
    answer = api_as("dave").post(f"programmes/{prog.pk}/pairings/propose")
    assert answer.status_code == 200, answer.content
    pairs = {(p["marketer"], p["salesperson"]) for p in answer.json()["pairs"]}
    assert pairs == {(setup["alice"].pk, setup["bob"].pk), (setup["mia"].pk, setup["dave"].pk)}
    read = api_as("alice").get(f"programmes/{prog.pk}/pairings")
    assert read.status_code == 200
    assert read.json()["unpaired"] == []
    assert AuditEntry.objects.filter(action="pairs_propose", target_id=prog.pk).count() == 1


def test_an_earlier_pair_is_not_proposed_nor_added_by_hand(
    setup: Any, personas: Any, api_as: Any
) -> None:
    earlier = programme(
        personas.acme,
        name="Vis ma vie mars",
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 6),
    )
    a = join(earlier, personas.alice, "marketing", [dt.date(2026, 3, 2)])
    b = join(earlier, personas.bob, "sales", [dt.date(2026, 3, 2)])
    Pairing.objects.create(
        workspace=personas.acme, programme=earlier, marketer=a, salesperson=b, state="confirmed"
    )
    prog = setup["programme"]
    board = api_as("mia").post(f"programmes/{prog.pk}/pairings/propose").json()
    assert {(p["marketer"], p["salesperson"]) for p in board["pairs"]} == {
        (setup["mia"].pk, setup["dave"].pk)
    }
    reasons = {u["participant"]: u["reason"] for u in board["unpaired"]}
    assert reasons == {setup["alice"].pk: "earlier_partners", setup["bob"].pk: "earlier_partners"}
    refused = api_as("mia").post(
        f"programmes/{prog.pk}/pairings",
        {"marketer": setup["alice"].pk, "salesperson": setup["bob"].pk},
    )
    assert refused.status_code == 422
    assert "déjà été en binôme" in refused.json()["error"]["message"]


def test_a_pair_by_hand_needs_a_common_day_and_room(setup: Any, api_as: Any) -> None:
    prog = setup["programme"]
    no_day = api_as("dave").post(
        f"programmes/{prog.pk}/pairings",
        {"marketer": setup["alice"].pk, "salesperson": setup["dave"].pk},
    )
    assert no_day.status_code == 422
    added = api_as("dave").post(
        f"programmes/{prog.pk}/pairings",
        {"marketer": setup["alice"].pk, "salesperson": setup["bob"].pk},
    )
    assert added.status_code == 201 and added.json()["manual"] is True
    mon, _tue, wed, _thu, _fri = week()
    assert added.json()["days"] == [mon.isoformat(), wed.isoformat()]
    # a proposal keeps it (fixed) and pairs the other two
    board = api_as("dave").post(f"programmes/{prog.pk}/pairings/propose").json()
    assert len(board["pairs"]) == 2
    assert Pairing.objects.get(pk=added.json()["id"]).manual


def test_confirming_places_the_sessions_skipping_the_holiday_and_tells_both(
    setup: Any, personas: Any, api_as: Any
) -> None:
    prog = setup["programme"]
    mon, _tue, wed, _thu, _fri = week()
    services.pairs_propose(actor=personas.actor("dave"), programme=prog)
    # Alice and Bob share Monday and Wednesday: Monday is earlier, placed first.
    answer = api_as("dave").post(f"programmes/{prog.pk}/pairings/confirm")
    assert answer.status_code == 200, answer.content
    prog.refresh_from_db()
    assert prog.state == ProgrammeState.PAIRED
    sessions = {s.pairing.marketer_id: s for s in ExchangeSession.objects.select_related("pairing")}
    alice_bob = sessions[setup["alice"].pk]
    assert alice_bob.starts_at.astimezone(PARIS) == dt.datetime.combine(mon, dt.time(9), PARIS)
    # 450 minutes of business time: 09:00–12:30, then 14:00–18:00
    assert alice_bob.ends_at.astimezone(PARIS) == dt.datetime.combine(mon, dt.time(18), PARIS)
    assert alice_bob.host_id == setup["bob"].pk  # the salesperson hosts
    notified = set(
        Notification.objects.filter(code="rituals.pair_confirmed").values_list("user_id", flat=True)
    )
    assert notified == {personas.alice.pk, personas.bob.pk, personas.mia.pk, personas.dave.pk}
    # the session cannot move to the 14th (a public holiday, though both said they were free)
    holiday = api_as("dave").patch(f"exchange-sessions/{alice_bob.pk}", {"day": wed.isoformat()})
    assert holiday.status_code == 422
    assert "pas un jour ouvré" in holiday.json()["error"]["message"]
    # confirmed pairs change no more by proposing
    assert api_as("dave").post(f"programmes/{prog.pk}/pairings/propose").status_code == 409


def test_a_session_moves_to_another_common_business_day(
    setup: Any, personas: Any, api_as: Any
) -> None:
    mon, _tue, wed, _thu, fri = week()
    setup["bob"].available_days = [d.isoformat() for d in (mon, wed, fri)]
    setup["alice"].available_days = [d.isoformat() for d in (mon, wed, fri)]
    setup["alice"].save()
    prog = setup["programme"]
    services.pairs_propose(actor=personas.actor("dave"), programme=prog)
    services.pairs_confirm(actor=personas.actor("dave"), programme=prog)
    session = ExchangeSession.objects.get(pairing__marketer=setup["alice"])
    assert (
        api_as("alice")
        .patch(f"exchange-sessions/{session.pk}", {"day": fri.isoformat()})
        .status_code
        == 403
    )
    moved = api_as("mia").patch(f"exchange-sessions/{session.pk}", {"day": fri.isoformat()})
    assert moved.status_code == 200, moved.content
    assert dt.datetime.fromisoformat(moved.json()["starts_at"]).astimezone(
        PARIS
    ) == dt.datetime.combine(fri, dt.time(9), PARIS)
    assert Notification.objects.filter(code="rituals.session_moved", user=personas.bob).exists()


def test_dropping_a_pair_keeps_it_dropped_and_it_is_not_proposed_again(
    setup: Any, personas: Any, api_as: Any
) -> None:
    prog = setup["programme"]
    services.pairs_propose(actor=personas.actor("dave"), programme=prog)
    pair = Pairing.objects.get(marketer=setup["alice"])
    assert api_as("bob").delete(f"pairings/{pair.pk}").status_code == 403
    dropped = api_as("dave").delete(f"pairings/{pair.pk}")
    assert dropped.status_code == 200 and dropped.json()["state"] == PairingState.DROPPED
    board = api_as("dave").post(f"programmes/{prog.pk}/pairings/propose").json()
    assert setup["alice"].pk not in {p["marketer"] for p in board["pairs"]}


def test_another_workspace_gets_404_everywhere(setup: Any, personas: Any, api_as: Any) -> None:
    prog = setup["programme"]
    services.pairs_propose(actor=personas.actor("dave"), programme=prog)
    services.pairs_confirm(actor=personas.actor("dave"), programme=prog)
    pair = Pairing.objects.filter(programme=prog).first()
    session = ExchangeSession.objects.first()
    carol = api_as("carol")
    assert carol.get(f"programmes/{prog.pk}/pairings").status_code == 404
    assert carol.post(f"programmes/{prog.pk}/pairings/propose").status_code == 404
    assert carol.delete(f"pairings/{pair.pk}").status_code == 404
    assert carol.get(f"programmes/{prog.pk}/sessions").status_code == 404
    assert carol.patch(f"exchange-sessions/{session.pk}", {"day": "2030-01-02"}).status_code == 404
    assert carol.get(f"programmes/{prog.pk}/effect").status_code == 404
    client = Client()
    client.force_login(personas.carol)
    page = client.get(reverse("pairing_board", args=["globex", prog.pk]))
    assert page.status_code == 404


def test_the_pages_show_the_board_and_refuse_a_marketer_s_proposal(
    setup: Any, personas: Any
) -> None:
    prog = setup["programme"]
    client = Client()
    client.force_login(personas.alice)
    page = client.get(reverse("pairing_board", args=["acme", prog.pk]))
    assert page.status_code == 200
    assert b"pairing-propose" not in page.content  # not hers to propose
    assert client.post(reverse("pairing_propose", args=["acme", prog.pk])).status_code == 403
    client.force_login(personas.dave)
    answer = client.post(reverse("pairing_propose", args=["acme", prog.pk]))
    assert answer.status_code == 302
    page = client.get(reverse("pairing_board", args=["acme", prog.pk]))
    assert f'id="pair-{Pairing.objects.get(marketer=setup["alice"]).pk}"'.encode() in page.content
    effect = client.get(reverse("programme_effect", args=["acme", prog.pk]))
    assert effect.status_code == 200
    assert b"effect-wait" in effect.content  # the programme has not ended
