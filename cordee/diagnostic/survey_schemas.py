"""Schemas of the diagnostic's endpoints (``survey_api.py``). Names start with ``Diagnostic``:
they are unique across the project's OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from cordee.core.api import QuerySchema
from cordee.core.schemas import Id, InSchema

WaveTitle = Annotated[str, Field(min_length=1, max_length=160)]


class DiagnosticWaveIn(InSchema):
    """A new wave: its period, the last day of answers (the workspace's day; the wave closes by
    itself the day after) and, optionally, the pod it asks (else the whole workspace)."""

    title: WaveTitle
    period_start: dt.date
    period_end: dt.date
    closes_on: dt.date
    pod: Id | None = None


class DiagnosticAnswersIn(InSchema):
    """The 20 answers in the order of the statements (``…/statements``), each from 1 (strongly
    disagree) to 5 (strongly agree). Final; kept with the side and pods of whoever answers,
    never with them."""

    answers: list[int]


class DiagnosticParticipationOut(Schema):
    answered: int  # people who answered
    invited: int  # people the wave asks (its scope's active members, now)
    marketing: int  # answers from marketing
    sales: int  # answers from sales
    other: int  # answers from RevOps and executives (in neither side's results)


class DiagnosticWaveOut(Schema):
    id: int
    title: str
    period_start: dt.date
    period_end: dt.date
    closes_on: dt.date
    pod: int | None
    closed_at: dt.datetime | None
    participation: DiagnosticParticipationOut
    answered: bool  # the caller has answered it
    may_answer: bool  # the caller may answer it now


class DiagnosticStatementOut(Schema):
    number: int  # 1 to 20: the position of its answer
    key: str
    text: str  # in the request's language


class DiagnosticScaleOut(Schema):
    value: int
    label: str


class DiagnosticStatementsOut(Schema):
    statements: list[DiagnosticStatementOut]
    scale: list[DiagnosticScaleOut]


class DiagnosticSideOut(Schema):
    side: str  # marketing or sales
    answers: int  # how many people of the side answered (in the pod, with ``pod``)
    shown: bool  # false: not enough answers (or the wave still open): no number
    total: float | None  # mean of the people's totals, 20–100, one decimal
    type: str | None  # undefined, defined, aligned, integrated
    type_label: str


class DiagnosticGapOut(Schema):
    number: int
    key: str
    text: str
    marketing: float  # mean answer, 1–5
    sales: float
    gap: float  # marketing − sales


class DiagnosticMovesOut(Schema):
    type: str
    type_label: str
    moves: list[str]


class DiagnosticResultsOut(Schema):
    wave: int
    pod: int | None
    closed: bool  # results exist only once the wave is closed
    min_group: int  # a side (or a side within a pod) is shown from this many answers
    sides: list[DiagnosticSideOut]
    gap: float | None  # |marketing total − sales total|
    gaps: list[DiagnosticGapOut]  # largest first; empty unless both sides are shown
    next_moves: list[DiagnosticMovesOut]


class DiagnosticTrendPointOut(Schema):
    wave: int
    title: str
    period_end: dt.date
    marketing: float | None  # None: not shown
    sales: float | None


class DiagnosticResultsQuery(QuerySchema):
    pod: Id | None = None  # the answers of one pod's members (the same anonymity rule)
