"""Bulk actions in a real browser, in French, on a phone (390 px) and a desktop (1280 px): a
sales manager selects every lead on the page, then all those matching, reassigns them; the job
runs in the background (the test plays the worker) and its page follows it; then undo."""

from __future__ import annotations

import pytest
from django.test import override_settings

from cordee.bulk.models import BulkJob
from cordee.bulk.runner import bulk_job_run, bulk_job_undo_run
from cordee.core.web import PAGE_SIZE
from cordee.funnel.models import Lead, LeadAssignment
from tests import factories as f
from tests.browser.conftest import check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
@override_settings(BULK_INLINE_MAX=20)
def test_a_manager_reassigns_all_matching_leads_and_undoes_it(
    browser, live_server, personas, width
):
    ws = personas.acme
    for n in range(61):
        owner = personas.bob if n % 2 else None
        f.LeadFactory(
            workspace=ws, owner=owner, contact=f.ContactFactory(workspace=ws, last_name=f"Morel{n}")
        )
    before = dict(Lead.objects.values_list("pk", "owner_id"))
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "dave@example.fr")
        page.goto(f"{live_server.url}/w/acme/leads/")
        page.get_by_label("Sélectionner toutes les lignes de cette page").check()
        bar = page.locator("#bulk-form")
        bar.wait_for()
        assert bar.locator(".bulk-selected").inner_text() == f"{PAGE_SIZE} sélectionnés"
        page.get_by_role("button", name="Sélectionner les 61 correspondants").click()
        assert bar.locator(".bulk-selected").inner_text() == "61 sélectionnés"
        page.get_by_label("Action").select_option("reassign")
        page.get_by_label("Nouveau propriétaire").fill("mia")  # typed, then picked
        page.locator("#id_bulk_to_owner_options [data-pick-id]", has_text="Mia Test").click()
        assert page.get_by_label("Nouveau propriétaire").input_value() == "Mia Test"
        check_and_shoot(watched, "bulk-bar", width)
        bar.get_by_role("button", name="Appliquer à la sélection").click()
        page.get_by_text("En attente du processus d’arrière-plan…").wait_for()

        job = BulkJob.objects.get()
        bulk_job_run(job_id=job.pk)  # what the worker does; the page is polling meanwhile
        page.locator("#bulk-changed", has_text="61 lignes modifiées").wait_for()
        check_and_shoot(watched, "bulk-job", width)
        page.get_by_role("button", name="Annuler").click()
        page.locator("#bulk-status", has_text="Annulation en cours").wait_for()
        bulk_job_undo_run(job_id=job.pk)  # the worker again
        page.get_by_text("Annulée le").first.wait_for()
        # the list of past bulk actions, reached from the action's page
        page.get_by_role("link", name="Actions groupées").click()
        page.wait_for_url("**/bulk-jobs/")
        row = page.locator("tbody tr")
        assert row.count() == 1 and "Changer de propriétaire" in row.inner_text()
        check_and_shoot(watched, "bulk-jobs", width)
    finally:
        page.context.close()
    assert dict(Lead.objects.values_list("pk", "owner_id")) == before
    assert LeadAssignment.objects.filter(reason_code="bulk").count() == 61
    assert LeadAssignment.objects.filter(reason_code="bulk_undone").count() == 61
