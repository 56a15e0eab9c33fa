"""The opportunity board: columns by stage with their sums, close-date filters, moves through the
service the form uses (same rules, same history), forecast categories, constant queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cordee.core.errors import Conflict
from cordee.funnel import selectors, services
from cordee.funnel.models import LeadStageChange, Opportunity, OpportunityStageChange
from tests import factories as f
from tests.fixtures.api import error_fields

pytestmark = pytest.mark.usefixtures("english_pages")

HX = {"HX-Request": "true"}


def _opp(personas, **kwargs):
    return f.OpportunityFactory(workspace=personas.acme, **{"currency": "EUR", **kwargs})


def _board_html(client, query=""):
    response = client.get(f"/w/acme/opportunities/board/{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def hand_worked_pipeline(personas):
    """Acme's pipeline (workspace currency EUR), one deal in USD and one in Globex."""
    assert personas.acme.currency == "EUR"
    _opp(personas, stage="proposal", amount=Decimal("10000.00"))
    _opp(personas, stage="proposal", amount=Decimal("2500.50"))
    _opp(personas, stage="proposal", amount=Decimal("4000.00"), currency="USD")
    _opp(personas, stage="negotiation", amount=Decimal("8000.00"))
    _opp(personas, stage="closed_won", amount=Decimal("5000.00"))
    _opp(personas, stage="closed_lost", amount=Decimal("7000.00"))
    f.OpportunityFactory(workspace=personas.globex, stage="proposal", amount=Decimal("99999"))


def test_each_column_sums_its_amounts_and_weighted_amounts(personas, hand_worked_pipeline):
    board = selectors.opportunity_board(actor=personas.actor("bob"))
    columns = {c.stage: c for c in board.columns}
    # proposal (50 %): 10,000 + 2,500.50 = 12,500.50 EUR; weighted 12,500.50 × 0.5 = 6,250.25;
    # the USD deal apart: 4,000, weighted 2,000; three deals in all
    assert columns["proposal"].count == 3
    assert columns["proposal"].amount == Decimal("12500.50")
    assert columns["proposal"].weighted == Decimal("6250.25")
    usd = columns["proposal"].other_currencies["USD"]
    assert (usd.count, usd.amount, usd.weighted) == (1, Decimal("4000"), Decimal("2000"))
    # negotiation (75 %): 8,000 × 0.75 = 6,000
    assert (columns["negotiation"].amount, columns["negotiation"].weighted) == (
        Decimal("8000"),
        Decimal("6000"),
    )
    # won (100 %) 5,000 → 5,000; lost (0 %) 7,000 → 0; discovery empty
    assert columns["closed_won"].weighted == Decimal("5000")
    assert (columns["closed_lost"].amount, columns["closed_lost"].weighted) == (
        Decimal("7000"),
        Decimal("0"),
    )
    assert (columns["discovery"].count, columns["discovery"].amount) == (0, Decimal("0"))
    # open pipeline in EUR: 12,500.50 + 8,000 = 20,500.50; weighted 6,250.25 + 6,000 = 12,250.25
    assert board.open_amount == Decimal("20500.50")
    assert board.open_weighted == Decimal("12250.25")


def test_the_api_gives_the_same_sums(api_as, hand_worked_pipeline):
    response = api_as("alice").get("opportunities/board")
    assert response.status_code == 200
    body = response.json()
    proposal = next(c for c in body["columns"] if c["stage"] == "proposal")
    assert (proposal["amount"], proposal["weighted"], proposal["probability"]) == (
        "12500.50",
        "6250.25",
        50,
    )
    assert proposal["other_currencies"] == [
        {"currency": "USD", "count": 1, "amount": "4000.00", "weighted": "2000.00"}
    ]
    assert (body["open_amount"], body["open_weighted"]) == ("20500.50", "12250.25")


def test_the_page_shows_the_column_sums(client, personas, hand_worked_pipeline):
    client.force_login(personas.bob)
    html = _board_html(client)
    assert "€12,500.50" in html or "12,500.50" in html
    assert "6,250.25" in html
    assert "1 deal in" in html and "apart" in html


def test_the_close_date_filter_keeps_the_bounds(client, personas):
    for name, close in (
        ("Mars", dt.date(2026, 3, 31)),
        ("Avril", dt.date(2026, 4, 1)),
        ("Juin", dt.date(2026, 6, 30)),
        ("Juillet", dt.date(2026, 7, 1)),
        ("Sans date", None),
    ):
        _opp(personas, name=name, stage="proposal", close_date=close, amount=Decimal("1000"))
    client.force_login(personas.bob)
    html = _board_html(client, "?closes_after=2026-04-01&closes_before=2026-06-30")
    assert "Avril" in html and "Juin" in html
    assert "Mars" not in html and "Juillet" not in html and "Sans date" not in html
    board = selectors.opportunity_board(
        actor=personas.actor("bob"),
        params={"closes_after": "2026-04-01", "closes_before": "2026-06-30"},
    )
    proposal = next(c for c in board.columns if c.stage == "proposal")
    assert (proposal.count, proposal.amount) == (2, Decimal("2000"))  # 1,000 + 1,000


