"""Find anything (search/selectors.py): accents and case folded, word prefixes, ranking, one
workspace only, read through each kind's own selector, documents kept current by every writer.

The suite runs on SQLite (FTS5) and on PostgreSQL (tsvector + GIN): every test here runs on
whichever the run uses, so both engines answer the same questions."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cordee.core.records import record_create, record_delete, record_update
from cordee.crm import records as crm_records
from cordee.crm.models import Account, Contact
from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.services import import_job_create
from cordee.feedback.models import FeedbackItem
from cordee.search.documents import fold
from cordee.search.models import SearchDocument
from cordee.search.selectors import search, shortened
from cordee.search.services import documents_refresh_since
from tests import factories as f


def _titles(actor, text, **kw):
    return [(h.kind, h.title) for h in search(actor, text, **kw)]


@pytest.fixture
def helene(personas):
    """Hélène Dupré, contact at Acme's client Brasserie Lefèvre, and her lead."""
    account = f.AccountFactory(workspace=personas.acme, name="Brasserie Lefèvre")
    contact = f.ContactFactory(
        workspace=personas.acme,
        account=account,
        first_name="Hélène",
        last_name="Dupré",
        email="h.dupre@lefevre.fr",
    )
    f.LeadFactory(workspace=personas.acme, contact=contact)
    f.ContactFactory(workspace=personas.acme, first_name="Paul", last_name="Martin")
    return contact


def test_fold_removes_accents_and_case():
    assert fold("Hélène DUPRÉ") == "helene dupre"
    assert fold("Ærø Straße") == "ærø strasse"  # what Unicode does not decompose stays


@pytest.mark.parametrize(
    "text", ["helene", "Hélène", "HELENE", "hél", "hel", "HÉL", "dupre", "hel dup", "Dupré Hélène"]
)
def test_accented_names_are_found_without_accents_case_or_the_whole_word(personas, helene, text):
    found = _titles(personas.actor("bob"), text)
    assert ("contact", "Hélène Dupré") in found
    assert ("lead", "Hélène Dupré") in found  # a lead is found by its contact's name
    assert all("Martin" not in title for _kind, title in found)


def test_every_word_must_match_and_only_as_a_word_prefix(personas, helene):
    bob = personas.actor("bob")
    assert _titles(bob, "helene martin") == []  # no record holds both
    assert _titles(bob, "elene") == []  # inside a word: not a prefix
    assert _titles(bob, "") == [] == _titles(bob, "  !? ")


def test_body_words_find_the_record_and_kinds_narrow(personas, helene):
    bob = personas.actor("bob")
    # the account's name is in the contact's and the lead's documents, and is the account's title
    assert sorted(_titles(bob, "lefevre")) == [
        ("account", "Brasserie Lefèvre"),
        ("contact", "Hélène Dupré"),
        ("lead", "Hélène Dupré"),
    ]
    assert _titles(bob, "lefevre", kinds=["contact"]) == [("contact", "Hélène Dupré")]
    assert _titles(bob, "h.dupre", kinds=["contact"]) == [("contact", "Hélène Dupré")]


def test_an_exact_name_beats_a_prefix_which_beats_a_body_match(personas):
    ws = personas.acme
    # exact: the campaign's name is the searched word; whole word: "Transports Martin"; prefix:
    # "Martinez" starts with it; body: a feedback item that says "martin" five times in its text
    # but not in its title. bm25 and ts_rank alone would rank the five mentions first, and the
    # longer names after the shorter; the tiers must not.
    f.AccountFactory(workspace=ws, name="Martinez Industrie")
    f.CampaignFactory(workspace=ws, name="Martin")
    f.AccountFactory(workspace=ws, name="Transports Martin")
    FeedbackItem.objects.create(
        workspace=ws,
        kind="objection",
        title="Retour du salon",
        text="martin martin martin martin martin",
        author=personas.bob,
        submitted_at=timezone.now(),
    )
    hits = search(personas.actor("alice"), "martin")
    assert [(h.title, h.tier) for h in hits] == [
        ("Martin", 0),
        ("Transports Martin", 1),
        ("Martinez Industrie", 2),
        ("Retour du salon", 3),
    ]


