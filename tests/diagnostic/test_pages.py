"""The diagnostic's pages and export: the waves with their participation (constant queries), the
open form (RevOps only), the answer page (20 statements × 5 choices, once), the results (the
hand-made 5 + 5 set: totals, types, gaps largest first), and the anonymity rule seen from every
path — 4 answers of a side show no number on the page, in the API or in the export; the pod
filter cannot single out the one marketer outside a pod of 5."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cordee.diagnostic import services
from cordee.diagnostic.models import Respondent, Response
from tests import factories as f
from tests.analytics.test_diagnostic import HAND_MARKETING, HAND_SALES
from tests.diagnostic.support import answer_as, fill, open_wave

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(user: Any, name: str, *args: Any, **params: Any) -> Any:
    return _client(user).get(reverse(name, args=["acme", *args]), params, secure=True)


def _closed(personas: Any, marketing: list[list[int]], sales: list[list[int]], pods=()) -> Any:
    wave = open_wave(personas)
    fill(personas.acme, wave, marketing, sales, pods)
    return services.wave_close(personas.actor("rita"), wave)


def _export(user: Any, wave: Any, **params: Any) -> list[list[str]]:
    response = _page(user, "diagnostic_wave_export", wave.pk, file="csv", **params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    first = text.splitlines()[0]
    return list(csv.reader(io.StringIO(text), delimiter=";" if ";" in first else ","))


def test_the_list_shows_participation_and_the_form_to_revops_only(personas):
    wave = open_wave(personas)
    services.wave_answer(personas.actor("alice"), wave, [4] * 20)
    services.wave_answer(personas.actor("bob"), wave, [3] * 20)
    html = _page(personas.alice, "diagnostic_waves").content.decode()
    # the 6 members of Acme are asked; alice and bob answered, one per side
    assert 'data-answered="2" data-invited="6"' in html
    assert 'data-marketing="1" data-sales="1"' in html
    assert "wave-open-form" not in html
    assert "wave-open-form" in _page(personas.rita, "diagnostic_waves").content.decode()
    assert 'href="/w/acme/diagnostic/"' in html  # the nav entry


def test_the_list_reads_in_constant_queries(personas, django_assert_max_num_queries):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert _page(personas.alice, "diagnostic_waves").status_code == 200
        return len(ctx.captured_queries)

    wave = open_wave(personas, title="One")
    services.wave_close(personas.actor("rita"), wave)
    services.wave_close(
        personas.actor("rita"),
        open_wave(personas, title="A pod's", pod=f.PodFactory(workspace=personas.acme).pk),
    )
    _page(personas.alice, "diagnostic_waves")  # the navigation, kept per unread count
    few = count()
    for n in range(4):
        pod = f.PodFactory(workspace=personas.acme)
        w = open_wave(personas, title=f"Pod {n}", pod=pod.pk)
        services.wave_close(personas.actor("rita"), w)
    _page(personas.alice, "diagnostic_waves")  # the navigation, kept per unread count
    with django_assert_max_num_queries(few):
        assert _page(personas.alice, "diagnostic_waves").status_code == 200


def test_revops_opens_a_wave_from_the_page_others_may_not(personas):
    url = reverse("diagnostic_wave_open", args=["acme"])
    data = {
        "title": "S1 2026",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "closes_on": (personas.acme.today()).isoformat(),
    }
    assert _client(personas.mia).post(url, data, secure=True).status_code == 403
    response = _client(personas.rita).post(url, data, secure=True)
    assert response.status_code == 302
    bad = _client(personas.rita).post(url, {**data, "title": "Again"}, secure=True)
    assert bad.status_code == 422  # one open wave at a time


def test_the_answer_page_asks_twenty_statements_once(personas):
    wave = open_wave(personas)
    html = _page(personas.bob, "diagnostic_wave_answer", wave.pk).content.decode()
    assert html.count("data-statement=") == 20
    assert len(re.findall(r'type="radio"', html)) == 100
    assert 'id="diagnostic-anonymous"' in html
    url = reverse("diagnostic_wave_answer", args=["acme", wave.pk])
    data = {f"s{n}": "4" for n in range(1, 21)}
    incomplete = _client(personas.bob).post(url, {**data, "s7": ""}, secure=True)
    assert incomplete.status_code == 422 and not Respondent.objects.exists()
    assert _client(personas.bob).post(url, data, secure=True).status_code == 302
    assert Response.objects.get(wave=wave).answers == [4] * 20
    again = _client(personas.bob).post(url, data, secure=True)
    assert again.status_code == 409  # the page says it is answered, no form any more
    assert 'id="diagnostic-answered"' in again.content.decode()
    assert Response.objects.filter(wave=wave).count() == 1


def test_results_wait_for_the_close(personas):
    wave = open_wave(personas)
    fill(personas.acme, wave, HAND_MARKETING, HAND_SALES)
    html = _page(personas.alice, "diagnostic_wave", wave.pk).content.decode()
    assert 'id="wave-results-later"' in html and "data-total=" not in html
    assert _page(personas.alice, "diagnostic_wave_export", wave.pk, file="csv").status_code == 200
    rows = _export(personas.alice, wave)
    assert all(row[3] == "" for row in rows[1:])  # no total in any line


def test_the_results_of_the_hand_made_set(personas):
    wave = _closed(personas, HAND_MARKETING, HAND_SALES)
    html = _page(personas.bob, "diagnostic_wave", wave.pk).content.decode()
    # marketing (82 + 81 + 81 + 80 + 82) / 5 = 81.2, Integrated; sales 60.0, Aligned
    assert re.search(r'data-total="81[.,]2"', html)
    assert re.search(r'data-total="60[.,]0"', html)
    assert 'data-type="integrated"' in html and 'data-type="aligned"' in html
    keys = re.findall(r'<tr data-statement="(\w+)"', html)
    assert keys[:2] == ["feedback", "collateral"] and keys[-1] == "plan_input"
    assert "<svg" in html  # the charts
    assert 'data-type="aligned"' in html and 'id="wave-moves"' in html
    rows = _export(personas.bob, wave)
    totals = {row[1]: row[3] for row in rows[1:] if row[3]}
    assert sorted(v.replace(",", ".") for v in totals.values()) == ["60.0", "81.2"]
    statements = [row for row in rows[1:] if row[7]]
    assert len(statements) == 20
    assert statements[0][7].replace(",", ".") == "2.60"  # feedback: 4.6 − 2.0


def test_four_answers_of_a_side_show_no_number_anywhere(personas, api_as):
    wave = _closed(personas, HAND_MARKETING[:4], HAND_SALES)
    html = _page(personas.alice, "diagnostic_wave", wave.pk).content.decode()
    marketing = html.split('data-side="marketing"')[1].split("</section>")[0]
    assert 'data-hidden="1"' in marketing and "data-total" not in marketing
    # the 4 marketers' mean, (82 + 81 + 81 + 80) / 4 = 81.0, appears nowhere
    assert "81.0" not in html and "81,0" not in html
    assert 'id="wave-gaps-hidden"' in html and "<tr data-statement=" not in html
    body = api_as("alice").get(f"diagnostic/waves/{wave.pk}/results").json()
    side = next(s for s in body["sides"] if s["side"] == "marketing")
    assert side == {
        "side": "marketing",
        "answers": 4,
        "shown": False,
        "total": None,
        "type": None,
        "type_label": "",
    }
    assert body["gaps"] == [] and body["gap"] is None
    rows = _export(personas.alice, wave)
    line = next(row for row in rows[1:] if row[2] == "4")
    assert line[3] == "" and line[4] == ""
    assert all(not row[5] and not row[6] and not row[7] for row in rows[1:])
    trend = api_as("alice").get("diagnostic/trend").json()
    assert trend == [
        {
            "wave": wave.pk,
            "title": wave.title,
            "period_end": "2026-06-30",
            "marketing": None,
            "sales": 60.0,
        }
    ]


def test_the_pod_filter_cannot_single_out_the_marketer_outside_the_pod(personas, api_as):
    pod = f.PodFactory(workspace=personas.acme, name="Pod A")
    wave = open_wave(personas)
    fill(personas.acme, wave, HAND_MARKETING, HAND_SALES, pods=(pod,))
    answer_as(personas.acme, wave, "marketing", [1] * 20)  # the sixth marketer, in no pod
    wave = services.wave_close(personas.actor("rita"), wave)
    # the whole side: (82 + 81 + 81 + 80 + 82 + 20) / 6 = 71.0 — the 5 in the pod alone would
    # be 81.2, and 6 × 71.0 − 5 × 81.2 = 20: the sixth's total. So the pod's marketing is hidden
    whole = _page(personas.alice, "diagnostic_wave", wave.pk).content.decode()
    assert re.search(r'data-total="71[.,]0"', whole)
    filtered = _page(personas.alice, "diagnostic_wave", wave.pk, pod=pod.pk).content.decode()
    marketing = filtered.split('data-side="marketing"')[1].split("</section>")[0]
    assert 'data-hidden="1"' in marketing
    assert "81.2" not in filtered and "81,2" not in filtered
    body = api_as("alice").get(f"diagnostic/waves/{wave.pk}/results", {"pod": pod.pk}).json()
    side = next(s for s in body["sides"] if s["side"] == "marketing")
    assert (side["answers"], side["shown"], side["total"]) == (5, False, None)
    assert body["gaps"] == []
    rows = _export(personas.alice, wave, pod=pod.pk)
    assert not any("81" in cell for row in rows for cell in row)
    points = api_as("alice").get("diagnostic/trend", {"pod": pod.pk}).json()
    assert points[0]["marketing"] is None


def test_another_workspaces_wave_is_404(personas, api_as):
    wave = open_wave(personas)
    for name in ("diagnostic_wave", "diagnostic_wave_answer", "diagnostic_wave_export"):
        assert _page(personas.carol, name, wave.pk).status_code == 404
    url = reverse("diagnostic_wave", args=["globex", wave.pk])
    assert _client(personas.carol).get(url, secure=True).status_code == 404
    assert api_as("carol").get(f"diagnostic/waves/{wave.pk}").status_code == 404
    assert api_as("carol").get(f"diagnostic/waves/{wave.pk}/results").status_code == 404
