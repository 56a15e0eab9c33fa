"""The diagnostic's API: open (RevOps, 403 otherwise, field-named 422s), list and read with the
participation, the statements in the request's language, answer once (204, then 409; 422 naming
the statements), close, results (nothing before the close) and the trend."""

from __future__ import annotations

from typing import Any

import pytest

from cordee.diagnostic.models import Response
from tests.analytics.test_diagnostic import HAND_MARKETING, HAND_SALES
from tests.diagnostic.support import fill
from tests.fixtures.api import error_fields

pytestmark = pytest.mark.django_db


def _body(personas: Any, **extra: Any) -> dict[str, Any]:
    return {
        "title": "S1 2026",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "closes_on": personas.acme.today().isoformat(),
        **extra,
    }


def test_revops_opens_others_are_refused(personas, api_as):
    assert api_as("dave").post("diagnostic/waves", _body(personas)).status_code == 403
    created = api_as("rita").post("diagnostic/waves", _body(personas))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["title"] == "S1 2026" and body["closed_at"] is None
    assert body["participation"] == {
        "answered": 0,
        "invited": 6,
        "marketing": 0,
        "sales": 0,
        "other": 0,
    }
    again = api_as("rita").post("diagnostic/waves", _body(personas, title="Again"))
    assert again.status_code == 422 and set(error_fields(again)) == {"pod"}
    late = api_as("rita").post("diagnostic/waves", _body(personas, period_end="2025-01-01"))
    assert late.status_code == 422


def test_answer_once_then_results_after_the_close(personas, api_as):
    wave = api_as("rita").post("diagnostic/waves", _body(personas)).json()
    pk = wave["id"]
    statements = api_as("bob").get(
        f"diagnostic/waves/{pk}/statements", headers={"Accept-Language": "en"}
    )
    assert statements.status_code == 200
    texts = statements.json()
    assert [s["number"] for s in texts["statements"]] == list(range(1, 21))
    assert texts["statements"][5]["key"] == "feedback"
    assert [s["value"] for s in texts["scale"]] == [1, 2, 3, 4, 5]
    wrong = api_as("bob").post(f"diagnostic/waves/{pk}/answers", {"answers": [3] * 19 + [7]})
    assert wrong.status_code == 422 and "20" in error_fields(wrong)["answers"][0]
    ok = api_as("bob").post(f"diagnostic/waves/{pk}/answers", {"answers": HAND_SALES[0]})
    assert ok.status_code == 204
    twice = api_as("bob").post(f"diagnostic/waves/{pk}/answers", {"answers": HAND_SALES[0]})
    assert twice.status_code == 409
    read = api_as("bob").get(f"diagnostic/waves/{pk}").json()
    assert read["answered"] is True and read["may_answer"] is False
    assert read["participation"]["sales"] == 1
    from cordee.diagnostic.models import Wave

    fill(personas.acme, Wave.objects.get(pk=pk), HAND_MARKETING, HAND_SALES[1:])
    before = api_as("alice").get(f"diagnostic/waves/{pk}/results").json()
    assert before["closed"] is False
    assert all(s["total"] is None for s in before["sides"]) and before["gaps"] == []
    assert api_as("alice").post(f"diagnostic/waves/{pk}/close").status_code == 403
    closed = api_as("rita").post(f"diagnostic/waves/{pk}/close")
    assert closed.status_code == 200 and closed.json()["closed_at"] is not None
    after = api_as("alice").get(f"diagnostic/waves/{pk}/results").json()
    sides = {s["side"]: s for s in after["sides"]}
    assert sides["marketing"]["total"] == pytest.approx(81.2)
    assert sides["sales"]["total"] == pytest.approx(60.0)
    assert (sides["marketing"]["type"], sides["sales"]["type"]) == ("integrated", "aligned")
    assert after["gap"] == pytest.approx(21.2)
    assert after["gaps"][0]["key"] == "feedback" and after["gaps"][0]["gap"] == pytest.approx(2.6)
    assert [m["type"] for m in after["next_moves"]] == ["aligned", "integrated"]
    late = api_as("mia").post(f"diagnostic/waves/{pk}/answers", {"answers": [3] * 20})
    assert late.status_code == 409
    assert Response.objects.filter(wave_id=pk).count() == 10
    trend = api_as("erin").get("diagnostic/trend").json()
    assert [(p["wave"], p["marketing"], p["sales"]) for p in trend] == [(pk, 81.2, 60.0)]
    listed = api_as("erin").get("diagnostic/waves").json()
    assert [w["id"] for w in listed] == [pk]


def test_the_scale_in_the_requests_language(personas, api_as):
    pk = api_as("rita").post("diagnostic/waves", _body(personas)).json()["id"]
    english = (
        api_as("bob")
        .get(f"diagnostic/waves/{pk}/statements", headers={"Accept-Language": "en"})
        .json()
    )
    assert english["scale"][0]["label"] == "strongly disagree"


def test_another_workspaces_wave_is_404(personas, api_as):
    pk = api_as("rita").post("diagnostic/waves", _body(personas)).json()["id"]
    for path in ("", "/statements", "/results"):
        assert api_as("carol").get(f"diagnostic/waves/{pk}{path}").status_code == 404
    assert api_as("carol").post(f"diagnostic/waves/{pk}/close").status_code == 404
    answers = {"answers": [3] * 20}
    assert api_as("carol").post(f"diagnostic/waves/{pk}/answers", answers).status_code == 404
    assert api_as("alice").get(f"diagnostic/waves/{pk}/results", {"pod": 987654}).status_code == 404
