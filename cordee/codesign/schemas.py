from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from cordee.core.schemas import InSchema, MoneyOut


class BriefIn(InSchema):
    """The whole brief (a save is a new version: a field left out is empty in it)."""

    objective: str = ""
    segment: list[str] = []
    pods: list[int] = []
    persona: str = ""
    message: str = ""
    offer: str = ""
    call_to_action: str = ""
    channels: list[str] = []
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: Decimal | None = None
    expected_mqls: int | None = None
    expected_sqls: int | None = None
    expected_pipeline: Decimal | None = None
    success_criteria: str = ""


class BriefOut(Schema):
    campaign: int
    version: int
    author_id: int | None
    author_name: str
    saved_at: dt.datetime
    objective: str
    segment: list[str]
    pods: list[int]
    persona: str
    message: str
    offer: str
    call_to_action: str
    channels: list[str]
    start_date: dt.date | None
    end_date: dt.date | None
    budget: MoneyOut | None
    currency: str
    expected_mqls: int | None
    expected_sqls: int | None
    expected_pipeline: MoneyOut | None
    success_criteria: str


class BriefVersionOut(Schema):
    version: int
    author_id: int | None
    author_name: str
    saved_at: dt.datetime


class FieldDiffOut(Schema):
    field: str
    mark: str  # unchanged, changed, added or removed
    old: object = None
    new: object = None
    words: str | None = None  # long texts: the new text with <ins> and <del>


class BriefCompareOut(Schema):
    campaign: int
    old: int
    new: int
    fields: list[FieldDiffOut]
