"""The whole-workspace export page (a list's own CSV/XLSX export is ``core.export_views``).

Views stay thin: they parse the request, call ``exports`` (which reads through the selectors),
and answer the file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.web import workspace_view
from cordee.dataio.exports import workspace as exports


@workspace_view
def workspace_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The whole workspace for the data team: start an export, download the recent ones."""
    actor.require("data.export")
    if name := request.GET.get("download"):
        return _download(actor, name)
    if request.method == "POST":
        return _start(request, actor)
    given, refused = exports.tables_for(actor)
    context: dict[str, Any] = {
        "nav": "workspace_export",
        "files": exports.workspace_exports(actor=actor),
        "tables": [(exports.table_label(t), t.name) for t in given],
        "left_out": [(exports.table_label(t), t.name) for t in refused],
        "keep_days": exports.KEEP_DAYS,
    }
    return render(request, "dataio/export_workspace.html", context)


def _download(actor: Actor, name: str) -> HttpResponse:
    """One of the recent files, named for the workspace, the format and when it was written."""
    path = exports.workspace_export_path(actor=actor, name=name)
    day = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=actor.workspace.zone)
    fmt = name.split(".")[1]
    return FileResponse(  # type: ignore[return-value]
        path.open("rb"),
        as_attachment=True,
        filename=f"{actor.workspace.slug}-{fmt}-{day:%Y-%m-%d-%H%M}.zip",
        content_type="application/zip",
    )


def _start(request: HttpRequest, actor: Actor) -> HttpResponse:
    started = exports.workspace_export_start(actor=actor, fmt=request.POST.get("format", ""))
    if started.status == "ready":
        messages.success(request, _("The export is ready: download it below."))
    else:
        messages.success(
            request, _("The export has started; you will be notified when it is ready to download.")
        )
    return HttpResponseRedirect(reverse("workspace_export", args=[actor.workspace.slug]))
