"""The REST API under /api/v1/: one router per app, one error shape, OpenAPI generated."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger

from cordee.alignment.home_api import router as alignment_home_router
from cordee.alignment.index_api import router as alignment_index_router
from cordee.alignment.pods_api import router as alignment_pods_router
from cordee.alignment.report_api import router as alignment_report_router
from cordee.attribution.api import router as attribution_router
from cordee.bulk.api import router as bulk_router
from cordee.codesign.alignment_api import router as codesign_alignment_router
from cordee.codesign.api import router as codesign_router
from cordee.codesign.calendar_api import router as calendar_router
from cordee.codesign.debrief_api import router as debrief_router
from cordee.codesign.kit_api import router as kit_router
from cordee.codesign.review_api import router as codesign_review_router
from cordee.comments.api import router as comments_router
from cordee.comp.api import router as comp_router
from cordee.core.api import (
    ApiParser,
    TokenAuth,
    TokenRateThrottle,
    WorkspaceSessionAuth,
    error_body,
    error_responses_document,
    install_error_handlers,
)
from cordee.core.audit_api import router as audit_router
from cordee.crm.api import router as crm_router
from cordee.dataio.exports.api import router as export_router
from cordee.dataio.incoming.api import router as integrations_router
from cordee.diagnostic.survey_api import router as diagnostic_survey_router
from cordee.feedback.api import router as feedback_router
from cordee.funnel.api import router as funnel_router
from cordee.integrations.api import router as webhooks_router
from cordee.lists.api import router as lists_router
from cordee.merges.api import router as merges_router
from cordee.people.api import router as people_router
from cordee.rituals.agenda_api import router as rituals_agenda_router
from cordee.rituals.committee_api import router as rituals_committee_router
from cordee.rituals.meeting_api import router as rituals_meeting_router
from cordee.rituals.pairing_api import router as rituals_pairing_router
from cordee.rituals.programme_api import router as rituals_programme_router
from cordee.search.api import router as search_router
from cordee.wins.posts_api import router as wins_posts_router
from cordee.wins.wall_api import router as wins_wall_router


class CordeeAPI(NinjaAPI):
    """Also answers unknown paths (404) and wrong methods (405) with the one error shape."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_not_allowed(pattern.callback)
        urls.append(re_path(r"^.*$", csrf_exempt(self._unknown_path), name="unknown"))
        return urls

    def _json_not_allowed(self, view: Any) -> Any:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                body = self.create_response(
                    request,
                    error_body(
                        "method_not_allowed",
                        _("This method is not allowed here: %(method)s.")
                        % {"method": request.method},
                    ),
                    status=405,
                )
                body["Allow"] = response["Allow"]
                return body
            return response

        return wrapper

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Ninja's document, with the error responses every operation can answer."""
        return error_responses_document(super().get_openapi_schema(**kwargs))

    def _unknown_path(self, request: HttpRequest) -> HttpResponse:
        return self.create_response(
            request, error_body("not_found", _("No such API endpoint.")), status=404
        )


api = CordeeAPI(
    title="Cordée API",
    version="1",
    description=(
        "Marketing and sales on one rope. Authenticate with a personal token "
        "(`Authorization: Bearer cdt_…`, from `POST /api/v1/tokens` or your profile page), "
        "scoped to one workspace; or with a signed-in session and the `X-Cordee-Workspace` "
        "header. Lists answer `{items, count}` and take `limit` (≤ 500) and `offset`. "
        'Errors answer `{"error": {"code", "message", "fields": {name: [messages]}}}`. '
        "Money is a decimal string."
    ),
    auth=[TokenAuth(), WorkspaceSessionAuth()],
    throttle=TokenRateThrottle(),  # API_RATE_LIMIT per token: 429 + Retry-After beyond
    parser=ApiParser(),
    docs=Swagger(settings={"validatorUrl": None}),  # no call to validator.swagger.io
    urls_namespace="api",
)
install_error_handlers(api)


def _add_routers() -> None:
    api.add_router("/", calendar_router)  # before crm's /campaigns/{pk}: /campaigns/calendar
    api.add_router("/", crm_router)
    api.add_router("/", feedback_router)
    api.add_router("/", funnel_router)
    api.add_router("/", people_router)
    api.add_router("/", export_router)
    api.add_router("/", integrations_router)
    api.add_router("/", webhooks_router)
    api.add_router("/", attribution_router)
    api.add_router("/", comments_router)
    api.add_router("/", search_router)
    api.add_router("/", merges_router)
    api.add_router("/", lists_router)
    api.add_router("/", bulk_router)
    api.add_router("/", audit_router)
    api.add_router("/", comp_router)
    api.add_router("/", codesign_router)
    api.add_router("/", codesign_alignment_router)
    api.add_router("/", debrief_router)
    api.add_router("/", kit_router)
    api.add_router("/", codesign_review_router)
    api.add_router("/", rituals_committee_router)
    api.add_router("/", rituals_meeting_router)
    api.add_router("/", rituals_agenda_router)
    api.add_router("/", rituals_programme_router)
    api.add_router("/", rituals_pairing_router)
    api.add_router("/", wins_posts_router)
    api.add_router("/", wins_wall_router)
    api.add_router("/", diagnostic_survey_router)
    api.add_router("/", alignment_index_router)
    api.add_router("/", alignment_pods_router)
    api.add_router("/", alignment_home_router)
    api.add_router("/", alignment_report_router)


_add_routers()
