"""The import wizard in a real browser, in French: upload a small HubSpot export, wait while it
is read, read what was detected, change one column, preview, start, watch the progress bar fill, read the summary.

The detection and the import run in the test's thread (``detect_import.call`` and
``import_job_run``, what the worker's tasks call).
The browser's progress polls go through ``page.route``, whose handler only runs while this
thread is inside a Playwright call: no poll reaches the live server while the import runs, so
the two threads never use the (shared, in-memory) test database at the same time.
"""

from __future__ import annotations

import os

import pytest

from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.tasks import detect_import
from cordee.dataio.models import ImportJob
from cordee.funnel.models import Lead, LeadStageChange
from tests.browser.conftest import WIDTHS, Watched, log_in, open_page
from tests.browser.conftest import check_and_shoot as _check_and_shoot

pytestmark = pytest.mark.browser

# A HubSpot contacts export as a French team writes it: ISO creation dates, but the MQL dates
# typed day-first, every day ≤ 12 (nothing proves the order: the workspace's French decides);
# "Mobile" is no column name HubSpot or Cordée knows; line 4 holds a broken e-mail.
HUBSPOT_CSV = (
    "\ufeffRecord ID,First Name,Last Name,Email,Mobile,Company Name,Lifecycle Stage,"
    "Create Date,Became a Marketing Qualified Lead Date\r\n"
    "101,Amélie,Durand,amelie.durand@lumiere-sas.fr,+33 6 11 22 33 44,Lumière SAS,"
    "marketingqualifiedlead,2024-03-05 14:12,06/03/2024 09:30\r\n"
    "102,Bruno,Lefèvre,bruno@atelier-nord.fr,,Atelier Nord,lead,2024-01-09 08:00,\r\n"
    "103,Chloé,Martin,pas-un-email,,Vert & Bleu,lead,2024-04-02 11:00,\r\n"
    "104,David,Nguyen,david.nguyen@exemple-industrie.fr,+33 6 98 76 54 32,Exemple Industrie,"
    "marketingqualifiedlead,2024-02-01 13:37,12/02/2024 10:00\r\n"
)


def check_and_shoot(watched: Watched, name: str, width: int) -> None:
    watched.page.evaluate("window.scrollTo(0, 0)")  # the sticky sidebar follows the scroll
    _check_and_shoot(watched, name, width)


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_import_a_hubspot_export_step_by_step(browser, live_server, personas, tmp_path, width):
    path = tmp_path / "export-hubspot-contacts.csv"
    path.write_text(HUBSPOT_CSV, encoding="utf-8")
    watched = open_page(browser, width)
    page = watched.page
    # polls wait for this thread (see the module's docstring)
    page.route("**/imports/*/progress/", lambda route: route.continue_())
    try:
        log_in(watched, live_server.url, "rita@example.fr")

        # the leads list offers the import of leads
        page.goto(f"{live_server.url}/w/acme/leads/")
        page.click(".page-head__actions a:text-is('Importer')")
        page.wait_for_url("**/imports/new/?kind=leads")
        assert page.input_value("select[name=kind]") == "leads"
        page.set_input_files("input[name=file]", str(path))
        check_and_shoot(watched, "import-1-upload", width)
        page.click("button:text('Envoyer et vérifier')")

        # step 2: the request only stored the file; the page says it is being read and polls
        # until the worker (its task run here) has detected it, then shows the columns
        page.wait_for_url("**/imports/*/mapping/")
        job = ImportJob.objects.get()
        assert job.status == "detecting"
        assert page.locator("#import-detecting[hx-trigger]").count() == 1  # polling
        check_and_shoot(watched, "import-1b-detecting", width)
        assert detect_import.call(job.pk) == "draft"
        page.wait_for_selector("#source-system", timeout=10_000)
        assert "Export HubSpot reconnu" in page.inner_text("#source-system")
        detected = page.inner_text("#detected")
        assert "UTF-8 avec BOM" in detected and "virgule" in detected
        mql = page.locator("li[data-column='Became a Marketing Qualified Lead Date']")
        note = mql.inner_text()
        assert "jour/mois/année" in note and "12" in note and "français" in note, note
        assert mql.locator("select[name^=order-]").input_value() == "dmy"
        mobile = page.locator("li[data-column='Mobile'] select[name^=map-]")
        assert mobile.input_value() == ""  # not a name anyone knows: not imported
        mobile.select_option("phone")
        page.check("input[name=keep_good_rows]")
        check_and_shoot(watched, "import-2-mapping", width)
        page.click("button:text('Prévisualiser les lignes')")

        # step 3: the rows as they will be stored, the bad one with its reason
        page.wait_for_url("**/imports/*/preview/")
        table = page.inner_text("#preview")
        assert "+33 6 11 22 33 44" in table  # the column mapped by hand
        assert "2024-03-06 09:30" in table  # 06/03/2024 read day-first
        assert "2024-02-12 10:00" in table
        assert page.inner_text("#preview td.cell--error") == "pas-un-email"  # as in the file
        errors = page.inner_text("tr.row-errors")
        assert "Ligne 4" in errors and "pas-un-email" in errors, errors
        check_and_shoot(watched, "import-3-preview", width)
        page.click('button:text("Lancer l\'import")')

        # step 4: queued, then the bar moves as the job row does, then the result
        page.wait_for_url(f"**/imports/{job.pk}/")
        bar = page.locator("#import-progress [role=progressbar]")
        assert bar.get_attribute("aria-valuenow") == "0"
        assert "En attente" in page.inner_text("#import-progress")
        # the worker has read 2 of the 4 rows, 1 rejected (what engine.run writes as it goes)
        ImportJob.objects.filter(pk=job.pk).update(
            status="running", phase="validating", rows_done=2, errors_count=1, pid=os.getpid()
        )
        page.wait_for_selector("#import-progress [role=progressbar][aria-valuenow='50']")
        assert "2 sur 4 lignes lues" in page.inner_text("#progress-rows")
        assert "1 ligne rejetée" in page.inner_text("#progress-errors")
        check_and_shoot(watched, "import-4-progress", width)
        ImportJob.objects.filter(pk=job.pk).update(
            status="queued", phase="", rows_done=0, errors_count=0, pid=None
        )

        finished = import_job_run(job_id=job.pk)
        assert finished.status == "succeeded", finished.report

        page.wait_for_selector("#import-result", timeout=10_000)
        assert bar.get_attribute("aria-valuenow") == "100"
        assert page.locator("#import-status[hx-trigger]").count() == 0  # polling stopped
        # 4 rows: 3 leads created, line 4 rejected; history: Amélie inquiry + MQL, Bruno
        # inquiry, David inquiry + MQL = 5 rows
        assert page.inner_text("#result-created") == "3"
        assert page.inner_text("#result-rejected") == "1"
        assert page.inner_text("#result-history") == "5"
        assert Lead.objects.filter(workspace=personas.acme).count() == 3
        assert LeadStageChange.objects.filter(workspace=personas.acme).count() == 5
        rejected = page.inner_text("#import-errors")
        assert "pas-un-email" in rejected and "Email" in rejected
        assert page.locator("#download-rejected").count() == 1
        check_and_shoot(watched, "import-5-result", width)

        page.click("nav.nav a:text-is('Importer')")
        page.wait_for_url("**/imports/")
        assert "export-hubspot-contacts.csv" in page.inner_text("table")
        check_and_shoot(watched, "import-0-list", width)
    finally:
        page.context.close()
