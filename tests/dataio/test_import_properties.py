"""Property-based: malformed rows thrown at the importer never half-write, and every rejection
names the physical line where its record starts (computed here, independently of the reader)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cordee.crm.models import Account, Contact
from tests.dataio.helpers import import_file, report_of

WORDS = (
    st.text(alphabet="abcdefghijéèàçœ ABC-'", min_size=1, max_size=12).map(str.strip).filter(bool)
)
GOOD_EMAIL = st.builds(
    lambda n, i: f"{n}{i}@example.fr",
    st.sampled_from(["anne", "bob", "zoe"]),
    st.integers(0, 10_000),
)
BAD_EMAIL = st.sampled_from(["pas-un-email", "a@@b.fr", "@example.fr", "x y@example.fr"])
GOOD_COUNTRY = st.sampled_from(["", "FR", "France", "Belgique", "de"])
BAD_COUNTRY = st.sampled_from(["Atlantide", "Groland"])
NOTE = st.one_of(WORDS, st.builds(lambda a, b: f"{a}\n{b}", WORDS, WORDS))  # quoted newlines


@st.composite
def rows(draw):
    """(fields, bad?) for one contact; a bad row has exactly one bad cell or too many cells."""
    fault = draw(st.sampled_from(["none", "none", "email", "country", "too_long", "extra_cells"]))
    email = draw(BAD_EMAIL if fault == "email" else GOOD_EMAIL)
    country = draw(BAD_COUNTRY if fault == "country" else GOOD_COUNTRY)
    last = "x" * 81 if fault == "too_long" else draw(WORDS)
    fields = [email, draw(WORDS), last, draw(NOTE), country, draw(WORDS)]
    if fault == "extra_cells":
        fields += ["surplus"]
    return fields, fault != "none"


def build(records):
    """The CSV text and, for each record, the physical line where it starts."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Email", "First Name", "Last Name", "Job Title", "Country", "Company Name"])
    starts, line = [], 2
    for fields, _bad in records:
        starts.append(line)
        writer.writerow(fields)
        line += 1 + sum(f.count("\n") for f in fields)
    return buffer.getvalue(), starts


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(rows(), min_size=1, max_size=12), keep=st.booleans())
def test_malformed_rows_are_named_by_line_and_never_half_written(personas, tmp_path, records, keep):
    text, starts = build(records)
    path = tmp_path / "contacts.csv"
    path.write_bytes(text.encode("cp1252", errors="replace"))
    bad_lines = {start for start, (_f, bad) in zip(starts, records, strict=True) if bad}
    # rows sharing an e-mail merge into the first one: one contact per distinct good e-mail
    good_emails = {f[0].lower() for f, bad in records if not bad}
    try:
        with transaction.atomic():
            job = import_file(personas, path, "contacts", keep_good_rows=keep)
            rejected = {e["line"] for e in report_of(job)["errors"]}
            assert rejected == bad_lines
            assert all(e["reason"] for e in report_of(job)["errors"])
            if bad_lines and not keep:
                assert job.status == "failed"
                assert Contact.objects.count() == 0 and Account.objects.count() == 0
            else:
                assert job.status == "succeeded"
                assert set(Contact.objects.values_list("email", flat=True)) == good_emails
            raise Rollback
    except Rollback:
        pass
