"""Saved views in a real browser, in French, on a phone (390 px) and a desktop (1280 px): a rep
filters the leads, picks and orders columns, saves the view for everyone, comes back to the
list and finds the view with its filter and columns."""

from __future__ import annotations

import pytest

from cordee.funnel.models import Lead
from cordee.lists.models import SavedView
from tests.browser.conftest import check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


def _headers(page) -> list[str]:
    return [t.strip() for t in page.locator("#records thead th:not(.leading)").all_text_contents()]


@pytest.mark.parametrize("width", [390, 1280])
def test_a_rep_saves_a_view_with_a_filter_and_columns(browser, live_server, personas, width):
    seed_workspace(personas)
    rep = open_page(browser, width)
    page = rep.page
    try:
        log_in(rep, live_server.url, "bob@example.fr")
        page.goto(f"{live_server.url}/w/acme/leads/")
        assert _headers(page)[:3] == ["Lead", "Compte", "Étape"]
        with page.expect_response(lambda r: "stage=mql" in r.url):
            page.select_option("#id_f_stage", "mql")  # htmx swaps the table and the bar
        page.locator("summary", has_text="Colonnes").click()
        chooser = page.locator(".columns-chooser")
        chooser.get_by_role("checkbox", name="Compte", exact=True).uncheck()
        chooser.get_by_role("checkbox", name="Canal source", exact=True).check()
        chooser.get_by_role("button", name="Monter Score").click()  # Score before Étape
        check_and_shoot(rep, "saved-views-columns", width)
        chooser.get_by_role("button", name="Afficher ces colonnes").click()
        page.wait_for_url("**/leads/?*columns=*")
        page.locator("summary", has_text="Enregistrer comme nouvelle vue").click()
        page.get_by_label("Nom de la vue").fill("MQL webinaire")
        page.locator("#id_new_visibility").select_option("workspace")
        check_and_shoot(rep, "saved-views-save", width)
        page.get_by_role("button", name="Enregistrer la vue").click()
        page.wait_for_url("**/leads/?view=*")

        page.goto(f"{live_server.url}/w/acme/leads/?view=all")
        assert page.locator("#id_f_stage").input_value() == ""
        page.locator(".views-tab", has_text="MQL webinaire").click()
        page.wait_for_url("**/leads/?view=*")
        assert page.locator("#id_f_stage").input_value() == "mql"
        headers = _headers(page)
        assert headers[:3] == ["Lead", "Score", "Étape"] and "Canal source" in headers
        assert "Compte" not in headers
        mqls = Lead.objects.filter(workspace=personas.acme, stage="mql").count()
        assert page.locator("#records tbody tr").count() == mqls
        check_and_shoot(rep, "saved-views", width)
    finally:
        page.context.close()
    view = SavedView.objects.get()
    assert (view.name, view.owner, view.visibility) == ("MQL webinaire", personas.bob, "workspace")
    assert view.params == {"stage": "mql"}
    assert view.columns[:3] == ["contact", "score", "stage"] and "source_channel" in view.columns


def test_the_owner_filter_is_typed_then_picked(browser, live_server, personas):
    """A list's owner is found by typing a name (never a drop-down of every member); picking
    one filters the list at once, emptying the box lists every row again."""
    seed_workspace(personas)
    rep = open_page(browser, 1280)
    page = rep.page
    try:
        log_in(rep, live_server.url, "bob@example.fr")
        page.goto(f"{live_server.url}/w/acme/campaigns/")
        every = page.locator("#records tbody tr").count()
        assert every == 3
        box = page.locator("#id_f_owner")
        box.fill("mi")
        mia = page.locator("#id_f_owner_options [data-pick-id]", has_text="Mia Test")
        with page.expect_response(lambda r: f"owner={personas.mia.pk}" in r.url):
            mia.click()
        assert page.locator("#records tbody tr").count() == 1
        assert page.locator("#records tbody").inner_text().count("Salon Global Industrie") == 1
        assert box.input_value() == "Mia Test"
        check_and_shoot(rep, "list-owner-filter", 1280)
        page.reload()
        assert page.locator("#id_f_owner").input_value() == "Mia Test"
        with page.expect_response(lambda r: "/campaigns/" in r.url and "owner=&" in r.url + "&"):
            page.locator("#id_f_owner").fill("")
        assert page.locator("#records tbody tr").count() == every
    finally:
        page.context.close()
