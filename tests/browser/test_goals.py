"""The goals screens in a real browser, wide and narrow: a sales manager writes a plan as the
quarter's goals from the Plan page, finds them on the goals page (the trend charts load as they
come into view), opens one and sees its chart and history; the overview shows them; nothing
scrolls sideways and the page is clean (no console error, no refused resource)."""

from __future__ import annotations

import pytest

from cordee.funnel import kpis
from cordee.funnel.models import Goal
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


def _sideways(page) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_plan_becomes_the_quarters_goals(browser, live_server, personas, width):
    seed_workspace(personas)
    quarter = kpis.current_period(personas.acme).key.removeprefix("FY")
    watched = open_page(browser, width)
    page = watched.page
    base = live_server.url
    try:
        log_in(watched, base, "dave@example.fr")
        page.goto(
            f"{base}/w/acme/plan/?revenue=100000&period={quarter}&deal_size=10000"
            "&mql_to_sal=0.5&sal_to_sql=0.4&sql_to_won=0.25&marketing_share=0.6"
        )
        page.get_by_role("button", name="Inscrire le plan comme objectifs").click()
        page.wait_for_url(f"**/w/acme/goals/?period={quarter}")
        assert "6 fixés, 0 modifiés, 0 inchangés" in page.locator(".flash").inner_text()
        rows = page.locator("#goal-tree > li")
        assert rows.count() == 6
        first = rows.first
        first.locator(".goal__trend").scroll_into_view_if_needed()
        first.locator(".goal__trend svg").wait_for()  # the trend loads when it comes into view
        assert _sideways(page) <= 0, f"the goals page scrolls sideways at {width}px"
        check_and_shoot(watched, "goals", width)
        goal = Goal.objects.get(workspace=personas.acme, period=quarter, kpi="mqls_created")
        page.locator(f"#goal-{goal.pk} a.goal__title").click()
        page.wait_for_url(f"**/w/acme/goals/{goal.pk}/")
        assert page.locator("#goal-forecast").inner_text().strip() != ""
        shown = ".goal-chart--narrow" if width < 760 else ".goal-chart--wide"
        page.locator(f"{shown} svg").wait_for()  # the chart drawn for the screen's width
        assert page.locator("#goal-history tbody tr").count() == 3  # target and both owners
        assert _sideways(page) <= 0, f"a goal's page scrolls sideways at {width}px"
        check_and_shoot(watched, "goal", width)
        page.goto(f"{base}/w/acme/")  # dave's home: the goals at risk link to their pages
        items = page.locator("#home-goals_at_risk .home-item a")
        assert all(
            "/goals/" in (items.nth(i).get_attribute("href") or "") for i in range(items.count())
        )
        watched.assert_clean("goals")
    finally:
        page.context.close()
