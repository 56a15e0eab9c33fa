"""Merging two contacts in a real browser, in French, on a phone (390 px) and a desktop
(1280 px): a marketing manager opens Hélène Martin, picks her duplicate by typing, keeps the
duplicate's phone, merges; the merge's page explains it and her timeline shows it."""

from __future__ import annotations

import pytest

from cordee.crm.models import Contact
from cordee.merges.models import Merge
from tests import factories as f
from tests.browser.conftest import check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_a_manager_merges_two_contacts_through_the_page(browser, live_server, personas, width):
    seeded = seed_workspace(personas)
    ws = personas.acme
    keep = f.ContactFactory(
        workspace=ws,
        account=seeded.account,
        first_name="Hélène",
        last_name="Martin",
        email="helene.martin@dassault-industrie.fr",
        job_title="Directrice des achats",
    )
    twin = f.ContactFactory(
        workspace=ws,
        account=seeded.account,
        first_name="Helene",
        last_name="MARTIN",
        email="h.martin@gmail.com",
        phone="+33 6 12 34 56 78",
    )
    f.LeadFactory(workspace=ws, contact=twin)
    f.TouchpointFactory(workspace=ws, contact=twin, kind="web_visit")
    manager = open_page(browser, width)
    page = manager.page
    try:
        log_in(manager, live_server.url, "mia@example.fr")
        page.goto(f"{live_server.url}/w/acme/contacts/{keep.pk}/")
        page.get_by_role("link", name="Fusionner un doublon").click()
        page.wait_for_url(f"**/merges/contact/{keep.pk}/")
        # the duplicate is proposed (same name at the same account); pick it by typing anyway
        assert page.locator("[data-suggestions]").inner_text().count("Helene MARTIN") == 1
        page.locator(".picker__input").press_sequentially("helene mar", delay=30)
        option = page.locator(f"[data-pick-id='{twin.pk}']")
        option.wait_for()
        option.click()
        page.get_by_role("button", name="Comparer").click()
        page.wait_for_url(f"**/merges/contact/{keep.pk}/?*other={twin.pk}*")
        moves = page.locator("[data-moves]").inner_text()
        assert "1 lead" in moves and "1 contact marketing" in moves
        check_and_shoot(manager, "merge-compare", width)
        page.get_by_text("+33 6 12 34 56 78").click()  # the duplicate's phone (she had none)
        page.get_by_text("h.martin@gmail.com").click()  # and its e-mail
        page.get_by_role("button", name="Fusionner", exact=True).click()
        page.wait_for_url("**/merges/*/")
        explanation = page.locator("[data-explanation]").inner_text()
        assert (
            "La fiche Helene MARTIN a été fusionnée dans Hélène Martin par Mia Test" in explanation
        )
        check_and_shoot(manager, "merge-detail", width)
        page.goto(f"{live_server.url}/w/acme/contacts/{keep.pk}/")
        page.locator(".timeline__item--merge").wait_for()
    finally:
        page.context.close()
    keep.refresh_from_db()
    assert (keep.email, keep.phone) == ("h.martin@gmail.com", "+33 6 12 34 56 78")
    assert not Contact.objects.filter(pk=twin.pk).exists()
    assert Merge.objects.get().moved == {"leads": 1, "touches": 1}


def test_the_contact_form_says_the_contact_may_exist_already(browser, live_server, personas):
    """Typing an e-mail already known, then leaving the field: the form says who has it, with a
    link; creating stays possible."""
    seeded = seed_workspace(personas)
    known = f.ContactFactory(
        workspace=personas.acme,
        account=seeded.account,
        first_name="Hélène",
        last_name="Martin",
        email="helene.martin@dassault-industrie.fr",
    )
    marketer = open_page(browser, 390)
    page = marketer.page
    try:
        log_in(marketer, live_server.url, "alice@example.fr")
        page.goto(f"{live_server.url}/w/acme/contacts/new/")
        page.get_by_label("Prénom").fill("Helene")
        page.get_by_label("E-mail").fill("Helene.Martin@dassault-industrie.fr")
        page.get_by_label("Fonction").click()  # leaving the e-mail field: a change
        hint = page.locator("#duplicates-hint .duplicates-hint")
        hint.wait_for()
        assert "Ce contact existe peut-être déjà" in hint.inner_text()
        assert "même e-mail" in hint.inner_text()
        link = hint.get_by_role("link", name="Hélène Martin")
        assert link.get_attribute("href") == f"/w/acme/contacts/{known.pk}/"
        check_and_shoot(marketer, "contact-form-duplicate", 390)
    finally:
        page.context.close()
