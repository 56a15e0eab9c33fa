"""Checks of a model instance that Django's own validation leaves out."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist
from django.db import models


def refuses_null(model: type[models.Model], name: str) -> bool:
    """Whether ``null_errors`` refuses ``None`` for the field ``name`` of ``model``: a concrete
    field that cannot be null (the API documents it so: ``core.schemas.document_refused_nulls``)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return bool(field.concrete and not field.null)  # type: ignore[union-attr]


def null_errors(instance: models.Model, names: Iterable[str]) -> dict[str, list[str]]:
    """The fields among ``names`` that hold ``None`` but cannot be null, with Django's message.

    ``full_clean`` skips a ``blank=True`` field whose value is empty, ``None`` included, so a
    JSON ``null`` for a list or a text that may be blank (never null) would otherwise reach the
    database's NOT NULL constraint and fail there.
    """
    errors: dict[str, list[str]] = {}
    for name in names:
        if not refuses_null(type(instance), name):
            continue
        field = instance._meta.get_field(name)
        if getattr(instance, field.attname, None) is None:  # type: ignore[union-attr]
            errors[name] = [str(field.error_messages["null"])]  # type: ignore[union-attr]
    return errors
