"""The demo company in a real browser: the funnel pages as the sales manager sees them, the
one-click decisions in the MQL queue, and the screenshots the user guide shows."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cordee.demo import DEMO_PASSWORD
from cordee.funnel.models import Lead, Stage
from tests.browser.conftest import SCREENSHOTS, WIDTHS, check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MANAGER = "marc.ventes@demo.cordee.fr"
PAGES = [
    ("demo-home", "/w/demo/"),
    ("demo-queue", "/w/demo/queue/?scope=all"),
    ("demo-funnel", "/w/demo/funnel/"),
    ("demo-sla", "/w/demo/sla/"),
    ("demo-rejections", "/w/demo/rejections/"),
    ("demo-leads", "/w/demo/leads/?stage=mql"),
    ("demo-contracts", "/w/demo/settings/sla-contracts/"),
    ("demo-attribution", "/w/demo/attribution/?by=channel&model=markov"),
]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_demo_funnel_pages_render_cleanly(browser, live_server, demo, width):
    watched = open_page(browser, width)
    try:
        log_in(watched, live_server.url, MANAGER, DEMO_PASSWORD)
        for name, path in PAGES:
            watched.page.goto(live_server.url + path)
            check_and_shoot(watched, name, width)
        lead = (
            Lead.objects.filter(stage=Stage.MQL, mql_at__isnull=False).order_by("-mql_at").first()
        )
        watched.page.goto(f"{live_server.url}/w/demo/leads/{lead.pk}/")
        check_and_shoot(watched, "demo-lead", width)
    finally:
        watched.page.context.close()
    if os.environ.get("CORDEE_DOCS_SCREENSHOTS") and width == 1280:
        DOCS.mkdir(parents=True, exist_ok=True)
        for name in (
            "demo-home",
            "demo-queue",
            "demo-funnel",
            "demo-sla",
            "demo-rejections",
            "demo-lead",
            "demo-attribution",
        ):
            shutil.copy(
                SCREENSHOTS / f"{name}-{width}.png", DOCS / f"{name.removeprefix('demo-')}.png"
            )


def test_accept_and_reject_from_the_queue_without_reloading(browser, live_server, demo):
    watched = open_page(browser, 1280)
    page = watched.page
    try:
        log_in(watched, live_server.url, MANAGER, DEMO_PASSWORD)
        page.goto(f"{live_server.url}/w/demo/queue/?scope=all")
        rows = page.locator("tbody tr[id^=lead-]")
        before = rows.count()
        assert before >= 4
        first_id = int(rows.first.get_attribute("id").removeprefix("lead-"))
        rows.first.locator("button", has_text="Accepter").click()
        page.locator(".queue__done").first.wait_for()
        assert Lead.objects.get(pk=first_id).stage == Stage.SAL

        second = page.locator("tbody tr[id^=lead-]").first
        second_id = int(second.get_attribute("id").removeprefix("lead-"))
        second.locator("summary", has_text="Refuser").click()
        second.locator("select[name=reason]").select_option("bad_timing")
        second.locator("input[name=comment]").fill("Projet prévu pour 2027")
        second.locator("button", has_text="Refuser le lead").click()
        page.locator(".queue__done").nth(1).wait_for()
        assert Lead.objects.get(pk=second_id).stage == Stage.RECYCLED
        watched.assert_clean("queue decisions")
        page.screenshot(path=str(SCREENSHOTS / "demo-queue-decided-1280.png"), full_page=True)
    finally:
        page.context.close()


ADMIN_PAGES = [
    ("demo-scoring", "/w/demo/settings/scoring-rules/"),
    ("demo-routing", "/w/demo/settings/routing-rules/"),
    ("demo-reasons", "/w/demo/settings/rejection-reasons/"),
    ("demo-webhooks", "/w/demo/settings/webhooks/"),
    ("demo-webhook-new", "/w/demo/settings/webhooks/new/"),
    ("demo-scoring-new", "/w/demo/settings/scoring-rules/new/"),
]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_revops_settings_render_cleanly(browser, live_server, demo, width):
    from cordee.funnel.models import SlaContract

    watched = open_page(browser, width)
    try:
        log_in(watched, live_server.url, "sophie.revops@demo.cordee.fr", DEMO_PASSWORD)
        contract = SlaContract.objects.filter(pod__isnull=True).order_by("-period_start").first()
        for name, path in [
            *ADMIN_PAGES,
            ("demo-contract", f"/w/demo/settings/sla-contracts/{contract.pk}/"),
        ]:
            watched.page.goto(live_server.url + path)
            check_and_shoot(watched, name, width)
    finally:
        watched.page.context.close()
