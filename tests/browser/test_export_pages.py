"""Exports and incoming webhooks in a real browser: the list's export buttons carry its filters
and download a file; the export and incoming-endpoint pages render cleanly, wide and narrow."""

from __future__ import annotations

import pytest

from cordee.integrations.models import IncomingEndpoint
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_export_and_incoming_pages(browser, live_server, personas, settings, tmp_path, width):
    settings.CORDEE_EXPORT_DIR = tmp_path
    seed_workspace(personas)
    endpoint = IncomingEndpoint.objects.create(
        workspace=personas.acme, name="Formulaire du site", created_by=personas.rita
    )
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "rita@example.fr")
        page.goto(f"{live_server.url}/w/acme/leads/?stage=sql")
        with page.expect_download() as download:
            page.click("a[href*='/leads/export/'][href*='file=xlsx']")
        assert download.value.suggested_filename.endswith(".xlsx")
        assert "stage=sql" in download.value.url
        check_and_shoot(watched, "leads-list-export-buttons", width)
        page.goto(f"{live_server.url}/w/acme/settings/export/")
        page.check("input[value=parquet]")
        page.click("main form button[type=submit]")
        page.wait_for_selector("a[href*='?download=']")
        check_and_shoot(watched, "workspace-export", width)
        page.goto(f"{live_server.url}/w/acme/settings/incoming/{endpoint.pk}/")
        check_and_shoot(watched, "incoming-endpoint", width)
    finally:
        page.context.close()
