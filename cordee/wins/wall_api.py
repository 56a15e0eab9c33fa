"""Wins: the wall, reactions and kudos: REST endpoints under /api/v1/."""

from ninja import Router

router = Router(tags=["Wins"])
