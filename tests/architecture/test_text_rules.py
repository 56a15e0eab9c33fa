"""Every way text comes in checks it with ``core.text``: each form of the pages derives from
``core.web.Form``, each input schema of the API from ``TextSchema`` (bodies) or ``QuerySchema``
(query parameters). A new form or schema that forgets it fails here."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from django import forms
from ninja import Schema

import cordee
from cordee.core.api import QuerySchema
from cordee.core.schemas import TextSchema
from cordee.core.web import Form

_WHERE = ("form", "view", "pages", "schema", "api")  # the modules that declare them


def _import_everything() -> None:
    for module in pkgutil.walk_packages(cordee.__path__, "cordee."):
        last = module.name.rsplit(".", 1)[-1]
        if "migrations" not in module.name and any(w in last for w in _WHERE):
            importlib.import_module(module.name)


def _subclasses(base: type) -> set[type[Any]]:
    found: set[type[Any]] = set()
    todo = [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return {c for c in found if c.__module__.startswith("cordee.")}


def test_every_form_of_the_pages_refuses_control_characters():
    _import_everything()
    found = _subclasses(forms.Form)
    assert len(found) > 15  # the walk found the apps' forms
    forgotten = sorted(f"{c.__module__}.{c.__name__}" for c in found if not issubclass(c, Form))
    assert forgotten == []


def test_every_input_schema_of_the_api_refuses_control_characters():
    _import_everything()
    inputs = [
        c
        for c in _subclasses(Schema)
        if c.__name__.endswith(("In", "Patch", "Filters", "Query")) and "Out" not in c.__name__
    ]
    assert len(inputs) > 20  # the walk found the apps' schemas
    forgotten = sorted(
        f"{c.__module__}.{c.__name__}"
        for c in inputs
        if not issubclass(c, TextSchema | QuerySchema)
    )
    assert forgotten == []
