"""The home page per role: REST endpoints under /api/v1/."""

from ninja import Router

router = Router(tags=["The home page per role"])
