"""Every main page in a real browser, wide and narrow: no horizontal scrolling, no console
error, no failed request; a full-page screenshot of each is kept in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


def _pages(seeded) -> list[tuple[str, str]]:
    pages = [("home", "/w/acme/"), ("profile", "/w/acme/profile/")]
    for kind, obj in [
        ("accounts", seeded.account),
        ("contacts", seeded.contact),
        ("leads", seeded.lead),
        ("opportunities", seeded.opportunity),
        ("campaigns", seeded.campaign),
        ("pods", seeded.pod),
    ]:
        pages += [
            (f"{kind}-list", f"/w/acme/{kind}/"),
            (f"{kind}-detail", f"/w/acme/{kind}/{obj.pk}/"),
            (f"{kind}-create", f"/w/acme/{kind}/new/"),
        ]
    return pages


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_main_page_renders_cleanly(browser, live_server, personas, width):
    seeded = seed_workspace(personas)
    watched = open_page(browser, width)
    try:
        watched.page.goto(f"{live_server.url}/login/")
        check_and_shoot(watched, "login", width)
        log_in(watched, live_server.url, "rita@example.fr")
        for name, path in _pages(seeded):
            watched.page.goto(live_server.url + path)
            check_and_shoot(watched, name, width)
    finally:
        watched.page.context.close()


def test_search_open_a_lead_and_switch_language(browser, live_server, personas):
    seed_workspace(personas)
    watched = open_page(browser, 1280)
    page = watched.page
    try:
        log_in(watched, live_server.url, "bob@example.fr")
        page.click("nav.nav a[href$='/leads/']")
        page.wait_for_url("**/w/acme/leads/")
        assert page.locator("#records tbody tr").count() == 7

        page.locator("#id_q").press_sequentially("Fournier", delay=30)
        page.wait_for_url(lambda url: "q=Fournier" in url)
        page.wait_for_function("document.querySelectorAll('#records tbody tr').length === 1")
        page.select_option("select[name=stage]", "sql")
        page.wait_for_url(lambda url: "stage=sql" in url)
        assert page.locator("#records tbody tr").count() == 1

        page.click("#records tbody tr a:has-text('Julien Fournier')")
        page.wait_for_url("**/w/acme/leads/*/")
        assert page.locator("h1").inner_text() == "Julien Fournier"
        assert page.locator("html").get_attribute("lang") == "fr"
        # the stages are told once, in the timeline, with the other entries
        assert page.locator("text=Historique des étapes").count() == 0
        assert page.locator("#timeline [data-kind=stage]").count() >= 1

        page.click(".lang-switch button[value=en]")
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h2:has-text('Activities and timeline')").count() == 1
        page.click(".lang-switch button[value=fr]")
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "fr"
        watched.assert_clean("flow")
    finally:
        page.context.close()
