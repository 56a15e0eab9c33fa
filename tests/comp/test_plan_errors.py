"""A bad pay-plan document is refused in the reader's language: the engine's ``PlanError``
carries a code and its values, the app (``comp.plan_errors``) writes its sentence in French or
English, and every code of the engine has its message."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from cordee.analytics.comp_plan import PROBLEMS, PlanError, plan_parse
from cordee.comp import services
from cordee.comp.plan_errors import MESSAGES, plan_error_text
from cordee.core.errors import ValidationFailed
from tests.comp.test_plans import _document

NBSP = "\u00a0"  # French typography: before : ; ? ! and inside « »

Change = Callable[[dict[str, Any]], Any]

CASES: list[tuple[Change, str, str, str, str]] = [
    (
        lambda d: d["components"][0].__setitem__("weight", 0.6),
        "components[0].weight",
        "not_a_number_string",
        'expected a number as a string such as "0.6", got 0.6.',
        'un nombre écrit en chaîne est attendu, comme "0.6", pas 0.6.',
    ),
    (
        lambda d: d["components"][0].__setitem__("weight", "-1"),
        "components[0].weight",
        "below_minimum",
        "-1 is below 0.",
        "-1 est inférieur à 0.",
    ),
    (
        lambda d: d["participants"][0].__setitem__("start", "16/02/2026"),
        "participants[0].start",
        "not_a_date",
        "'16/02/2026' is not a date (YYYY-MM-DD).",
        f"«{NBSP}16/02/2026{NBSP}» n’est pas une date (AAAA-MM-JJ).",
    ),
    (
        lambda d: d["participants"][0].__setitem__("side", "finance"),
        "participants[0].side",
        "not_one_of",
        "'finance' is not one of sales, marketing.",
        f"«{NBSP}finance{NBSP}» n’est pas l’une des valeurs suivantes{NBSP}: sales, marketing.",
    ),
    (
        lambda d: d["components"][1].__setitem__("period", {"support": "year"}),
        "components[1].period.support",
        "not_a_side",
        "'support' is not a side (sales, marketing).",
        f"«{NBSP}support{NBSP}» n’est pas un côté (sales, marketing).",
    ),
    (
        lambda d: d["participants"][0]["components"].append("bonus"),
        "participants[0].components[2]",
        "unknown_component",
        "'bonus' is not a component of the plan.",
        "'bonus' n’est pas un composant du plan.",
    ),
    (
        lambda d: d["participants"][0].pop("quota"),
        "participants[0].quota",
        "quota_missing",
        "'quota' is measured on the person: give its annual quota.",
        f"«{NBSP}quota{NBSP}» se mesure sur la personne{NBSP}: indiquez son quota annuel.",
    ),
    (
        lambda d: d["participants"][1].__setitem__("variable_target", "8000.001"),
        "participants[1].variable_target",
        "too_many_decimals",
        "8000.001 has more than 2 decimal places.",
        "8000.001 a plus de 2 décimales.",
    ),
    (
        lambda d: d.pop("clawback_days"),
        "clawback_days",
        "required",
        "this field is required.",
        "ce champ est obligatoire.",
    ),
]
IDS = [case[2] for case in CASES]


def _refusal(personas: Any, change: Change, language: str) -> ValidationFailed:
    document = _document(personas)
    change(document)
    with translation.override(language), pytest.raises(ValidationFailed) as refused:
        services.plan_create(actor=personas.actor("rita"), name="P", document=document)
    return refused.value


@pytest.mark.parametrize(("change", "path", "code", "english", "french"), CASES, ids=IDS)
def test_a_wrong_field_is_refused_in_the_readers_language(
    personas, change, path, code, english, french
):
    for language, text in (("en", english), ("fr", french)):
        refusal = _refusal(personas, change, language)
        assert {k: [str(m) for m in v] for k, v in refusal.field_errors.items()} == {path: [text]}


def test_a_document_that_is_not_an_object_is_refused_in_the_readers_language(personas):
    for language, text in (
        ("en", "a plan is a JSON object."),
        ("fr", "un plan est un objet JSON."),
    ):
        with translation.override(language), pytest.raises(ValidationFailed) as refused:
            services.plan_create(actor=personas.actor("rita"), name="P", document=[])
        assert [str(m) for m in refused.value.field_errors["document"]] == [text]


@pytest.mark.parametrize(("change", "path", "code", "english", "french"), CASES, ids=IDS)
def test_the_error_keeps_its_code_its_values_and_its_english(
    personas, change, path, code, english, french
):
    document = _document(personas)
    change(document)
    with pytest.raises(PlanError) as error:
        plan_parse(document)
    assert (error.value.path, error.value.code) == (path, code)
    assert error.value.problem == english and str(error.value) == f"{path}: {english}"
    with translation.override("fr"):
        assert plan_error_text(error.value) == french
    with translation.override("en"):
        assert plan_error_text(error.value) == english


def test_the_values_of_an_error_are_plain():
    document = {"currency": "EUR", "year": 2026, "clawback_days": 0, "components": []}
    document["participants"] = [{"person": "a@x.fr", "side": "finance"}]
    with pytest.raises(PlanError) as error:
        plan_parse(document)
    assert error.value.code == "not_one_of"
    assert error.value.params == {"value": "finance", "allowed": "sales, marketing"}


def test_every_code_of_the_engine_has_a_message_in_the_app():
    # A code added to comp_plan.PROBLEMS without its message here fails; the message id is the
    # engine's English sentence, so English reads the same in the app and on the command line.
    assert sorted(set(PROBLEMS) - set(MESSAGES)) == []
    assert sorted(set(MESSAGES) - set(PROBLEMS)) == []
    assert {code: m for code, m in MESSAGES.items() if m != PROBLEMS[code]} == {}


def test_every_message_is_translated_with_its_values():
    untranslated, values_lost = [], []
    for code, sentence in PROBLEMS.items():
        names = re.findall(r"%\((\w+)\)", sentence)
        error = PlanError("x", code, **{name: f"<{name}>" for name in names})
        with translation.override("en"):
            assert plan_error_text(error) == error.problem
        with translation.override("fr"):
            french = plan_error_text(error)
        if french == error.problem:
            untranslated.append(code)
        if any(f"<{name}>" not in french for name in names):
            values_lost.append(code)
    assert (untranslated, values_lost) == ([], [])
