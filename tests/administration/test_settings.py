"""The workspace settings page and PATCH /api/v1/workspace: the same rules, the same messages,
field by field; the preview computed by the real SLA clock; the audit entries of a change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.utils import timezone

from cordee.administration import selectors
from cordee.core.models import AuditEntry
from cordee.funnel.models import SlaContract
from cordee.tenancy.models import Workspace
from tests.fixtures.api import error_fields

pytestmark = pytest.mark.usefixtures("english_pages")

PARIS = ZoneInfo("Europe/Paris")
URL = "/w/acme/settings/workspace/"
PREVIEW = "/w/acme/settings/workspace/preview/"
# 9:00–12:00 and 14:00–18:00, Monday to Friday: a three-hour morning, a two-hour lunch break
HOURS = {d: [["09:00", "12:00"], ["14:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def _form(workspace: Workspace, **changes: str) -> dict[str, str]:
    """What the page posts for ``workspace`` as stored, with ``changes``."""
    data = {
        "name": workspace.name,
        "default_language": workspace.default_language,
        "currency": workspace.currency,
        "fiscal_year_start_month": str(workspace.fiscal_year_start_month),
        "time_zone": workspace.time_zone,
        "country": workspace.country,
        "subdivision": workspace.subdivision,
        "extra_holidays": "\n".join(workspace.extra_holidays),
        "worked_holidays": "\n".join(workspace.worked_holidays),
        "mql_threshold": str(workspace.mql_threshold),
        "acknowledge_within_days": "2",
        "log_retention_days": "",
    }
    for day, windows in workspace.business_hours.items():
        for slot, (start, end) in enumerate(windows):
            data[f"hours_{day}_{slot}_start"] = start
            data[f"hours_{day}_{slot}_end"] = end
    data.update(changes)
    return data


def _field_errors(html: str, field: str) -> str:
    """The text of the error paragraph(s) under the page's ``field``."""
    marker = f'id="id_{field}_error">'
    assert marker in html, f"no error shown for {field}"
    return html.split(marker, 1)[1].split("</p>", 1)[0]


def _api(api_as):
    """rita's API client, reading English as the pages of these tests do."""
    api = api_as("rita")
    api.headers["Accept-Language"] = "en"
    return api


@pytest.fixture
def rita(client, personas):
    client.force_login(personas.rita)
    return client


# -- the same refusals on the page and through the API -----------------------------------------


def test_an_unknown_time_zone_is_refused_by_both_with_the_same_words(rita, api_as, personas):
    api = _api(api_as).patch("/workspace", {"time_zone": "Mars/Olympus_Mons"})
    assert api.status_code == 422
    assert error_fields(api) == {"time_zone": ["Unknown time zone “Mars/Olympus_Mons”."]}

    page = rita.post(URL, _form(personas.acme, time_zone="Mars/Olympus_Mons"))
    assert page.status_code == 422
    html = page.content.decode()
    assert _field_errors(html, "time_zone") == "Unknown time zone “Mars/Olympus_Mons”."
    personas.acme.refresh_from_db()
    assert personas.acme.time_zone == "Europe/Paris"


def test_overlapping_windows_are_refused_by_both(rita, api_as, personas):
    overlapping = {"mon": [["09:00", "12:30"], ["12:00", "18:00"]]}
    api = _api(api_as).patch("/workspace", {"business_hours": overlapping})
    assert error_fields(api) == {
        "business_hours": ["Windows on mon must be in order and must not overlap."]
    }
    page = rita.post(URL, _form(personas.acme, hours_mon_0_end="12:30", hours_mon_1_start="12:00"))
    assert page.status_code == 422
    html = page.content.decode()
    assert (
        _field_errors(html, "business_hours")
        == "Windows on mon must be in order and must not overlap."
    )


def test_an_inverted_window_is_refused(rita, personas):
    page = rita.post(URL, _form(personas.acme, hours_tue_0_start="12:00", hours_tue_0_end="09:00"))
    assert page.status_code == 422
    assert "Windows on tue must be in order" in _field_errors(
        page.content.decode(), "business_hours"
    )


