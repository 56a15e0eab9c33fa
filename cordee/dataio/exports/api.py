"""Exports from the API: ``GET /api/v1/<kind>/export?format=csv|xlsx&<the list's filters>``.

One export operation per kind of record, beside its list: it takes exactly the list's filters,
search and sort (the same query schema, so they appear in the OpenAPI document and a bad value is
a 422 naming the parameter), and answers the whole file rather than a page. A separate operation
keeps the list's JSON answer schema clean (``?format=`` on the list itself would give one
operation two unrelated answer types). The separator and decimal mark follow the request's
language (``Accept-Language: fr`` gives ``;`` and ``1234,50``).
"""

# no ``from __future__ import annotations`` here: ninja must resolve the local ``Filters`` class
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router

from cordee.core import export_views
from cordee.core.api import current_actor, filter_params, filter_schema
from cordee.core.records import RecordSpec
from cordee.crm import records as crm
from cordee.funnel import records as funnel
from cordee.people.records import PODS

router = Router()

_FILE_TYPES = {
    "text/csv": {"schema": {"type": "string"}},
    export_views.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
}


def register_export(router: Router, spec: RecordSpec) -> None:
    """``GET /<kind>/export``: every row of the filtered, sorted list as CSV or XLSX."""
    name = spec.model.__name__.lower()
    tag = str(spec.model._meta.verbose_name_plural).capitalize()
    Filters = filter_schema(spec)

    @router.get(
        f"/{spec.key}/export",
        tags=[tag],
        operation_id=f"{name}_export",
        summary=f"Export {spec.key} (CSV or XLSX)",
        openapi_extra={
            "responses": {
                200: {"description": "The file, every matching row", "content": _FILE_TYPES}
            }
        },
    )
    def export_view(
        request: HttpRequest,
        filters: Query[Filters],  # type: ignore[valid-type]
        format: Literal["csv", "xlsx"] = "csv",
    ) -> Any:
        actor = current_actor(request)
        return export_views.list_export_response(
            actor=actor, spec=spec, params=filter_params(filters), fmt=format
        )


def _register_all() -> None:
    for spec in (
        *crm.SPECS.values(),
        *funnel.SPECS.values(),
        PODS,
        funnel.SLA_CONTRACTS,
        funnel.SCORING_RULES,
        funnel.REJECTION_REASONS,
        funnel.ROUTING_RULES,
    ):
        register_export(router, spec)


_register_all()
