from __future__ import annotations

from typing import Literal

from ninja import Schema

SearchKind = Literal["lead", "contact", "account", "opportunity", "campaign", "feedback"]


class SearchHitOut(Schema):
    kind: SearchKind
    id: int
    title: str
    detail: str
    url: str
