"""The wall's and the kudos' API: the wall with both sides and the shares, filters, a post, the
reactions (PUT/DELETE idempotent, an executive may), kudos sent, listed and counted; another
workspace's post is a 404; field-named 422s; constant queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cordee.wins.models import Kudos, Reaction
from tests import factories as f
from tests.fixtures.api import error_fields
from tests.wins.wall_rows import AT, both_sides_post, deal_post, milestone

pytestmark = pytest.mark.django_db


def test_the_wall_names_both_sides_with_the_shares(personas, api_as):
    post = both_sides_post(personas)
    response = api_as("erin").get("wins")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == post.pk and item["amount"] == "48000.00"
    sides = {s["side"]: s for s in item["sides"]}
    assert set(sides) == {"marketing", "sales"}
    (alice,) = sides["marketing"]["people"]
    assert alice["id"] == personas.alice.pk
    shares = {c["campaign"]["name"]: c["share_percent"] for c in alice["credits"]}
    assert shares == {"Webinaire santé": "41.7", "Salon Lyon": "58.3"}  # 5/12, 7/12
    (bob,) = sides["sales"]["people"]
    assert [c["role"] for c in bob["credits"]] == ["owner"]
    assert [r["emoji"] for r in item["reactions"]] == ["clap", "party", "rocket", "heart", "muscle"]


def test_filters_and_pages(personas, api_as):
    pod = f.PodFactory(workspace=personas.acme)
    in_pod = deal_post(personas.acme, key="deal:pod", pod=pod)
    older = deal_post(personas.acme, key="deal:old", at=AT - dt.timedelta(days=30))
    goal = milestone(personas.acme)
    alice = api_as("alice")

    def ids(**params: Any) -> list[int]:
        return [p["id"] for p in alice.get("wins", params).json()["items"]]

    assert ids(pod=pod.pk) == [in_pod.pk]
    assert ids(kind="goal_reached") == [goal.pk]
    assert set(ids(since="2026-11-01", until="2026-11-30")) == {in_pod.pk, goal.pk}
    assert ids(until="2026-10-31") == [older.pk]
    page = alice.get("wins", {"limit": 1, "offset": 2}).json()
    assert page["count"] == 3 and page["items"][0]["id"] == older.pk
    assert "kind" in error_fields(alice.get("wins", {"kind": "nope"}))


def test_another_workspaces_post_is_404(personas, api_as):
    theirs = deal_post(personas.globex, key="deal:g")
    assert api_as("alice").get(f"wins/{theirs.pk}").status_code == 404
    assert api_as("alice")._call("put", f"wins/{theirs.pk}/reactions/clap").status_code == 404


def test_an_executive_reacts_and_it_is_idempotent(personas, api_as):
    post = both_sides_post(personas)
    erin = api_as("erin")
    for _ in range(2):
        response = erin._call("put", f"wins/{post.pk}/reactions/party")
        assert response.status_code == 200
    party = next(r for r in response.json()["reactions"] if r["emoji"] == "party")
    assert party == {
        "emoji": "party",
        "symbol": "🎉",
        "count": 1,
        "mine": True,
        "people": ["Erin Test"],
    }
    assert Reaction.objects.count() == 1
    for _ in range(2):
        assert erin.delete(f"wins/{post.pk}/reactions/party").status_code == 200
    assert Reaction.objects.count() == 0
    refused = erin._call("put", f"wins/{post.pk}/reactions/thumbsdown")
    assert refused.status_code == 422 and "emoji" in error_fields(refused)


def test_kudos_sent_listed_and_counted(personas, api_as):
    pod = f.PodFactory(workspace=personas.acme)
    from cordee.people.models import PodMember

    PodMember.objects.create(pod=pod, user=personas.bob)
    alice = api_as("alice")
    sent = alice.post("kudos", {"recipient": personas.bob.pk, "message": "Merci pour le lead !"})
    assert sent.status_code == 201, sent.content
    assert sent.json()["cross_side"] is True and sent.json()["recipient"]["side"] == "sales"
    to_pod = api_as("mia").post("kudos", {"pod": pod.pk, "message": "Bravo l’équipe"})
    assert to_pod.status_code == 201 and to_pod.json()["cross_side"] is True
    alice.post("kudos", {"recipient": personas.mia.pk, "message": "Merci pour le kit"})
    received = api_as("bob").get("kudos", {"box": "received"}).json()
    assert received["count"] == 2
    assert alice.get("kudos", {"box": "sent"}).json()["count"] == 2
    assert alice.get("kudos").json()["count"] == 3
    month = personas.acme.today().strftime("%Y-%m")
    counts = alice.get("kudos/counts", {"period": month}).json()
    assert (counts["total"], counts["cross_side"]) == (3, 2)
    assert alice.get("kudos/counts").json()["total"] == 3  # this month by default
    in_pod = alice.get("kudos/counts", {"pod": pod.pk}).json()
    assert (in_pod["total"], in_pod["cross_side"]) == (2, 2)
    assert "period" in error_fields(alice.get("kudos/counts", {"period": "novembre"}))


def test_kudos_refusals_name_the_field(personas, api_as):
    alice = api_as("alice")
    assert "recipient" in error_fields(
        alice.post("kudos", {"recipient": personas.alice.pk, "message": "Moi"})
    )
    assert "recipient" in error_fields(
        alice.post("kudos", {"recipient": personas.carol.pk, "message": "Bonjour"})
    )
    assert "message" in error_fields(
        alice.post("kudos", {"recipient": personas.bob.pk, "message": ""})
    )
    assert not Kudos.objects.exists()


@pytest.mark.parametrize("n", [10, 100])
def test_the_wall_answers_in_a_constant_number_of_queries(
    personas, api_as, django_assert_max_num_queries, n
):
    for i in range(n):
        post = both_sides_post(personas, key=f"deal:{i}", at=AT - dt.timedelta(hours=i))
        Reaction.objects.create(post=post, user=personas.bob, emoji="clap")
    client = api_as("alice")
    with django_assert_max_num_queries(12):
        body = client.get("wins", {"limit": 500}).json()
    assert len(body["items"]) == n
