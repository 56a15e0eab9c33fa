"""The version diff on a hand-made pair: every mark written by hand."""

from __future__ import annotations

from cordee.codesign.diff import compare, mark, word_diff

FIELDS = ("objective", "segment", "offer", "call_to_action", "budget", "persona", "message")

OLD = {
    "objective": "Fill the pipeline of hospitals",
    "segment": ["Santé"],
    "offer": "A free audit",
    "call_to_action": "Book a demo",
    "budget": "5000.00",
    "persona": "",
    "message": "Save <time> & money",
}
NEW = {
    "objective": "Fill the pipeline of clinics and hospitals",
    "segment": ["Santé", "Industrie"],
    "offer": "A free audit",
    "call_to_action": "",
    "budget": "6000.00",
    "persona": "Head of purchasing",
    "message": "Save money",
}


def test_each_field_is_marked_by_hand():
    rows = {r.name: r.mark for r in compare(OLD, NEW, FIELDS)}
    assert rows == {
        "objective": "changed",
        "segment": "changed",
        "offer": "unchanged",
        "call_to_action": "removed",
        "budget": "changed",
        "persona": "added",
        "message": "changed",
    }


def test_the_rows_keep_the_fields_order_and_both_values():
    rows = compare(OLD, NEW, FIELDS)
    assert [r.name for r in rows] == list(FIELDS)
    assert (rows[4].old, rows[4].new) == ("5000.00", "6000.00")


def test_long_texts_are_compared_word_by_word():
    rows = {r.name: r for r in compare(OLD, NEW, FIELDS)}
    assert str(rows["objective"].words) == ("Fill the pipeline of <ins>clinics and</ins> hospitals")
    # escaped: the text's own < and & are no markup
    assert str(rows["message"].words) == "Save <del>&lt;time&gt; &amp;</del> money"
    assert str(rows["persona"].words) == "<ins>Head of purchasing</ins>"
    assert rows["offer"].words is None  # unchanged: nothing to mark
    assert rows["segment"].words is None  # a list: marked as a whole
    assert rows["call_to_action"].words is None  # a short text: marked as a whole


def test_a_replaced_word_is_deleted_then_inserted():
    assert (
        str(word_diff("a free audit", "a paid audit")) == "a <del>free</del> <ins>paid</ins> audit"
    )


def test_empty_values_are_neither_added_nor_removed():
    assert mark(None, "") == "unchanged"
    assert mark([], None) == "unchanged"
    assert mark(None, 3) == "added"
    assert mark(3, None) == "removed"
