"""Alignment diagnostic: waves, answers and results: REST endpoints under /api/v1/."""

from ninja import Router

router = Router(tags=["Alignment diagnostic"])
