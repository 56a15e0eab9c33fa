"""The monthly executive report: REST endpoints under /api/v1/."""

from ninja import Router

router = Router(tags=["The monthly executive report"])
