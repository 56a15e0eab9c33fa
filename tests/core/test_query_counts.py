"""Every list answers in a number of queries that does not grow with the rows listed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cordee.crm import models as crm
from cordee.funnel import models as funnel
from cordee.people import models as people
from cordee.tenancy import models as tenancy

NOW = timezone.now()


def _accounts(p: Any, start: int, n: int) -> list[crm.Account]:
    return crm.Account.objects.bulk_create(
        crm.Account(workspace=p.acme, name=f"Account {start + i}", owner=p.bob) for i in range(n)
    )


def _contacts(p: Any, start: int, n: int) -> list[crm.Contact]:
    accounts = _accounts(p, start, n)
    return crm.Contact.objects.bulk_create(
        crm.Contact(
            workspace=p.acme,
            account=account,
            last_name=f"Durand {start + i}",
            email=f"c{start + i}@client.fr",
            owner=p.bob,
        )
        for i, account in enumerate(accounts)
    )


def _campaigns(p: Any, start: int, n: int) -> list[crm.Campaign]:
    return crm.Campaign.objects.bulk_create(
        crm.Campaign(workspace=p.acme, name=f"Campaign {start + i}", channel="seo", owner=p.alice)
        for i in range(n)
    )


def _pod(p: Any, name: str) -> people.Pod:
    return people.Pod.objects.create(workspace=p.acme, name=name)


def _touchpoints(p: Any, start: int, n: int) -> None:
    contact = _contacts(p, start, 1)[0]
    campaign = _campaigns(p, start, 1)[0]
    funnel.Touchpoint.objects.bulk_create(
        funnel.Touchpoint(
            workspace=p.acme,
            contact=contact,
            campaign=campaign,
            kind="call",
            occurred_at=NOW - dt.timedelta(minutes=i),
            actor=p.bob,
        )
        for i in range(n)
    )


def _leads(p: Any, start: int, n: int) -> None:
    campaign = _campaigns(p, start, 1)[0]
    pod = _pod(p, f"Pod {start}")
    funnel.Lead.objects.bulk_create(
        funnel.Lead(
            workspace=p.acme,
            contact=contact,
            source_campaign=campaign,
            owner=p.bob,
            pod=pod,
            stage_entered_at=NOW,
        )
        for contact in _contacts(p, start, n)
    )


def _opportunities(p: Any, start: int, n: int) -> None:
    account = _accounts(p, start, 1)[0]
    campaign = _campaigns(p, start, 1)[0]
    pod = _pod(p, f"Pod {start}")
    funnel.Opportunity.objects.bulk_create(
        funnel.Opportunity(
            workspace=p.acme,
            account=account,
            name=f"Deal {start + i}",
            amount=Decimal("1234567.89"),
            created_on=dt.date(2026, 4, 1),
            owner=p.bob,
            primary_campaign=campaign,
            pod=pod,
        )
        for i in range(n)
    )


def _pods(p: Any, start: int, n: int) -> None:
    pods = people.Pod.objects.bulk_create(
        people.Pod(workspace=p.acme, name=f"Pod {start + i}") for i in range(n)
    )
    account = _accounts(p, start, 1)[0]
    people.PodMember.objects.bulk_create(
        [people.PodMember(pod=pod, user=p.alice) for pod in pods]
        + [people.PodMember(pod=pod, user=p.bob, is_lead=True) for pod in pods]
    )
    people.Pod.named_accounts.through.objects.bulk_create(
        people.Pod.named_accounts.through(pod=pod, account=account) for pod in pods
    )


def _members(p: Any, start: int, n: int) -> None:
    users = tenancy.User.objects.bulk_create(
        tenancy.User(email=f"m{start + i}@acme.fr", password="!") for i in range(n)
    )
    tenancy.Membership.objects.bulk_create(
        tenancy.Membership(workspace=p.acme, user=user, role="sales_rep") for user in users
    )


def _tokens(p: Any, start: int, n: int) -> None:
    tenancy.ApiToken.objects.bulk_create(
        tenancy.ApiToken(
            workspace=p.acme,
            user=p.alice,
            name=f"Token {start + i}",
            key_prefix="cdt_x",
            key_hash=f"{start + i:064d}",
        )
        for i in range(n)
    )


def _feedback(p: Any, start: int, n: int) -> None:
    from cordee.feedback import models as fb

    competitor = fb.Competitor.objects.create(workspace=p.acme, name=f"Rival {start}")
    items = fb.FeedbackItem.objects.bulk_create(
        fb.FeedbackItem(
            workspace=p.acme,
            kind="competitor",
            title=f"Retour {start + i}",
            author=p.dave,
            owner=p.alice,
            competitor=competitor,
            submitted_at=NOW - dt.timedelta(minutes=start + i),
        )
        for i in range(n)
    )
    fb.FeedbackVote.objects.bulk_create(
        fb.FeedbackVote(workspace=p.acme, item=item, user=p.bob, created_at=NOW) for item in items
    )


BUILDERS: dict[str, Callable[[Any, int, int], Any]] = {
    "feedback": _feedback,
    "accounts": _accounts,
    "contacts": _contacts,
    "campaigns": _campaigns,
    "touchpoints": _touchpoints,
    "leads": _leads,
    "opportunities": _opportunities,
    "pods": _pods,
    "members": _members,
    "tokens": _tokens,
}


def _measure(api: Any, path: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, {"limit": 500})
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@pytest.mark.parametrize("path", list(BUILDERS))
def test_list_queries_do_not_grow_with_rows(personas, api_as, django_assert_max_num_queries, path):
    api = api_as("alice")
    build = BUILDERS[path]
    build(personas, 0, 10)
    api.get("me")  # the token's first use records last_used_at; measure after it
    few, small = _measure(api, path)
    build(personas, 10, 990)
    with django_assert_max_num_queries(few):
        response = api.get(path, {"limit": 500})
    many, large = _measure(api, path)
    assert response.status_code == 200
    assert few == many, (path, few, many)
    assert len(large["items"]) == 500
    assert large["count"] >= 1000 > small["count"]


def test_lead_history_queries_do_not_grow_with_changes(personas, api_as):
    api = api_as("alice")
    lead = funnel.Lead.objects.create(
        workspace=personas.acme,
        contact=_contacts(personas, 0, 1)[0],
        stage_entered_at=NOW,
    )

    def add(start: int, n: int) -> None:
        funnel.LeadStageChange.objects.bulk_create(
            funnel.LeadStageChange(
                workspace=personas.acme,
                lead=lead,
                to_stage="mql",
                at=NOW + dt.timedelta(seconds=start + i),
                actor=personas.bob,
            )
            for i in range(n)
        )

    add(0, 10)
    api.get("me")
    few, small = _measure(api, f"leads/{lead.pk}/history")
    add(10, 990)
    many, large = _measure(api, f"leads/{lead.pk}/history")
    assert few == many
    assert (len(small), len(large)) == (10, 1000)


def test_the_feedback_inbox_page_queries_do_not_grow_with_items(personas):
    from django.test import Client

    client = Client()
    client.force_login(personas.alice)

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/w/acme/feedback/")
        assert response.status_code == 200
        return len(queries)

    _feedback(personas, 0, 5)
    measure()  # the first visit also writes the session and warms caches
    few = measure()
    _feedback(personas, 5, 200)
    assert measure() == few
