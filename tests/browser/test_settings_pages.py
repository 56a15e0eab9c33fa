"""The workspace settings page in a real browser: the preview follows the form as it is typed
(htmx), a refused value shows its reason, saving keeps the change; the instance administrator's
workspaces page. Both wide and narrow, screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cordee.funnel.models import SlaContract
from cordee.tenancy.models import Workspace
from tests import factories as f
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_settings_page_previews_and_saves(browser, live_server, personas, width):
    now = timezone.now()
    today = personas.acme.today()
    SlaContract.objects.create(
        workspace=personas.acme,
        name="Accord marketing–ventes",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=300),
        first_touch_hours=Decimal("4"),
        marketing_signed_at=now,
        sales_signed_at=now,
    )
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "rita@example.fr")
        page.goto(f"{live_server.url}/w/acme/settings/workspace/")
        page.wait_for_selector("#settings-preview [data-due]")
        first_due = page.get_attribute("#settings-preview [data-due]", "data-due")
        check_and_shoot(watched, "workspace-settings", width)

        page.fill("#id_time_zone", "Mars/Base")
        page.dispatch_event("#id_time_zone", "change")
        page.wait_for_selector("#settings-preview >> text=Mars/Base")
        assert page.locator("#settings-preview [data-due]").count() == 0

        page.fill("#id_time_zone", "Europe/Paris")
        page.dispatch_event("#id_time_zone", "change")
        page.wait_for_selector("#settings-preview [data-due]")
        # no working time on any morning: the due time moves (later, or the same instant when
        # the four hours already fell in afternoons)
        for day in ("mon", "tue", "wed", "thu", "fri"):
            page.fill(f"#id_hours_{day}_0_start", "")
            page.fill(f"#id_hours_{day}_0_end", "")
        page.dispatch_event("#id_hours_fri_0_end", "change")
        page.wait_for_function(
            "d => document.querySelector('#settings-preview [data-due]')"
            "?.getAttribute('data-due') !== d",
            arg=first_due,
        )
        check_and_shoot(watched, "workspace-settings-preview", width)

        page.click("main button[type=submit].button--primary")
        page.wait_for_selector(".flash__item")
        check_and_shoot(watched, "workspace-settings-saved", width)
        hours = Workspace.objects.get(pk=personas.acme.pk).business_hours
        assert hours["mon"] == [["14:00", "18:00"]]
    finally:
        page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_instance_workspaces_page(browser, live_server, personas, width):
    f.UserFactory(email="root@example.fr", first_name="Irène", is_superuser=True, is_staff=True)
    f.MembershipFactory(workspace=personas.acme, user__email="root@example.fr", role="executive")
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "root@example.fr")
        page.click("a.sidebar__link[href='/instance/workspaces/']")
        page.wait_for_url("**/instance/workspaces/")
        check_and_shoot(watched, "instance-workspaces", width)
        page.click("a[href='/instance/workspaces/new/']")
        page.fill("#id_name", "Initech France")
        page.fill("#id_admin_email", "nouvelle.admin@initech.example")
        page.click("main button[type=submit].button--primary")
        page.wait_for_selector(".flash__item")
        assert Workspace.objects.filter(slug="initech-france").exists()
        page.goto(f"{live_server.url}/instance/workspaces/{personas.globex.pk}/delete/")
        check_and_shoot(watched, "instance-workspace-delete", width)
    finally:
        page.context.close()
