"""Wins: the wall's settings (threshold) and milestones: REST endpoints under /api/v1/."""

from ninja import Router

router = Router(tags=["Wins"])
