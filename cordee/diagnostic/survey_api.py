"""Alignment diagnostic: waves, answers and results: REST endpoints under /api/v1/. Every
member reads the waves and their results (aggregates only, under the anonymity rule of
``results.py``; nothing before a wave is closed); RevOps opens and closes (``diagnostic.manage``);
every member of a wave's scope answers it once. Another workspace's wave is a 404.

No ``from __future__ import annotations`` here: django-ninja reads the annotations of the
endpoints through the decorator."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from cordee.core.actor import Actor
from cordee.core.api import current_actor
from cordee.core.errors import NotFound
from cordee.core.schemas import PathId
from cordee.diagnostic import presenters, results, services
from cordee.diagnostic import selectors as reads
from cordee.diagnostic.models import Wave
from cordee.diagnostic.statements import STATEMENTS
from cordee.diagnostic.survey_schemas import (
    DiagnosticAnswersIn,
    DiagnosticResultsOut,
    DiagnosticResultsQuery,
    DiagnosticStatementsOut,
    DiagnosticTrendPointOut,
    DiagnosticWaveIn,
    DiagnosticWaveOut,
)
from cordee.diagnostic.survey_views import SCALE
from cordee.people.models import Pod

router = Router(tags=["Alignment diagnostic"])


def _waves_out(actor: Actor, listed: list[Wave]) -> list[dict[str, Any]]:
    participation = results.participations(listed, reads.invited_counts(actor, listed))
    answered = reads.answered_wave_ids(actor, [w.pk for w in listed])
    my_pods = reads.my_pod_ids(actor)
    out = []
    for w in listed:
        p = participation[w.pk]
        out.append(
            {
                "id": w.pk,
                "title": w.title,
                "period_start": w.period_start,
                "period_end": w.period_end,
                "closes_on": w.closes_on,
                "pod": w.pod_id,
                "closed_at": w.closed_at,
                "participation": {"answered": p.answered, "invited": p.invited, **p.by_side},
                "answered": w.pk in answered,
                "may_answer": w.closed_at is None
                and w.pk not in answered
                and actor.can("diagnostic.answer")
                and (w.pod_id is None or w.pod_id in my_pods),
            }
        )
    return out


@router.get(
    "/diagnostic/waves", response=list[DiagnosticWaveOut], operation_id="diagnostic_wave_list"
)
def wave_list(request: HttpRequest) -> Any:
    """The workspace's waves, the latest period first, with their participation."""
    actor = current_actor(request)
    return _waves_out(actor, list(reads.waves(actor)))


@router.post(
    "/diagnostic/waves", response={201: DiagnosticWaveOut}, operation_id="diagnostic_wave_open"
)
def wave_open(request: HttpRequest, payload: DiagnosticWaveIn) -> Any:
    """Open a wave (``diagnostic.manage``; one open wave at a time for the workspace and for
    each pod); everyone it asks is notified."""
    actor = current_actor(request)
    wave = services.wave_open(actor, **payload.model_dump())
    return 201, _waves_out(actor, [reads.wave_get(actor=actor, pk=wave.pk)])[0]


@router.get(
    "/diagnostic/waves/{pk}", response=DiagnosticWaveOut, operation_id="diagnostic_wave_get"
)
def wave_read(request: HttpRequest, pk: PathId) -> Any:
    actor = current_actor(request)
    return _waves_out(actor, [reads.wave_get(actor=actor, pk=pk)])[0]


@router.post(
    "/diagnostic/waves/{pk}/close",
    response=DiagnosticWaveOut,
    operation_id="diagnostic_wave_close",
)
def wave_close(request: HttpRequest, pk: PathId) -> Any:
    """Close the wave (``diagnostic.manage``): no more answers; its results are read."""
    actor = current_actor(request)
    wave = services.wave_close(actor, reads.wave_get(actor=actor, pk=pk))
    return _waves_out(actor, [wave])[0]


@router.get(
    "/diagnostic/waves/{pk}/statements",
    response=DiagnosticStatementsOut,
    operation_id="diagnostic_wave_statements",
)
def wave_statements(request: HttpRequest, pk: PathId) -> Any:
    """The 20 statements in the request's language (``Accept-Language``), in the order of the
    answers, and the scale's words."""
    actor = current_actor(request)
    reads.wave_get(actor=actor, pk=pk)
    return {
        "statements": [
            {"number": n, "key": key, "text": str(text)}
            for n, (key, text) in enumerate(STATEMENTS, start=1)
        ],
        "scale": [{"value": v, "label": str(label)} for v, label in SCALE],
    }


@router.post(
    "/diagnostic/waves/{pk}/answers", response={204: None}, operation_id="diagnostic_wave_answer"
)
def wave_answer(request: HttpRequest, pk: PathId, payload: DiagnosticAnswersIn) -> Any:
    """Answer the wave, once and for good (``diagnostic.answer``; a person it asks). 409 when
    already answered or closed; 422 naming the statements whose answer is missing or not 1–5."""
    actor = current_actor(request)
    services.wave_answer(actor, reads.wave_get(actor=actor, pk=pk), payload.answers)
    return 204, None


def results_out(found: results.WaveResults) -> dict[str, Any]:
    return {
        "wave": found.wave.pk,
        "pod": found.pod_id,
        "closed": found.closed,
        "min_group": presenters.maths.MIN_GROUP,
        "sides": [
            {
                "side": s.side,
                "answers": s.count,
                "shown": s.shown,
                "total": s.total,
                "type": s.type,
                "type_label": s.type_label,
            }
            for s in presenters.side_views(found)
        ],
        "gap": None if found.gap is None else round(found.gap, 1),
        "gaps": [g.__dict__ for g in presenters.gap_views(found)],
        "next_moves": [
            {"type": m.type, "type_label": m.type_label, "moves": m.moves}
            for m in presenters.next_moves(found)
        ],
    }


def _pod_id(actor: Actor, pod: int | None) -> int | None:
    if pod is None:
        return None
    if not Pod.objects.filter(workspace=actor.workspace, pk=pod).exists():
        raise NotFound("Pod not found.")
    return pod


@router.get(
    "/diagnostic/waves/{pk}/results",
    response=DiagnosticResultsOut,
    operation_id="diagnostic_wave_results",
)
def wave_results(request: HttpRequest, pk: PathId, filters: Query[DiagnosticResultsQuery]) -> Any:
    """The wave's results (``pod``: of one pod's members): each side's answers count, and its
    total and type only when shown (at least 5 answers, the wave closed, and within a pod no
    combination of pods narrowing a group below 5); the gaps per statement, largest first."""
    actor = current_actor(request)
    wave = reads.wave_get(actor=actor, pk=pk)
    return results_out(results.wave_results(wave, pod_id=_pod_id(actor, filters.pod)))


@router.get(
    "/diagnostic/trend",
    response=list[DiagnosticTrendPointOut],
    operation_id="diagnostic_trend",
)
def trend(request: HttpRequest, filters: Query[DiagnosticResultsQuery]) -> Any:
    """Each side's total per closed wave, oldest first (``pod``: the pod's members' answers
    and the pod's own waves); null where the side is not shown."""
    actor = current_actor(request)
    points = presenters.trend_points(actor.workspace, _pod_id(actor, filters.pod))
    return [
        {
            "wave": p.wave_id,
            "title": p.title,
            "period_end": p.period_end,
            "marketing": p.marketing,
            "sales": p.sales,
        }
        for p in points
    ]