def test_a_subdivision_unknown_to_the_pinned_holidays_is_refused_by_both(rita, api_as, personas):
    # the pinned library's own list says which regions of France have holidays of their own
    assert "57" in holidays.list_supported_countries()["FR"]  # Moselle
    assert "ZZ" not in holidays.list_supported_countries()["FR"]
    message = "“ZZ” is not a subdivision of FR known to the holidays calendar."
    api = _api(api_as).patch("/workspace", {"subdivision": "ZZ"})
    assert error_fields(api) == {"subdivision": [message]}
    page = rita.post(URL, _form(personas.acme, subdivision="ZZ"))
    assert _field_errors(page.content.decode(), "subdivision") == message
    # a region the library knows is kept
    assert rita.post(URL, _form(personas.acme, subdivision="57")).status_code == 302
    personas.acme.refresh_from_db()
    assert personas.acme.subdivision == "57"


def test_every_refused_field_is_named_at_once_and_nothing_is_saved(rita, api_as, personas):
    page = rita.post(
        URL,
        _form(
            personas.acme,
            name="Acme Europe",
            currency="EURO",
            time_zone="Nowhere/Land",
            extra_holidays="2026-02-30",
            mql_threshold="0",
            acknowledge_within_days="31",
            log_retention_days="0",
        ),
    )
    assert page.status_code == 422
    html = page.content.decode()
    for field in (
        "currency",
        "time_zone",
        "extra_holidays",
        "mql_threshold",
        "acknowledge_within_days",
        "log_retention_days",
    ):
        _field_errors(html, field)
    assert "id_name_error" not in html
    # the same words as the API gives for each of them
    api = _api(api_as)
    threshold = api._call("put", "/scoring/threshold", {"threshold": 0})
    assert _field_errors(html, "mql_threshold") == error_fields(threshold)["threshold"][0]
    days = api._call("put", "/feedback/settings", {"acknowledge_within_days": 31})
    assert (
        _field_errors(html, "acknowledge_within_days")
        == (error_fields(days)["acknowledge_within_days"][0])
    )
    retention = api.patch("/workspace", {"log_retention_days": 0})
    assert (
        _field_errors(html, "log_retention_days")
        == (error_fields(retention)["log_retention_days"][0])
    )
    dates = api.patch("/workspace", {"extra_holidays": ["2026-02-30"]})
    assert _field_errors(html, "extra_holidays") == error_fields(dates)["extra_holidays"][0]
    personas.acme.refresh_from_db()
    assert personas.acme.name == "Acme"  # the valid name was not saved either
    assert not AuditEntry.objects.filter(target="workspace").exists()


