"""The two lists that are not record lists export too: the MQL queue and the feedback inbox, with
the rows of their current query (the same selectors as the pages), as CSV or typed XLSX."""

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
from django.utils import timezone

from cordee.feedback.models import FeedbackItem
from cordee.feedback.services import feedback_assign, feedback_respond, feedback_vote
from cordee.funnel.models import Lead, SlaContract, Stage
from cordee.people.models import PodMember
from tests import factories as f
from tests.feedback.conftest import raise_item


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _csv(response: Any, separator: str = ",") -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=separator))


def _xlsx(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


# -- the MQL queue --------------------------------------------------------------------------------


@pytest.fixture
def mqls(personas: Any) -> dict[str, Any]:
    """Acme: 3 MQLs of bob's (one in a pod), 2 of dave's, 1 SAL of bob's; Globex: 1 MQL."""
    now = timezone.now().replace(microsecond=0)
    SlaContract.objects.create(
        workspace=personas.acme,
        name="Contrat",
        period_start=now.date() - dt.timedelta(days=30),
        period_end=now.date() + dt.timedelta(days=30),
        first_touch_hours=Decimal(4),
        marketing_signed_at=now,
        sales_signed_at=now,
    )
    pod = f.PodFactory(workspace=personas.acme, name="Grand Est")
    PodMember.objects.create(pod=pod, user=personas.bob)
    account = f.AccountFactory(workspace=personas.acme, name="Aciéries de Lorraine")

    def lead(owner: Any, hours: int, stage: str = Stage.MQL, **kw: Any) -> Lead:
        contact = f.ContactFactory(
            workspace=kw.pop("workspace", personas.acme), account=kw.pop("account", account)
        )
        at = now - dt.timedelta(hours=hours)
        return f.LeadFactory(
            workspace=contact.workspace,
            contact=contact,
            stage=stage,
            mql_at=at,
            stage_entered_at=at,
            owner=owner,
            score=10 * hours,
            **kw,
        )

    made = {
        "bob_old": lead(personas.bob, 5, pod=pod),
        "bob_new": lead(personas.bob, 1),
        "bob_mid": lead(personas.bob, 3),
        "dave_1": lead(personas.dave, 2, pod=pod),
        "dave_2": lead(personas.dave, 4),
        "bob_sal": lead(personas.bob, 6, stage=Stage.SAL),
    }
    globex_account = f.AccountFactory(workspace=personas.globex, name="Globex")
    made["globex"] = lead(personas.carol, 2, workspace=personas.globex, account=globex_account)
    made["pod"] = pod
    return made


def test_my_queue_exports_exactly_my_waiting_mqls_oldest_first(personas, mqls):
    header, *rows = _csv(_client(personas.bob).get("/w/acme/queue/export/"))
    expected = list(
        Lead.objects.filter(workspace=personas.acme, stage="mql", owner=personas.bob)
        .order_by("mql_at", "id")
        .values_list("id", "score")
    )
    assert len(expected) == 3  # not dave's two, not the SAL, not Globex's
    assert [int(r[0]) for r in rows] == [pk for pk, _score in expected]
    assert [int(r[header.index("Score")]) for r in rows] == [50, 30, 10]
    assert header[:8] == ["ID", "Lead", "Account", "Score", "Stage", "Became MQL", "Owner", "Pod"]
    assert {r[header.index("Stage")] for r in rows} == {"MQL"}
    assert {r[header.index("Account")] for r in rows} == {"Aciéries de Lorraine"}
    tz = ZoneInfo(personas.acme.time_zone)
    first = mqls["bob_old"]
    assert rows[0][header.index("Became MQL")] == first.mql_at.astimezone(tz).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    assert rows[0][header.index("Pod")] == "Grand Est"
    # the signed contract governs them: due times and states are there
    assert all(r[header.index("First touch by")] for r in rows)
    assert all(r[header.index("Attempts required")] == "3" for r in rows)
    assert all(r[header.index("Decision state")] in {"Kept", "Late", "Running"} for r in rows)


def test_the_pod_and_scope_filters_are_those_of_the_page(personas, mqls):
    pod = mqls["pod"]
    _header, *rows = _csv(_client(personas.bob).get(f"/w/acme/queue/export/?pod={pod.pk}"))
    expected = list(
        Lead.objects.filter(workspace=personas.acme, stage="mql", pod=pod)
        .order_by("mql_at", "id")
        .values_list("id", flat=True)
    )
    assert [int(r[0]) for r in rows] == expected == [mqls["bob_old"].pk, mqls["dave_1"].pk]
    _header, *rows = _csv(_client(personas.dave).get("/w/acme/queue/export/?scope=all"))
    everyone = list(
        Lead.objects.filter(workspace=personas.acme, stage="mql")
        .order_by("mql_at", "id")
        .values_list("id", flat=True)
    )
    assert len(everyone) == 5
    assert [int(r[0]) for r in rows] == everyone
    assert mqls["globex"].pk not in {int(r[0]) for r in rows}
    # a rep asking for everyone's gets their own, as on the page
    _header, *rows = _csv(_client(personas.bob).get("/w/acme/queue/export/?scope=all"))
    assert len(rows) == 3


def test_another_pods_queue_is_refused_as_on_the_page(personas, mqls):
    other = f.PodFactory(workspace=personas.acme, name="Sud")
    assert _client(personas.bob).get(f"/w/acme/queue/export/?pod={other.pk}").status_code == 403
    assert _client(personas.carol).get("/w/acme/queue/export/").status_code == 404


def test_the_queue_xlsx_has_typed_cells(personas, mqls):
    sheet = _xlsx(_client(personas.bob).get("/w/acme/queue/export/?file=xlsx"))
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    tz = ZoneInfo(personas.acme.time_zone)
    expected = Lead.objects.filter(
        workspace=personas.acme, stage="mql", owner=personas.bob
    ).order_by("mql_at", "id")
    assert [r[0] for r in rows] == [lead.pk for lead in expected]
    mql_at = header.index("Became MQL")
    assert [r[mql_at] for r in rows] == [
        lead.mql_at.astimezone(tz).replace(tzinfo=None) for lead in expected
    ]
    assert all(isinstance(r[header.index("First touch by")], dt.datetime) for r in rows)
    assert [r[header.index("Score")] for r in rows] == [50, 30, 10]


def test_a_bad_queue_format_is_refused_naming_the_field(personas, mqls):
    response = _client(personas.bob).get("/w/acme/queue/export/?file=pdf")
    assert response.status_code == 422
    assert "format" in response.content.decode()


def test_the_queue_links_to_its_export_with_its_query(personas, mqls):
    pod = mqls["pod"]
    html = _client(personas.bob).get(f"/w/acme/queue/?pod={pod.pk}").content.decode()
    assert f"/w/acme/queue/export/?pod={pod.pk}&amp;file=csv" in html
    assert f"/w/acme/queue/export/?pod={pod.pk}&amp;file=xlsx" in html


# -- the feedback inbox ---------------------------------------------------------------------------


@pytest.fixture
def items(personas: Any) -> dict[str, FeedbackItem]:
    """Acme: 2 objections (one voted, answered, owned, due), 1 product gap; Globex: 1 objection."""
    made = {
        "price": raise_item(personas, "bob", title="Trop cher"),
        "gap": raise_item(personas, "dave", kind="product_gap", title="Pas d'API SAP"),
        "delay": raise_item(personas, "dave", title="Délais de livraison"),
        "globex": raise_item(personas, "carol", title="Globex objection"),
    }
    feedback_vote(actor=personas.actor("dave"), item_id=made["price"].pk)
    feedback_vote(actor=personas.actor("alice"), item_id=made["price"].pk)
    feedback_respond(actor=personas.actor("mia"), item_id=made["price"].pk, text="Remise volume.")
    feedback_assign(
        actor=personas.actor("mia"),
        item_id=made["price"].pk,
        owner_id=personas.alice.pk,
        due_on=dt.date(2026, 12, 15),
    )
    return made


def test_the_inbox_exports_the_rows_of_its_filters(personas, items):
    response = _client(personas.bob).get("/w/acme/feedback/export/", {"kind": "objection"})
    header, *rows = _csv(response)
    expected = list(
        FeedbackItem.objects.filter(workspace=personas.acme, kind="objection")
        .order_by("-submitted_at", "-id")
        .values_list("id", "title")
    )
    assert len(expected) == 2  # not the product gap, not Globex's
    assert [(int(r[0]), r[1]) for r in rows] == expected
    assert header == [
        "ID",
        "Title",
        "Kind",
        "Status",
        "Competitor",
        "Author",
        "Pod",
        "Owner",
        "Due date",
        "Votes",
        "Submitted",
        "Answered",
    ]
    price = {r[1]: r for r in rows}["Trop cher"]
    assert price[2] == "Objection"
    assert price[7] == str(personas.alice)
    assert price[8] == "2026-12-15"
    assert price[9] == "2"  # dave and alice
    assert price[11] == "Yes"
    assert price[5] == str(personas.bob)
    delay = {r[1]: r for r in rows}["Délais de livraison"]
    assert (delay[9], delay[11], delay[8]) == ("0", "No", "")
    _header, *everything = _csv(_client(personas.bob).get("/w/acme/feedback/export/"))
    assert len(everything) == 3
    assert "Globex objection" not in {r[1] for r in everything}


def test_the_inbox_sort_and_search_are_those_of_the_page(personas, items):
    response = _client(personas.bob).get("/w/acme/feedback/export/", {"sort": "-votes"})
    _header, *rows = _csv(response)
    assert rows[0][1] == "Trop cher"
    response = _client(personas.bob).get("/w/acme/feedback/export/", {"q": "livraison"})
    _header, *rows = _csv(response)
    assert [r[1] for r in rows] == ["Délais de livraison"]


def test_french_readers_get_a_french_inbox_export(personas, items):
    response = _client(personas.bob, "fr").get("/w/acme/feedback/export/", {"q": "cher"})
    header, row = _csv(response, ";")
    assert header[1:4] == ["Titre", "Type", "Statut"]
    assert header[-1] == "Répondu"
    assert row[header.index("Votes")] == "2"
    assert row[-1] == "Oui"


def test_the_inbox_xlsx_has_typed_cells(personas, items):
    sheet = _xlsx(_client(personas.bob).get("/w/acme/feedback/export/?file=xlsx&kind=objection"))
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    tz = ZoneInfo(personas.acme.time_zone)
    expected = FeedbackItem.objects.filter(workspace=personas.acme, kind="objection").order_by(
        "-submitted_at", "-id"
    )
    submitted = header.index("Submitted")
    assert [r[0] for r in rows] == [i.pk for i in expected]
    for row, item in zip(rows, expected, strict=True):
        assert isinstance(row[submitted], dt.datetime)
        want = item.submitted_at.astimezone(tz).replace(tzinfo=None)
        assert abs(row[submitted] - want) < dt.timedelta(milliseconds=1)
    price = {r[1]: r for r in rows}["Trop cher"]
    assert price[header.index("Votes")] == 2
    assert price[header.index("Due date")].date() == dt.date(2026, 12, 15)


def test_a_bad_inbox_format_or_filter_is_refused_naming_it(personas, items):
    response = _client(personas.bob).get("/w/acme/feedback/export/?file=docx")
    assert response.status_code == 422
    assert "format" in response.content.decode()
    response = _client(personas.bob).get("/w/acme/feedback/export/?sort=loudest")
    assert response.status_code == 422
    assert "sort" in response.content.decode()
    assert _client(personas.carol).get("/w/acme/feedback/export/").status_code == 404


def test_the_inbox_links_to_its_export_with_its_filters(personas, items):
    html = _client(personas.bob).get("/w/acme/feedback/?kind=objection&page=1").content.decode()
    assert "/w/acme/feedback/export/?kind=objection&amp;file=csv" in html
    assert "/w/acme/feedback/export/?kind=objection&amp;file=xlsx" in html
