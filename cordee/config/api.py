"""The REST API under /api/v1/: one router per app, one error shape, OpenAPI generated."""

from __future__ import annotations

from ninja import NinjaAPI

from cordee.core.api import TokenAuth, WorkspaceSessionAuth, install_error_handlers

api = NinjaAPI(
    title="Cordée API",
    version="1",
    description=(
        "Marketing and sales on one rope. Authenticate with a personal token "
        "(`Authorization: Bearer cdt_…`) created on your profile page, scoped to one workspace."
    ),
    auth=[TokenAuth(), WorkspaceSessionAuth()],
    urls_namespace="api",
)
install_error_handlers(api)


def _add_routers() -> None:
    from cordee.crm.api import router as crm_router
    from cordee.people.api import router as people_router

    api.add_router("/", crm_router)
    api.add_router("/", people_router)


_add_routers()