def test_a_valid_form_saves_every_part(rita, personas):
    response = rita.post(
        URL,
        _form(
            personas.acme,
            name="Acme Europe",
            default_language="en",
            currency="chf",
            fiscal_year_start_month="4",
            time_zone="Europe/Zurich",
            country="CH",
            subdivision="ZH",
            extra_holidays="2027-01-02, 2027-01-04",
            worked_holidays="2027-12-26",
            mql_threshold="75",
            acknowledge_within_days="3",
            log_retention_days="30",
            hours_sat_0_start="10:00",
            hours_sat_0_end="13:00",
            hours_fri_1_start="",
            hours_fri_1_end="",
            allow_cross_pod_queues="on",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ws = Workspace.objects.get(pk=personas.acme.pk)
    assert (ws.name, ws.default_language, ws.currency, ws.fiscal_year_start_month) == (
        "Acme Europe",
        "en",
        "CHF",
        4,
    )
    assert (ws.time_zone, ws.country, ws.subdivision) == ("Europe/Zurich", "CH", "ZH")
    assert ws.extra_holidays == ["2027-01-02", "2027-01-04"]
    assert ws.worked_holidays == ["2027-12-26"]
    assert ws.business_hours["sat"] == [["10:00", "13:00"]]
    assert ws.business_hours["fri"] == [["09:00", "12:30"]]  # its afternoon removed
    assert ws.business_hours["mon"] == [["09:00", "12:30"], ["14:00", "18:00"]]
    assert "sun" not in ws.business_hours
    assert (ws.mql_threshold, ws.log_retention_days, ws.allow_cross_pod_queues) == (75, 30, True)
    assert ws.feedback_settings.acknowledge_within_days == 3
    # the page shows what was saved
    html = rita.get("/w/acme/settings/workspace/").content.decode()
    assert 'value="Europe/Zurich"' in html and 'value="10:00"' in html


def test_requiring_two_factor_for_admins_sends_the_admin_to_set_it_up(rita, personas):
    response = rita.post(URL, _form(personas.acme, require_two_factor_for_admins="on"))
    assert response.status_code == 302
    assert Workspace.objects.get(pk=personas.acme.pk).require_two_factor_for_admins
    # the admin who saved it has no device yet: the next page is the set-up
    assert "two-factor" in rita.get(URL).url


def test_only_revops_admins_open_the_page(client, personas):
    for name, status in (("dave", 403), ("mia", 403), ("erin", 403), ("rita", 200)):
        client.force_login(getattr(personas, name))
        assert client.get(URL).status_code == status, name
        assert client.get(PREVIEW).status_code == status, name
    client.force_login(personas.carol)  # another company's admin
    assert client.get(URL).status_code == 404


def test_the_navigation_links_the_page_for_revops_only(client, personas):
    client.force_login(personas.rita)
    assert f'href="{URL}"' in client.get("/w/acme/").content.decode()
    client.force_login(personas.dave)
    assert f'href="{URL}"' not in client.get("/w/acme/").content.decode()


# -- the audit entries ---------------------------------------------------------------------------


def test_saving_writes_one_entry_with_the_changed_fields_only(rita, personas):
    rita.post(URL, _form(personas.acme, name="Acme Europe", time_zone="Europe/Brussels"))
    entry = AuditEntry.objects.get(target="workspace")
    assert (entry.workspace_id, entry.user_id, entry.action) == (
        personas.acme.pk,
        personas.rita.pk,
        "update",
    )
    assert entry.target_id == personas.acme.pk and entry.target_label == "Acme Europe"
    assert entry.before == {"name": "Acme", "time_zone": "Europe/Paris"}
    assert entry.after == {"name": "Acme Europe", "time_zone": "Europe/Brussels"}
    # saving again unchanged writes nothing
    rita.post(URL, _form(Workspace.objects.get(pk=personas.acme.pk)))
    assert AuditEntry.objects.filter(target="workspace").count() == 1


def test_the_api_writes_the_same_entry_and_the_threshold_and_feedback_sla_theirs(
    rita, api_as, personas
):
    _api(api_as).patch("/workspace", {"business_hours": HOURS, "log_retention_days": 14})
    entry = AuditEntry.objects.get(target="workspace")
    assert entry.by == "token"
    assert entry.before == {
        "business_hours": {
            d: [["09:00", "12:30"], ["14:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
        },
        "log_retention_days": None,
    }
    assert entry.after == {"business_hours": HOURS, "log_retention_days": 14}
    rita.post(
        URL,
        _form(
            Workspace.objects.get(pk=personas.acme.pk),
            mql_threshold="80",
            acknowledge_within_days="5",
        ),
    )
    threshold = AuditEntry.objects.filter(target="workspace").latest("id")
    assert (threshold.before, threshold.after) == ({"mql_threshold": 60}, {"mql_threshold": 80})
    sla = AuditEntry.objects.get(target="feedback-settings")
    assert (sla.before, sla.after) == (
        {"acknowledge_within_days": 2},
        {"acknowledge_within_days": 5},
    )


# -- the preview: the next days off and the due time of an MQL arriving now --------------------


@pytest.fixture
def signed_contract(personas):
    """Acme's workspace-wide contract: first touch within 4 business hours, signed."""
    personas.acme.business_hours = HOURS
    personas.acme.save()
    now = timezone.now()
    return SlaContract.objects.create(
        workspace=personas.acme,
        name="Accord 2026–2027",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 12, 31),
        first_touch_hours=Decimal("4"),
        marketing_signed_at=now,
        sales_signed_at=now,
    )


def test_a_friday_evening_mql_is_due_on_monday_afternoon(signed_contract, personas):
    # by hand: Friday 17:30 → 18:00 is 0.5 h; Monday 9:00 → 12:00 makes 3.5 h; the last
    # 0.5 h after lunch: Monday 14:30, Paris time (13:30 UTC, winter time)
    arrival = dt.datetime(2026, 12, 11, 17, 30, tzinfo=PARIS)
    preview = selectors.settings_preview(
        actor=personas.actor("rita"), workspace=personas.acme, at=arrival
    )
    assert preview.due is not None and preview.due.contract == signed_contract
    assert preview.due.due_at == dt.datetime(2026, 12, 14, 13, 30, tzinfo=dt.UTC)
    assert preview.due.due_at.astimezone(PARIS) == dt.datetime(2026, 12, 14, 14, 30, tzinfo=PARIS)
    # the next days off from that Friday: Christmas, New Year's Day, Easter Monday…
    assert [d.day for d in preview.days_off[:3]] == [
        dt.date(2026, 12, 25),
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 29),
    ]


def test_the_preview_follows_unsaved_holidays_worked_days_and_the_clock_change(
    signed_contract, personas
):
    # Friday 26 March 2027, 17:30; Monday 29 is Easter Monday, the clocks went forward on
    # Sunday 28: 0.5 h on Friday, Tuesday 9–12 (3 h), 14:00–14:30 → Tuesday 14:30 CEST, 12:30 UTC
    arrival = dt.datetime(2027, 3, 26, 17, 30, tzinfo=PARIS)
    actor = personas.actor("rita")
    preview = selectors.settings_preview(actor=actor, workspace=personas.acme, at=arrival)
    assert preview.due.due_at == dt.datetime(2027, 3, 30, 12, 30, tzinfo=dt.UTC)
    assert preview.days_off[0].day == dt.date(2027, 3, 29)
    # worked this year (not saved): due on the Monday, and listed as worked
    unsaved = Workspace.objects.get(pk=personas.acme.pk)
    unsaved.worked_holidays = ["2027-03-29"]
    preview = selectors.settings_preview(actor=actor, workspace=unsaved, at=arrival)
    assert preview.due.due_at == dt.datetime(2027, 3, 29, 12, 30, tzinfo=dt.UTC)
    assert [d.day for d in preview.worked] == [dt.date(2027, 3, 29)]
    # and a day off added on the Tuesday too pushes it to Wednesday
    unsaved.worked_holidays = []
    unsaved.extra_holidays = ["2027-03-30"]
    preview = selectors.settings_preview(actor=actor, workspace=unsaved, at=arrival)
    assert preview.due.due_at == dt.datetime(2027, 3, 31, 12, 30, tzinfo=dt.UTC)
    assert [(d.day, d.added) for d in preview.days_off[:2]] == [
        (dt.date(2027, 3, 29), False),
        (dt.date(2027, 3, 30), True),
    ]
    assert Workspace.objects.get(pk=personas.acme.pk).extra_holidays == []  # nothing saved


def test_the_preview_page_answers_the_form_as_typed(rita, signed_contract, personas):
    arrival = dt.datetime(2026, 12, 11, 17, 30, tzinfo=PARIS)
    with mock.patch("django.utils.timezone.now", return_value=arrival.astimezone(dt.UTC)):
        html = rita.post(PREVIEW, _form(personas.acme)).content.decode()
        assert 'data-due="2026-12-14T14:30:00+01:00"' in html
        assert "Monday 14 December 2026, 14:30" in html
        assert "Christmas Day" in html
        # an afternoon that ends at 17:00 on Monday does not change a due time of 14:30 …
        # but a Monday without morning does: 0.5 h on Friday, then 14:00 → 17:30
        html = rita.post(
            PREVIEW, _form(personas.acme, hours_mon_0_start="", hours_mon_0_end="")
        ).content.decode()
        assert 'data-due="2026-12-14T17:30:00+01:00"' in html
        # a refused value: no preview, the reason instead, nothing saved
        html = rita.post(PREVIEW, _form(personas.acme, time_zone="Mars/Base")).content.decode()
        assert "Unknown time zone “Mars/Base”." in html and "data-due" not in html
    personas.acme.refresh_from_db()
    assert personas.acme.business_hours == HOURS


def test_the_preview_without_a_signed_contract_says_so(rita, personas):
    html = rita.get(PREVIEW).content.decode()
    assert "No signed SLA contract covers today" in html


def test_the_page_shows_the_preview_in_french(client, personas, signed_contract):
    client.cookies["django_language"] = "fr"
    client.force_login(personas.rita)
    arrival = dt.datetime(2026, 12, 11, 17, 30, tzinfo=PARIS)
    with mock.patch("django.utils.timezone.now", return_value=arrival.astimezone(dt.UTC)):
        html = client.get(URL).content.decode()
    assert "lundi 14 décembre 2026, 14:30" in html
    assert "Jour de Noël" in html or "Noël" in html
