"""Every list exports what it shows — all pages of its filters, search and sort — as CSV (in the
reader's spreadsheet dialect) or typed XLSX, from the page and from the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client

from cordee.funnel.models import Opportunity
from cordee.integrations.models import WebhookSubscription
from cordee.people.services import api_token_create
from tests import factories as f

AMOUNTS = [Decimal("1200.50"), Decimal("24000.00"), Decimal("999.99"), Decimal("150000.00")]


@pytest.fixture
def deals(personas: Any) -> list[Opportunity]:
    """31 opportunities in Acme (more than a page of 25), a few in Globex."""
    account = f.AccountFactory(workspace=personas.acme, name="Aciéries de Lorraine")
    made = []
    for i in range(31):
        made.append(
            f.OpportunityFactory(
                workspace=personas.acme,
                account=account,
                name=f"Affaire {i:02d}",
                amount=AMOUNTS[i % 4] + i,
                stage="proposal" if i % 3 else "discovery",
                close_date=dt.date(2026, 6, 1) + dt.timedelta(days=i),
            )
        )
    for i in range(3):
        f.OpportunityFactory(workspace=personas.globex, name=f"Globex {i}", stage="proposal")
    return made


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _csv(response: Any, separator: str) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=separator))


def test_the_csv_holds_every_row_of_the_filtered_sorted_list_across_pages(personas, deals):
    response = _client(personas.bob).get(
        "/w/acme/opportunities/export/", {"stage": "proposal", "sort": "-amount", "page": "2"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="acme-opportunities-' in response["Content-Disposition"]
    header, *rows = _csv(response, ",")
    expected = list(
        Opportunity.objects.filter(workspace=personas.acme, stage="proposal")
        .order_by("-amount", "-id")
        .values_list("id", "amount")
    )
    assert len(expected) == 20  # i % 3 != 0 for i in 0..30; the page asked was 2: ignored
    assert [int(r[0]) for r in rows] == [pk for pk, _amount in expected]
    amount = header.index("Amount")
    assert [Decimal(r[amount]) for r in rows] == [a for _pk, a in expected]
    assert header[:3] == ["ID", "Name", "Account"]  # the list's columns first, translated


def test_a_search_exports_only_the_matching_rows_and_never_another_workspaces(personas, deals):
    response = _client(personas.bob).get("/w/acme/opportunities/export/", {"q": "Affaire 1"})
    _header, *rows = _csv(response, ",")
    names = sorted(r[1] for r in rows)
    # the search matches every word: names holding "affaire" and "1" (01, 10–19, 21)
    assert names == sorted(f"Affaire {i:02d}" for i in range(31) if "1" in f"{i:02d}")
    assert len(names) == 12
    response = _client(personas.bob).get("/w/acme/opportunities/export/")
    _header, *rows = _csv(response, ",")
    assert len(rows) == 31
    assert not any(r[1].startswith("Globex") for r in rows)


def test_french_readers_get_semicolons_decimal_commas_and_french_headers(personas, deals):
    response = _client(personas.bob, "fr").get("/w/acme/opportunities/export/", {"q": "Affaire 01"})
    header, row = _csv(response, ";")
    assert header[:4] == ["ID", "Nom", "Compte", "Étape"]
    amount = row[header.index("Montant")]
    # Affaire 01: AMOUNTS[1] + 1 = 24001.00, written with a decimal comma and no grouping
    assert amount == "24001,00"
    assert row[header.index("Date de clôture")] == "2026-06-02"
    assert row[3] == "Proposition"  # the stage's label, in French


def test_english_readers_get_commas_and_decimal_points(personas, deals):
    response = _client(personas.bob, "en").get("/w/acme/opportunities/export/", {"q": "Affaire 02"})
    header, row = _csv(response, ",")
    assert row[header.index("Amount")] == "1001.99"  # 999.99 + 2


def test_the_xlsx_has_typed_cells(personas, deals):
    response = _client(personas.bob).get(
        "/w/acme/opportunities/export/", {"file": "xlsx", "sort": "close"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    expected = list(
        Opportunity.objects.filter(workspace=personas.acme).order_by("close_date", "id")
    )
    assert len(rows) == len(expected) == 31
    amount, close, created = (
        header.index("Amount"),
        header.index("Close date"),
        header.index("Created"),
    )
    for row, deal in zip(rows, expected, strict=True):
        assert row[0].value == deal.pk
        assert row[amount].data_type == "n" and row[amount].value == pytest.approx(
            float(deal.amount)
        )
        assert row[amount].number_format == "#,##0.00"
        assert row[close].is_date and row[close].value.date() == deal.close_date
    # times are the workspace's wall-clock time (Excel has no time zones)
    paris = expected[0].created_at.astimezone(ZoneInfo(personas.acme.time_zone))
    assert personas.acme.time_zone == "Europe/Paris"
    assert rows[0][created].is_date
    assert abs(rows[0][created].value - paris.replace(tzinfo=None)) < dt.timedelta(seconds=1)


def test_text_that_looks_like_a_formula_stays_text(personas):
    f.AccountFactory(workspace=personas.acme, name='=HYPERLINK("http://evil","x")')
    client = _client(personas.bob)
    _header, row = _csv(client.get("/w/acme/accounts/export/"), ",")
    assert row[1] == '\'=HYPERLINK("http://evil","x")'
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/w/acme/accounts/export/?file=xlsx").streaming_content))
    )
    cell = book.active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_secrets_never_leave_in_an_export(personas):
    hook = WebhookSubscription.objects.create(
        workspace=personas.acme, name="Slack", url="https://hooks.example/x", events=["lead.mql"]
    )
    raw = b"".join(
        _client(personas.rita).get("/w/acme/settings/webhooks/export/").streaming_content
    )
    assert hook.secret.encode() not in raw
    assert b"Slack" in raw


def test_a_bad_filter_is_refused_naming_it(personas, deals):
    response = _client(personas.bob).get("/w/acme/leads/export/", {"min_score": "beaucoup"})
    assert response.status_code == 422
    assert "min_score" in response.content.decode()


def test_another_workspaces_list_cannot_be_exported(personas, deals):
    assert _client(personas.carol).get("/w/acme/opportunities/export/").status_code == 404


def test_the_list_page_links_to_its_export_with_its_filters(personas, deals):
    page = _client(personas.bob).get("/w/acme/opportunities/", {"stage": "proposal", "page": "2"})
    html = page.content.decode()
    assert "/w/acme/opportunities/export/?stage=proposal&amp;file=csv" in html
    assert "/w/acme/opportunities/export/?stage=proposal&amp;file=xlsx" in html
    assert "settings/export/" not in html  # bob may not export the whole workspace
    assert (
        "settings/export/" in _client(personas.rita).get("/w/acme/opportunities/").content.decode()
    )


def test_the_pods_export_has_the_lists_member_counts(personas):
    pod = f.PodFactory(workspace=personas.acme, name="Pod Est")
    from cordee.people.models import PodMember

    for user in (personas.alice, personas.mia, personas.bob):  # two marketers, one seller
        PodMember.objects.create(pod=pod, user=user)
    header, row = _csv(_client(personas.bob).get("/w/acme/pods/export/"), ",")
    assert (row[header.index("Marketing")], row[header.index("Sales")]) == ("2", "1")


# -- API -----------------------------------------------------------------------------------------


def _token(personas: Any, name: str) -> dict[str, str]:
    _row, secret = api_token_create(actor=personas.actor(name), name="export")
    return {"Authorization": f"Bearer {secret}"}


def test_the_api_exports_the_filtered_list(personas, deals):
    response = Client().get(
        "/api/v1/opportunities/export",
        {"stage": "proposal", "sort": "-amount", "format": "csv"},
        headers={**_token(personas, "bob"), "Accept-Language": "fr"},
    )
    assert response.status_code == 200
    header, *rows = _csv(response, ";")
    expected = list(
        Opportunity.objects.filter(workspace=personas.acme, stage="proposal")
        .order_by("-amount", "-id")
        .values_list("id", flat=True)
    )
    assert [int(r[0]) for r in rows] == expected
    assert header[1] == "Nom"


def test_the_api_exports_xlsx_and_refuses_a_bad_parameter_naming_it(personas, deals):
    headers = _token(personas, "erin")
    response = Client().get("/api/v1/opportunities/export", {"format": "xlsx"}, headers=headers)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row == 32  # header + 31 Acme deals, no Globex
    bad = Client().get("/api/v1/opportunities/export", {"stage": "gagné"}, headers=headers)
    assert bad.status_code == 422
    assert "stage" in bad.json()["error"]["fields"]
    bad = Client().get("/api/v1/opportunities/export", {"format": "pdf"}, headers=headers)
    assert bad.status_code == 422 and "format" in bad.json()["error"]["fields"]
