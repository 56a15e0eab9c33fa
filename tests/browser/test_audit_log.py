"""The audit log in a real browser, in French, on a phone (390 px) and a desktop (1280 px): RevOps
changes an SLA contract through its form, opens the log from the navigation, reads the change
field by field, and narrows it to the contract from the contract's page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cordee.funnel.services import sla_contract_save
from tests.browser.conftest import check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_revops_reads_a_contract_change_in_the_log(browser, live_server, personas, width):
    contract = sla_contract_save(
        actor=personas.actor("mia"),
        data={
            "name": "Contrat 2026",
            "period_start": dt.date(2026, 1, 1),
            "period_end": dt.date(2026, 12, 31),
            "first_touch_hours": Decimal("4"),
        },
    )
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "rita@example.fr")
        page.goto(f"{live_server.url}/w/acme/settings/sla-contracts/{contract.pk}/edit/")
        page.get_by_label("Premier contact sous (heures ouvrées)").fill("2")
        page.get_by_role("button", name="Enregistrer les modifications").click()
        page.wait_for_url(f"**/settings/sla-contracts/{contract.pk}/")
        page.goto(f"{live_server.url}/w/acme/")
        page.get_by_role("link", name="Journal d’audit").click()
        page.wait_for_url("**/audit/")
        row = page.locator("tbody tr").first
        assert "Rita Test a modifié : contrat de SLA « Contrat 2026 »" in row.inner_text()
        assert "4 → 2" in row.inner_text()
        check_and_shoot(watched, "audit-log", width)
        page.goto(f"{live_server.url}/w/acme/settings/sla-contracts/{contract.pk}/")
        page.get_by_role("link", name="Journal d’audit").last.click()
        page.wait_for_url(f"**/audit/?target=sla-contracts&target_id={contract.pk}")
        assert page.locator("tbody tr").count() == 2  # created, changed
    finally:
        page.context.close()
