"""The opportunity board in a real browser: a card dragged to another stage is saved with the
same stage history as the form; a move the rules forbid puts the card back with the reason; on a
phone the columns scroll sideways and the card's select moves it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cordee.funnel.models import Opportunity, OpportunityStageChange
from tests import factories as f
from tests.browser.conftest import check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


@pytest.fixture
def board_deals(personas):
    """Three deals of Acme, all bob's (a live server's test commits its rows)."""
    account = f.AccountFactory(workspace=personas.acme, name="Michelin")
    deal = {
        "workspace": personas.acme,
        "account": account,
        "owner": personas.bob,
        "currency": "EUR",
    }
    return {
        "open": f.OpportunityFactory(
            **deal, name="Pneus Clermont", stage="discovery", amount=Decimal("10000")
        ),
        "other": f.OpportunityFactory(
            **deal, name="Flotte Lyon", stage="proposal", amount=Decimal("4000")
        ),
        "won": f.OpportunityFactory(
            **deal,
            name="Contrat Auvergne",
            stage="closed_won",
            forecast_category="closed",
            amount=Decimal("5000"),
        ),
    }


def _column(page, stage):
    return page.locator(f".oppboard__col[data-stage={stage}]")


def test_dragging_a_card_moves_it_and_a_forbidden_move_puts_it_back(
    browser, live_server, personas, board_deals
):
    watched = open_page(browser, 1280)
    page = watched.page
    try:
        log_in(watched, live_server.url, "bob@example.fr")
        page.goto(f"{live_server.url}/w/acme/opportunities/board/")
        check_and_shoot(watched, "opportunity-board", 1280)

        card = page.locator(f"#opportunity-{board_deals['open'].pk}")
        card.drag_to(_column(page, "proposal").locator(".oppboard__cards"))
        page.wait_for_selector(".oppboard__notice .alert--success")
        moved = _column(page, "proposal").locator(f"#opportunity-{board_deals['open'].pk}")
        assert moved.count() == 1
        # proposal (50 %): 10 000 + 4 000 = 14 000 €, weighted 7 000 €
        sums = _column(page, "proposal").locator(".oppboard__sums").inner_text()
        assert "14\u00a0000,00\u00a0€" in sums and "7\u00a0000,00\u00a0€" in sums
        history = OpportunityStageChange.objects.filter(opportunity=board_deals["open"])
        assert list(history.values_list("from_stage", "to_stage", "actor")) == [
            ("discovery", "proposal", personas.bob.pk)
        ]

        won = page.locator(f"#opportunity-{board_deals['won'].pk}")
        won.drag_to(_column(page, "negotiation").locator(".oppboard__cards"))
        alert = page.locator(".oppboard__notice [role=alert]")
        alert.wait_for()
        assert "Une opportunité fermée ne peut pas être déplacée" in alert.inner_text()
        assert _column(page, "closed_won").locator(f"#opportunity-{board_deals['won'].pk}").count()
        assert Opportunity.objects.get(pk=board_deals["won"].pk).stage == "closed_won"
        check_and_shoot(watched, "opportunity-board-refused", 1280)
        watched.assert_clean("board")
    finally:
        page.context.close()


def test_on_a_phone_the_columns_scroll_and_a_select_moves_a_card(
    browser, live_server, personas, board_deals
):
    watched = open_page(browser, 390)
    page = watched.page
    try:
        log_in(watched, live_server.url, "bob@example.fr")
        page.goto(f"{live_server.url}/w/acme/opportunities/board/")
        cols = page.locator(".oppboard__cols")
        assert cols.evaluate("el => el.scrollWidth > el.clientWidth")  # sideways, inside
        check_and_shoot(watched, "opportunity-board", 390)
        page.select_option(f"#stage-{board_deals['open'].pk}", "negotiation")
        page.wait_for_selector(".oppboard__notice .alert--success")
        assert (
            _column(page, "negotiation").locator(f"#opportunity-{board_deals['open'].pk}").count()
        )
        assert Opportunity.objects.get(pk=board_deals["open"].pk).forecast_category == "commit"
        check_and_shoot(watched, "opportunity-board-moved", 390)
        watched.assert_clean("board on a phone")
    finally:
        page.context.close()