def test_whole_names_enough_to_fill_the_answer_skip_the_prefix_query(personas):
    """Names holding every word whole come before any match by prefix only: when they alone
    fill the answer, what the prefix query would add can only come after them, and it is not
    run; when they do not, it is, and the prefixes fill the rest."""
    ws = personas.acme
    for i in range(40):  # as many as the candidates read for an answer of up to 13
        f.ContactFactory(workspace=ws, first_name="Hélène", last_name="Martin", email=f"hm{i}@a.fr")
    f.ContactFactory(workspace=ws, first_name="Hélène", last_name="Martineau")
    f.ContactFactory(workspace=ws, first_name="Paul", last_name="Martin", job_title="Hélène")
    alice = personas.actor("alice")
    with CaptureQueriesContext(connection) as queries:
        hits = search(alice, "helene martin", ["contact"], limit=3)
    assert [(h.title, h.tier) for h in hits] == [("Hélène Martin", 0)] * 3
    prefix_queries = [q for q in queries.captured_queries if ":*" in q["sql"] or '"*' in q["sql"]]
    assert queries.captured_queries and not prefix_queries
    # forty whole names do not fill fifty: the prefix brings Martineau, then the body match
    hits = search(alice, "helene martin", ["contact"], limit=50)
    assert [(h.title, h.tier) for h in hits] == [("Hélène Martin", 0)] * 40 + [
        ("Hélène Martineau", 2),
        ("Paul Martin", 3),
    ]
    # a word still being typed is a prefix, whole words or not
    assert {h.title for h in search(alice, "helene marti", ["contact"], limit=50)} == {
        "Hélène Martin",
        "Hélène Martineau",
        "Paul Martin",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the prefix index is PostgreSQL's")
def test_names_being_typed_are_looked_up_whole_in_the_index_of_their_words_prefixes(personas):
    """A word still being typed is found among the prefixes of the names' words, each indexed
    as a word of its own; the prefix query (every word of every document starting with it) runs
    only when those names do not fill the answer."""
    ws = personas.acme
    for i in range(45):  # more than the 40 candidates read for an answer of up to 13
        f.ContactFactory(
            workspace=ws, first_name="Stéphanie", last_name="Dubois", email=f"s{i}@a.fr"
        )
    f.ContactFactory(workspace=ws, first_name="Paul", last_name="Martin", job_title="Stéphanois")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pfx::text FROM search_searchdocument WHERE kind = 'contact' AND title = %s",
            ["Paul Martin"],
        )
        assert (
            cursor.fetchone()[0] == "'m' 'ma' 'mar' 'mart' 'marti' 'martin' 'p' 'pa' 'pau' 'paul'"
        )
    alice = personas.actor("alice")

    def matched_by(sql):  # what the WHERE clause looks up (the ORDER BY ranks by prefix too)
        where = sql.split("ORDER BY")[0]
        return "names' prefixes" if "pfx @@" in where else "prefix" if ":*" in where else "whole"

    with CaptureQueriesContext(connection) as queries:
        hits = search(alice, "Steph dub", ["contact"], limit=5)
    assert [(h.title, h.tier) for h in hits] == [("Stéphanie Dubois", 2)] * 5
    lookups = [matched_by(q["sql"]) for q in queries.captured_queries if "@@" in q["sql"]]
    assert lookups == ["whole", "names' prefixes"]
    # the names do not fill fifty: the prefix query adds the job title that starts with it
    with CaptureQueriesContext(connection) as queries:
        hits = search(alice, "steph", ["contact"], limit=50)
    assert [(h.title, h.tier) for h in hits] == [("Stéphanie Dubois", 2)] * 45 + [
        ("Paul Martin", 3)
    ]
    lookups = [matched_by(q["sql"]) for q in queries.captured_queries if "@@" in q["sql"]]
    # one word: each whole-word lookup reads a sample of the index first, then, holding fewer
    # than asked here, every match of the workspace and kind
    assert lookups == ["whole", "whole", "names' prefixes", "names' prefixes", "prefix"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index's sample is PostgreSQL's")
def test_the_planner_settings_of_a_search_query_are_its_own(personas):
    """A word is read from a bounded sample of the index (``gin_fuzzy_search_limit``) with
    sequential scans off; both are set for that query only: the transaction around it (a test,
    a request run in one) goes on with its own settings, and a query of several whole words
    is never read from a sample left by an earlier one (the samples of each word would miss
    the names holding them all)."""
    from cordee.search.selectors import NAME_PREFIX, PREFIX, WHOLE, _matches

    def settings():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('gin_fuzzy_search_limit'), "
                "current_setting('enable_seqscan')"
            )
            return cursor.fetchone()

    ws = personas.acme
    f.ContactFactory(workspace=ws, first_name="Paul", last_name="Martin")
    with connection.cursor() as cursor:  # this test runs in a transaction
        cursor.execute("SET LOCAL gin_fuzzy_search_limit = 7")
    for terms, mode in ((["mar"], NAME_PREFIX), (["ma"], PREFIX), (["martin"], WHOLE)):
        assert [c[2] for c in _matches(ws.pk, terms, ["contact"], 10, mode=mode)] == ["Paul Martin"]
        assert settings() == ("7", "on")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL gin_fuzzy_search_limit = 0")
    found = _matches(ws.pk, ["paul", "martin"], ["contact"], 10, mode=WHOLE)
    assert [c[2] for c in found] == ["Paul Martin"]
    assert settings() == ("0", "on")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_settings_and_the_query_are_one_round_trip():
    """A request runs in autocommit: each lookup sends its planner settings and its query in
    one message (one implicit transaction: the settings end with it) — the answer is the same
    as in a transaction, and the connection keeps its own settings for the next query."""
    if connection.vendor != "postgresql":
        pytest.skip("the planner settings are PostgreSQL's")
    from cordee.search.selectors import NAME_PREFIX, PREFIX, WHOLE, _matches

    ws = f.WorkspaceFactory()
    f.ContactFactory(workspace=ws, first_name="Paul", last_name="Martin")
    f.ContactFactory(workspace=ws, first_name="Pauline", last_name="Marchand")
    assert not connection.in_atomic_block
    cases = (
        (["martin"], WHOLE, ["Paul Martin"]),
        (["paul", "martin"], WHOLE, ["Paul Martin"]),
        (["mar"], NAME_PREFIX, ["Paul Martin", "Pauline Marchand"]),
        (["pau", "ma"], PREFIX, ["Paul Martin", "Pauline Marchand"]),
    )
    for terms, mode, titles in cases:
        with CaptureQueriesContext(connection) as queries:
            found = _matches(ws.pk, terms, ["contact"], 10, mode=mode)
        assert sorted(c[2] for c in found) == titles
        # each lookup one message, settings first (a rare word is read twice: a sample of the
        # index, then every match); no BEGIN, no COMMIT, no restoring
        sent = [q["sql"] for q in queries.captured_queries]
        assert 1 <= len(sent) <= 2
        assert all(sql.startswith("SELECT set_config(") and "; " in sql for sql in sent)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('gin_fuzzy_search_limit'), "
                "current_setting('enable_seqscan')"
            )
            assert cursor.fetchone() == ("0", "on")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index's sample is PostgreSQL's")