def test_a_move_on_the_board_writes_the_same_history_as_the_form(client, personas):
    by_board = _opp(personas, stage="discovery")
    by_form = _opp(personas, stage="discovery")
    client.force_login(personas.bob)
    response = client.post(
        f"/w/acme/opportunities/{by_board.pk}/move/", {"stage": "proposal"}, headers=HX
    )
    assert response.status_code == 200
    assert "forecast Best case" in response.content.decode()
    form = {
        "name": by_form.name,
        "account": by_form.account_id,
        "amount": "24000.00",
        "currency": "EUR",
        "stage": "proposal",
        "source": "marketing",
    }
    assert client.post(f"/w/acme/opportunities/{by_form.pk}/edit/", form).status_code == 302
    rows = {
        o.pk: list(
            OpportunityStageChange.objects.filter(opportunity=o).values_list(
                "from_stage", "to_stage", "actor"
            )
        )
        for o in (by_board, by_form)
    }
    assert rows[by_board.pk] == rows[by_form.pk] == [("discovery", "proposal", personas.bob.pk)]


def test_winning_on_the_board_closes_the_lead_as_the_form_does(client, personas):
    lead = f.LeadFactory(workspace=personas.acme, stage="sql")
    opportunity = _opp(personas, stage="negotiation", lead=lead)
    client.force_login(personas.bob)
    client.post(
        f"/w/acme/opportunities/{opportunity.pk}/move/", {"stage": "closed_won"}, headers=HX
    )
    lead.refresh_from_db()
    assert lead.stage == "won"
    assert LeadStageChange.objects.filter(lead=lead, from_stage="sql", to_stage="won").exists()


def test_a_won_deal_cannot_be_moved_back(client, personas, api_as):
    opportunity = _opp(personas, stage="closed_won")
    client.force_login(personas.bob)
    response = client.post(
        f"/w/acme/opportunities/{opportunity.pk}/move/", {"stage": "negotiation"}, headers=HX
    )
    assert response.status_code == 200  # the board comes back as it was, with the reason
    html = response.content.decode()
    assert "A closed opportunity cannot be moved: it is Closed won." in html
    assert 'role="alert"' in html
    opportunity.refresh_from_db()
    assert opportunity.stage == "closed_won"
    assert not OpportunityStageChange.objects.filter(opportunity=opportunity).exists()
    # the API and the form refuse it with the same rule
    patch = api_as("bob").patch(f"opportunities/{opportunity.pk}", {"stage": "discovery"})
    assert patch.status_code == 422
    # (the API speaks the workspace's language: Acme's is French)
    assert error_fields(patch) == {"stage": ["Une affaire gagnée ou perdue reste fermée."]}


def test_a_role_that_may_not_edit_gets_the_board_back_unchanged(client, personas):
    opportunity = _opp(personas, stage="discovery")
    client.force_login(personas.alice)  # marketer: reads opportunities, does not edit them
    url = f"/w/acme/opportunities/{opportunity.pk}/move/"
    response = client.post(url, {"stage": "proposal"}, headers=HX)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert client.post(url, {"stage": "proposal"}).status_code == 403  # without htmx: 403
    opportunity.refresh_from_db()
    assert opportunity.stage == "discovery"
    assert 'draggable="true"' not in _board_html(client)


def test_the_forecast_category_follows_the_stage_until_chosen(personas):
    bob = personas.actor("bob")
    account = f.AccountFactory(workspace=personas.acme)
    data = {"name": "Affaire", "account": account.pk, "amount": Decimal("1000")}
    opportunity = services.opportunity_save(actor=bob, data=data)
    assert (opportunity.forecast_category, opportunity.forecast_chosen) == ("pipeline", False)
    steps = (("qualification", "pipeline"), ("proposal", "best_case"), ("negotiation", "commit"))
    for stage, category in steps:
        opportunity = services.opportunity_save(
            actor=bob, data={"stage": stage}, opportunity=opportunity
        )
        assert opportunity.forecast_category == category
    # the rep chooses Pipeline at Negotiation: kept when the deal goes back to Proposal
    opportunity = services.opportunity_save(
        actor=bob, data={"forecast_category": "pipeline"}, opportunity=opportunity
    )
    assert opportunity.forecast_chosen
    opportunity = services.opportunity_save(
        actor=bob, data={"stage": "proposal"}, opportunity=opportunity
    )
    assert opportunity.forecast_category == "pipeline"
    # closing makes it Closed, whatever was chosen
    opportunity = services.opportunity_save(
        actor=bob, data={"stage": "closed_lost"}, opportunity=opportunity
    )
    assert Opportunity.objects.get(pk=opportunity.pk).forecast_category == "closed"


