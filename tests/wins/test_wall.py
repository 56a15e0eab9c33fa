"""The wins wall's pages: both sides credited with their roles and shares, filters, a post's
page, reactions toggled through htmx, another workspace's post a 404, constant queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from cordee.people.models import PodMember
from cordee.wins.models import Reaction
from tests import factories as f
from tests.wins.wall_rows import AT, both_sides_post, credit, deal_post, milestone

pytestmark = pytest.mark.django_db


def _get(client: Any, user: Any, url: str, **params: Any) -> Any:
    client.force_login(user)
    return client.get(url, params, secure=True)


def _wall(slug: str = "acme") -> str:
    return reverse("wins_wall", args=[slug])


def test_a_deal_post_credits_both_sides_with_roles_and_shares(client, personas):
    post = both_sides_post(personas)
    html = _get(client, personas.erin, _wall()).content.decode()
    assert f'id="win-{post.pk}"' in html
    assert 'data-side="marketing"' in html and 'data-side="sales"' in html
    assert f'data-user="{personas.alice.pk}"' in html and f'data-user="{personas.bob.pk}"' in html
    # 5/12 = 41.666…% and 7/12 = 58.333…%, one decimal
    assert 'data-share="41.7"' in html and 'data-share="58.3"' in html
    assert "Webinaire santé" in html and "Salon Lyon" in html
    assert 'data-role="owner"' in html and 'data-role="marketer"' in html
    assert 'data-amount="48000.00"' in html


def test_the_wall_is_newest_first_and_hides_withdrawn_posts(client, personas):
    older = deal_post(personas.acme, key="deal:old", at=AT - dt.timedelta(days=3))
    newer = milestone(personas.acme, key="goal:new", at=AT)
    gone = deal_post(personas.acme, key="deal:gone", at=AT, withdrawn_at=AT)
    html = _get(client, personas.bob, _wall()).content.decode()
    assert html.index(f'id="win-{newer.pk}"') < html.index(f'id="win-{older.pk}"')
    assert f'id="win-{gone.pk}"' not in html


def test_filters_by_pod_kind_and_period(client, personas):
    pod = f.PodFactory(workspace=personas.acme, name="Pod Santé")
    PodMember.objects.create(pod=pod, user=personas.bob)
    in_pod = deal_post(personas.acme, key="deal:pod", pod=pod)
    crediting = deal_post(personas.acme, key="deal:bob")
    credit(crediting, personas.bob, "sales", "owner")
    other = deal_post(personas.acme, key="deal:other", at=AT - dt.timedelta(days=40))
    goal = milestone(personas.acme)

    def shown(**params: Any) -> set[int]:
        html = _get(client, personas.alice, _wall(), **params).content.decode()
        return {p.pk for p in (in_pod, crediting, other, goal) if f'id="win-{p.pk}"' in html}

    assert shown(pod=pod.pk) == {in_pod.pk, crediting.pk}  # for the pod, or crediting a member
    assert shown(kind="goal_reached") == {goal.pk}
    assert shown(period="2026-11") == {in_pod.pk, crediting.pk, goal.pk}
    assert shown(period="2026-10") == {other.pk}
    response = _get(client, personas.alice, _wall(), period="novembre")
    assert response.status_code == 200 and 'id="period-error"' in response.content.decode()


def test_the_wall_pages_twenty_posts_at_a_time(client, personas):
    for i in range(23):
        deal_post(personas.acme, key=f"deal:{i}", at=AT - dt.timedelta(hours=i))
    first = _get(client, personas.alice, _wall()).content.decode()
    second = _get(client, personas.alice, _wall(), page=2).content.decode()
    assert first.count('class="card win ') == 20 and second.count('class="card win ') == 3


def test_a_posts_page_and_another_workspaces_post(client, personas):
    post = both_sides_post(personas)
    url = reverse("win_detail", args=["acme", post.pk])
    assert _get(client, personas.dave, url).status_code == 200
    theirs = deal_post(personas.globex, key="deal:globex")
    assert (
        _get(client, personas.alice, reverse("win_detail", args=["acme", theirs.pk])).status_code
        == 404
    )
    assert _get(client, personas.carol, url).status_code == 404  # not a member of acme
    assert _get(client, personas.carol, _wall()).status_code == 404


def test_an_executive_reacts_through_htmx_and_again_takes_it_back(client, personas):
    post = both_sides_post(personas)
    Reaction.objects.create(post=post, user=personas.bob, emoji="clap")
    client.force_login(personas.erin)
    url = reverse("win_react", args=["acme", post.pk])
    response = client.post(url, {"emoji": "clap"}, secure=True, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and f'id="reactions-{post.pk}"' in html
    assert 'data-emoji="clap" data-count="2"' in html and 'aria-pressed="true"' in html
    assert "Bob" in html  # who reacted, in the button's title
    again = client.post(url, {"emoji": "clap"}, secure=True)  # without htmx: back to the post
    assert again.status_code == 302
    assert list(Reaction.objects.filter(post=post).values_list("user_id", flat=True)) == [
        personas.bob.pk
    ]


def test_an_unknown_emoji_is_refused(client, personas):
    post = both_sides_post(personas)
    client.force_login(personas.alice)
    url = reverse("win_react", args=["acme", post.pk])
    assert client.post(url, {"emoji": "poop"}, secure=True).status_code == 422


def _many(personas: Any, n: int) -> None:
    for i in range(n):
        post = both_sides_post(personas, key=f"deal:{i}", at=AT - dt.timedelta(hours=i))
        Reaction.objects.create(post=post, user=personas.bob, emoji="party")


@pytest.mark.parametrize("n", [3, 20])
def test_the_wall_reads_in_a_constant_number_of_queries(
    client, personas, django_assert_max_num_queries, n
):
    _many(personas, n)
    client.force_login(personas.alice)
    client.get(_wall(), secure=True)  # the session and the caches warmed up
    with django_assert_max_num_queries(22):
        response = client.get(_wall(), secure=True)
    assert response.content.decode().count('class="card win ') == n


def test_the_selectors_query_count_does_not_grow_with_posts(personas, django_assert_num_queries):
    from cordee.wins import selectors

    actor = personas.actor("alice")

    def read() -> int:
        rows = selectors.with_credits(selectors.wall_posts(actor))
        return len(selectors.wall_rows(actor, list(rows[:100])))

    _many(personas, 10)
    # posts, their credits (people and campaigns), reactions, kudos counts
    with django_assert_num_queries(4):
        assert read() == 10
    _many_more = [both_sides_post(personas, key=f"more:{i}") for i in range(90)]
    with django_assert_num_queries(4):
        assert read() == 10 + len(_many_more)
