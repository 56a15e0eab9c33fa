"""The alignment index: REST endpoints under /api/v1/."""

from ninja import Router

router = Router(tags=["The alignment index"])
