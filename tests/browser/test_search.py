"""Find anything in a real browser, wide and narrow: the sidebar box's preview as you type, the
search page, and a lead created by picking its contact by typing."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_box_previews_and_the_page_groups(browser, live_server, personas, width):
    seed_workspace(personas)
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "bob@example.fr")
        box = page.locator("#id_global_q")
        box.press_sequentially("lefe", delay=30)
        preview = page.locator("#global-search-preview a:has-text('Camille Lefèvre')")
        preview.first.wait_for()
        assert preview.count() == 2  # the contact and her lead
        check_and_shoot(watched, "search-preview", width)
        box.press("Enter")
        page.wait_for_url("**/w/acme/search/?q=lefe")
        assert page.locator(".search-group h2").count() == 2  # Contacts, Leads
        check_and_shoot(watched, "search", width)
    finally:
        page.context.close()


def test_a_lead_is_created_by_picking_its_contact_by_typing(browser, live_server, personas):
    seed_workspace(personas)
    watched = open_page(browser, 390)
    page = watched.page
    try:
        log_in(watched, live_server.url, "alice@example.fr")
        page.goto(f"{live_server.url}/w/acme/leads/new/")
        assert page.locator("select[name=contact]").count() == 0
        page.locator("#id_contact").press_sequentially("ines", delay=30)
        option = page.locator("#id_contact_options [data-pick-label='Inès Benali']")
        option.wait_for()
        check_and_shoot(watched, "lead-contact-picker", 390)
        option.click()
        assert page.locator("#id_contact").input_value() == "Inès Benali"
        page.click("button[type=submit].button--primary")
        page.wait_for_url("**/w/acme/leads/*/")
        assert page.locator("h1").inner_text() == "Inès Benali"
        watched.assert_clean("lead created with the picker")
    finally:
        page.context.close()
