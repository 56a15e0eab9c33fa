"""The import wizard's forms: the upload (step 1) and the column mapping (step 2), each saving
through ``services``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.web import Form, add_field_errors
from cordee.dataio.imports.services import import_job_configure, import_job_upload
from cordee.dataio.models import ImportJob, ImportKind

ACCEPTED = (".csv", ".tsv", ".txt", ".xlsx")

_KIND_HELP = gettext_lazy(
    "A HubSpot or Salesforce contacts export is best imported as leads: their lifecycle dates "
    "become the funnel history."
)


class UploadForm(Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"), choices=ImportKind.choices, help_text=_KIND_HELP
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (comma, semicolon or tab; UTF-8, UTF-16 or Windows/Excel encoding) or XLSX, the "
            "first line naming each column once; at most %(max)s MB."
        ) % {"max": settings.IMPORT_MAX_UPLOAD_MB}

    @classmethod
    def blank(cls, kind: str) -> UploadForm:
        """The empty form, its kind chosen from the link that led here (leads otherwise)."""
        return cls(initial={"kind": kind if kind in ImportKind.values else "leads"})

    @classmethod
    def refused(cls, exc: ValidationFailed) -> UploadForm:
        """The form of a request refused before its body was read (too large): why, on the
        file field."""
        form = cls(data={"kind": "leads"}, files={})
        form.is_valid()  # the file is missing: replaced by the reason it was not read
        form.errors["file"] = form.error_class(exc.field_errors.get("file", [exc.message]))
        return form

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ACCEPTED):
            raise forms.ValidationError(
                _("“%(name)s” is not a CSV or XLSX file.") % {"name": upload.name}
            )
        return upload

    def save(self, actor: Actor) -> ImportJob | None:
        """The new job, "detecting" (the worker reads the file), or None when the form (or the
        file's size) is refused: the form holds why."""
        if not self.is_valid():
            return None
        upload = self.cleaned_data["file"]
        try:
            return import_job_upload(
                actor=actor, kind=self.cleaned_data["kind"], filename=upload.name, content=upload
            )
        except ValidationFailed as exc:
            add_field_errors(self, exc)
            return None


@dataclass
class MappingChoices:
    """What step 2 shows and sends: column → field, the date orders chosen, the two options,
    and, once refused, why."""

    selected: dict[str, str]
    dry_run: bool
    keep_good_rows: bool
    orders: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    message: str = ""
    status: int = 200

    @classmethod
    def of(cls, job: ImportJob) -> MappingChoices:
        return cls(dict(job.mapping), job.dry_run, job.keep_good_rows)

    @classmethod
    def posted(cls, job: ImportJob, data: QueryDict) -> MappingChoices:
        header: list[str] = job.detected["format"]["header"]
        dates = job.detected.get("dates", {})
        orders = {}
        for i, column in enumerate(header):
            order = data.get(f"order-{i}", "")
            if order in ("dmy", "mdy") and order != dates.get(column, {}).get("order"):
                orders[column] = order
        return cls(
            selected={c: data.get(f"map-{i}", "") for i, c in enumerate(header)},
            dry_run=data.get("dry_run") == "on",
            keep_good_rows=data.get("keep_good_rows") == "on",
            orders=orders,
        )

    def save(self, actor: Actor, job: ImportJob) -> bool:
        """Configure the job; False (with the errors kept here) when the service refuses."""
        try:
            import_job_configure(
                actor=actor,
                job_id=job.pk,
                mapping={c: v or None for c, v in self.selected.items()},
                date_orders=self.orders or None,
                dry_run=self.dry_run,
                keep_good_rows=self.keep_good_rows,
            )
        except ValidationFailed as exc:
            self.errors, self.message, self.status = exc.field_errors, exc.message, 422
            return False
        return True
