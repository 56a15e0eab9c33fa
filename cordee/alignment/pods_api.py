"""Pods as living units and their value log: REST endpoints under /api/v1/."""

from ninja import Router

router = Router(tags=["Pods as living units and their value log"])