def test_a_word_too_rare_in_the_sample_of_the_index_is_looked_up_in_full(personas, monkeypatch):
    """One word is read from a sample of the index across every workspace and kind; when the
    sample was cut and holds too few of the asked kinds (campaigns among a million contacts),
    every match of the workspace and kinds is read instead."""
    from cordee.search import selectors

    ws = personas.acme
    for i in range(30):
        f.ContactFactory(workspace=ws, first_name="Salon", last_name=f"Visiteur{i}")
    campaign = f.CampaignFactory(workspace=ws, name="Salon Vivatech")
    monkeypatch.setattr(selectors, "SAMPLE", (10, 10))  # the index hands over about ten of 31
    with connection.cursor() as cursor:  # new entries wait in the index's pending list
        cursor.execute("SELECT gin_clean_pending_list('search_document_fts'::regclass)")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL gin_fuzzy_search_limit = 10")
        cursor.execute("SELECT count(*) FROM search_searchdocument WHERE tsv @@ 'salon'::tsquery")
        assert cursor.fetchone()[0] < 31  # the sample is real: cut
        cursor.execute("SET LOCAL gin_fuzzy_search_limit = 0")
        cursor.execute("SET LOCAL enable_seqscan = on")

    found = selectors._matches(ws.pk, ["salon"], ["campaign"], 5, mode=selectors.WHOLE)

    assert [(c[0], c[1]) for c in found] == [("campaign", campaign.pk)]
    assert len(selectors._matches(ws.pk, ["salon"], ["contact"], 50, mode=selectors.WHOLE)) == 30