def test_closed_is_only_for_won_or_lost_deals(api_as, personas):
    open_deal = _opp(personas, stage="proposal")
    won = _opp(personas, stage="closed_won", forecast_category="closed")
    bob = api_as("bob")
    response = bob.patch(f"opportunities/{open_deal.pk}", {"forecast_category": "closed"})
    assert response.status_code == 422
    assert error_fields(response) == {
        "forecast_category": ["Seule une affaire gagnée ou perdue est dans la catégorie « Clos »."]
    }
    response = bob.patch(f"opportunities/{won.pk}", {"forecast_category": "commit"})
    assert error_fields(response) == {
        "forecast_category": [
            "Une affaire gagnée ou perdue est toujours dans la catégorie « Clos »."
        ]
    }
    response = bob.patch(f"opportunities/{open_deal.pk}", {"forecast_category": "commit"})
    assert response.status_code == 200
    assert (response.json()["forecast_category"], response.json()["forecast_chosen"]) == (
        "commit",
        True,
    )


def test_the_card_select_chooses_a_forecast_category(client, personas):
    opportunity = _opp(personas, stage="discovery")
    client.force_login(personas.bob)
    response = client.post(
        f"/w/acme/opportunities/{opportunity.pk}/move/",
        {
            "stage": "discovery",
            "forecast_category": "commit",
            "closes_after": "2026-01-01",
            "forecast": "pipeline",
        },
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/w/acme/opportunities/board/?closes_after=2026-01-01&forecast=pipeline"
    )
    opportunity.refresh_from_db()
    assert (opportunity.forecast_category, opportunity.forecast_chosen) == ("commit", True)
    assert not OpportunityStageChange.objects.filter(opportunity=opportunity).exists()


def test_converting_a_lead_opens_the_opportunitys_history(api_as, personas):
    contact = f.ContactFactory(workspace=personas.acme)
    lead = f.LeadFactory(workspace=personas.acme, contact=contact, stage="sal")
    response = api_as("bob").post(f"leads/{lead.pk}/convert", {"amount": "1000"})
    assert response.status_code == 201
    history = api_as("alice").get(f"opportunities/{response.json()['opportunity_id']}/history")
    assert [(h["from_stage"], h["to_stage"]) for h in history.json()] == [("", "discovery")]


def _many(personas, n):
    account = f.AccountFactory(workspace=personas.acme)
    owners = [personas.bob, personas.dave]
    stages = ["discovery", "qualification", "proposal", "negotiation", "closed_won"]
    Opportunity.objects.bulk_create(
        Opportunity(
            workspace=personas.acme,
            account=account,
            owner=owners[i % 2],
            name=f"Affaire {i}",
            amount=Decimal(1000 + i),
            currency="EUR" if i % 7 else "USD",
            stage=stages[i % 5],
            created_on=dt.date(2026, 1, 1),
            close_date=dt.date(2026, 4, 1) + dt.timedelta(days=i % 90),
        )
        for i in range(n)
    )


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        _board_html(client)
    return len(queries)


def test_the_board_reads_in_a_constant_number_of_queries(client, personas):
    client.force_login(personas.bob)
    _many(personas, 10)
    _queries(client)  # the first request of a session reads more (session, caches)
    few = _queries(client)
    _many(personas, 990)
    assert _queries(client) == few


def test_a_move_from_a_stale_board_is_refused(client, personas):
    opportunity = _opp(personas, stage="discovery")
    stale = Opportunity.objects.get(pk=opportunity.pk)  # what an open board shows
    Opportunity.objects.filter(pk=opportunity.pk).update(stage="negotiation")  # someone else
    with pytest.raises(Conflict, match="Someone moved this opportunity meanwhile"):
        services.opportunity_save(
            actor=personas.actor("bob"), data={"stage": "proposal"}, opportunity=stale
        )
    assert Opportunity.objects.get(pk=opportunity.pk).stage == "negotiation"
    assert not OpportunityStageChange.objects.filter(opportunity=opportunity).exists()


def test_the_form_chooses_a_forecast_category_or_lets_it_follow_the_stage(client, personas):
    """The page's form: blank ("follows the stage") on a new deal; a category chosen there is
    kept through a later stage move; choosing blank again hands it back to the stage."""
    client.force_login(personas.bob)
    account = f.AccountFactory(workspace=personas.acme)
    form = client.get("/w/acme/opportunities/new/").content.decode()
    assert 'name="forecast_category"' in form and "Follows the stage" in form
    fields = {
        "name": "Affaire",
        "account": account.pk,
        "amount": "1000",
        "currency": "EUR",
        "source": "marketing",
    }
    response = client.post(
        "/w/acme/opportunities/new/", {**fields, "stage": "negotiation", "forecast_category": ""}
    )
    assert response.status_code == 302, response.content.decode()[-6000:]
    opportunity = Opportunity.objects.get(workspace=personas.acme, name="Affaire")
    assert (opportunity.forecast_category, opportunity.forecast_chosen) == ("commit", False)
    edit = f"/w/acme/opportunities/{opportunity.pk}/edit/"
    client.post(edit, {**fields, "stage": "negotiation", "forecast_category": "best_case"})
    client.post(edit, {**fields, "stage": "proposal", "forecast_category": "best_case"})
    opportunity.refresh_from_db()
    assert (opportunity.forecast_category, opportunity.forecast_chosen) == ("best_case", True)
    client.post(edit, {**fields, "stage": "negotiation", "forecast_category": ""})
    opportunity.refresh_from_db()
    assert (opportunity.forecast_category, opportunity.forecast_chosen) == ("commit", False)