def test_another_workspaces_records_are_never_returned(personas, helene):
    f.ContactFactory(workspace=personas.globex, first_name="Hélène", last_name="Globex")
    assert {t for _k, t in _titles(personas.actor("bob"), "helene")} == {"Hélène Dupré"}
    assert {t for _k, t in _titles(personas.actor("carol"), "helene")} == {"Hélène Globex"}


def test_a_document_the_reader_may_not_read_through_its_kind_is_not_returned(personas):
    # a document filed under Acme whose record is Globex's (a stale or forged row): the record is
    # read back through the kind's own selector (record_queryset: the reader's workspace only)
    theirs = f.ContactFactory(workspace=personas.globex, first_name="Zoé", last_name="Secret")
    SearchDocument.objects.filter(kind="contact", object_id=theirs.pk).update(
        workspace=personas.acme
    )
    assert SearchDocument.objects.filter(workspace=personas.acme, title="Zoé Secret").exists()
    assert _titles(personas.actor("erin"), "zoe") == []
    assert _titles(personas.actor("carol"), "zoe") == []  # the document left her workspace


def test_unreadable_best_matches_give_their_places_to_the_next_readable_ones(personas):
    # the three best matches (exact names) are forged documents of Globex's records; the
    # readable ones behind them still fill the answer, best first, and only what is shown is
    # checked when the best are readable
    for _ in range(3):
        theirs = f.ContactFactory(workspace=personas.globex, first_name="Zoé", last_name="")
        SearchDocument.objects.filter(kind="contact", object_id=theirs.pk).update(
            workspace=personas.acme
        )
    ours = [
        f.ContactFactory(workspace=personas.acme, first_name="Zoé", last_name=f"Martin{i}")
        for i in range(5)
    ]
    erin = personas.actor("erin")

    hits = search(erin, "zoe", ["contact"], limit=3)

    assert [h.tier for h in hits] == [1, 1, 1]
    assert {h.id for h in hits} <= {c.pk for c in ours}
    with CaptureQueriesContext(connection) as queries:
        search(erin, "martin0", ["contact"], limit=1)
    assert len([q for q in queries.captured_queries if "crm_contact" in q["sql"]]) == 1


def test_the_index_follows_creates_updates_and_deletes(personas):
    rita = personas.actor("rita")
    contact = record_create(
        actor=rita,
        spec=crm_records.CONTACTS,
        data={"first_name": "Éloïse", "last_name": "Roux", "email": "e.r@exemple.fr"},
    )
    lead = f.LeadFactory(workspace=personas.acme, contact=contact)
    assert sorted(_titles(rita, "eloise")) == [("contact", "Éloïse Roux"), ("lead", "Éloïse Roux")]

    record_update(
        actor=rita, spec=crm_records.CONTACTS, instance=contact, data={"last_name": "Blanc"}
    )
    assert _titles(rita, "roux") == []  # the old name is gone from the contact AND its lead
    assert sorted(_titles(rita, "eloise blanc")) == [
        ("contact", "Éloïse Blanc"),
        ("lead", "Éloïse Blanc"),
    ]

    lead.delete()
    assert _titles(rita, "eloise") == [("contact", "Éloïse Blanc")]
    record_delete(actor=rita, spec=crm_records.CONTACTS, instance=contact)
    assert _titles(rita, "eloise") == []
    assert not SearchDocument.objects.filter(title__startswith="Éloïse").exists()


def test_rows_written_by_a_bulk_import_are_found(personas):
    content = (
        "Email,First Name,Last Name,Company\r\n"
        "emilie@zola.fr,Émilie,Zola,Éditions Charpentier\r\n"
        "jules@verne.fr,Jules,Verne,Hetzel\r\n"
    )
    job = import_job_create(
        actor=personas.actor("rita"),
        kind="contacts",
        filename="contacts.csv",
        content=io.BytesIO(content.encode("utf-8")),
    )
    job = import_job_run(job_id=job.pk)
    assert job.status == "succeeded", job.report

    alice = personas.actor("alice")
    assert _titles(alice, "emilie", kinds=["contact"]) == [("contact", "Émilie Zola")]
    assert _titles(alice, "verne") == [("contact", "Jules Verne")]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_the_fts5_table_mirrors_the_documents(personas, helene):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'helene'")
        # the contact and the lead (remove_diacritics folds "Hélène" in the tokenizer)
        assert cursor.fetchone()[0] == 2


def test_a_bulk_write_refreshes_what_it_touched_and_the_documents_showing_its_names(personas):
    account = f.AccountFactory(workspace=personas.acme, name="Forges de Côte")
    contact = f.ContactFactory(workspace=personas.acme, account=account, first_name="Anaïs")
    untouched = f.ContactFactory(workspace=personas.acme, first_name="Bérénice")
    since = timezone.now()
    # what an import does: an UPDATE that sends no signal (its updated_at moves)
    Account.objects.filter(pk=account.pk).update(name="Aciéries Nouvelles", updated_at=since)
    Contact.objects.filter(pk=untouched.pk).update(first_name="Zélie")  # before ``since``
    alice = personas.actor("alice")
    assert _titles(alice, "acieries") == []  # no signal: the documents are stale

    written = documents_refresh_since(workspace_id=personas.acme.pk, since=since)

    # the account, and the contact whose document names it; not the contact written before
    assert written == 2
    assert sorted(_titles(alice, "acieries")) == [
        ("account", "Aciéries Nouvelles"),
        ("contact", str(contact)),
    ]
    assert _titles(alice, "zelie") == []


def test_records_from_before_the_search_are_indexed_after_migrate(personas, helene):
    """A database that held records before the search existed has no document: the search
    app's post-migrate step indexes such workspaces (never inside a migration), once."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    config = apps.get_app_config("search")
    SearchDocument.objects.all().delete()
    assert search(personas.actor("alice"), "helene") == []
    post_migrate.send(sender=config, app_config=config, verbosity=0, using="default", apps=apps)
    assert [hit.title for hit in search(personas.actor("alice"), "helene")][:1] != []
    before = SearchDocument.objects.count()
    post_migrate.send(sender=config, app_config=config, verbosity=0, using="default", apps=apps)
    assert SearchDocument.objects.count() == before  # indexed workspaces are left alone


def test_a_results_line_shortens_the_detail_to_ninety_characters_with_an_ellipsis():
    assert shortened("a" * 90, 90) == "a" * 90
    assert shortened("a" * 88 + " bcd", 90) == "a" * 88 + "…"  # the space before the cut goes
    assert shortened("h.dupre@lefevre.fr", 60) == "h.dupre@lefevre.fr"
