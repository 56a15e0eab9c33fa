"""Find anything: ``search(actor, text)`` across leads, contacts, accounts, opportunities,
campaigns and feedback, accent- and case-insensitive, by word prefix, ranked.

One interface, two engines chosen by the database vendor:

- SQLite: the FTS5 table ``search_fts`` (tokenizer ``unicode61 remove_diacritics 2``), each
  word a prefix query (``"hel"*``), ranked by ``bm25`` with the title weighing 10 times the body;
- PostgreSQL: the stored ``tsvector`` of the folded columns (``tsv``, GIN index, migration
  0003), prefix queries (``'hel':*``), ranked by ``ts_rank`` with the title in weight A and the
  body in weight B — among the first ``WINDOW`` matches: a name is ranked whole, a prefix of two
  letters (a third of a million documents on the large demo) among a bounded sample. The
  prefixes of the names' words are indexed as words of their own (``pfx``, migration 0004): a
  name being typed is looked up whole before any prefix query is run (``_candidates``).

Both return candidates in the engine's order; ``_tier`` then puts, for both alike, an exact name
first, then names holding every searched word whole, then names whose words start with them,
then the rest (a body match).
Candidates are read back through each kind's own selector (``documents.KINDS[kind].readable``):
a record the reader may not read is never returned, even if its document is still there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.urls import reverse

from cordee.core.actor import Actor
from cordee.core.selectors import workspace_users
from cordee.search.documents import KINDS, words

LIMIT = 20
MAX_LIMIT = 100
PAGE_LIMIT = 50  # the search page's results; a more precise search beats a longer page
WINDOW = 500  # PostgreSQL: the most matches ranked (see _candidates)
# PostgreSQL: a common word is read from a sample of the index of 4 documents per match asked
# (a kind holds a share of the documents: contacts and leads about 40 % each on the demo),
# between these bounds (_matches)
SAMPLE = (200, 1000)


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    detail: str  # the words of the body, to tell two "Hélène Martin" apart
    url: str
    tier: int  # 0 exact name, 1 whole words of the name, 2 prefixes of them, 3 other words

    @property
    def kind_label(self) -> Any:
        return KINDS[self.kind].model._meta.verbose_name

    @property
    def summary(self) -> str:
        """The detail as a results line shows it (Django's ``truncatechars`` walks every
        character of its text: thirty results cost the page several milliseconds)."""
        return shortened(self.detail, 90)


def shortened(text: str, size: int) -> str:
    """``text`` cut to ``size`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


Candidate = tuple[str, int, str, str, str]


def _candidates(
    workspace_id: int, terms: list[str], kinds: list[str], limit: int, enough: int
) -> tuple[list[Candidate], bool]:
    """Up to ``limit`` (kind, object id, title, title_key, body), best first, in three steps,
    each run only when the ones before do not hold ``enough`` names; and whether they are all
    the three steps would give (``enough`` names may be fewer than ``limit``: the shown ones,
    when the rest is only read in case some of them may not be):

    1. whole words (tiers 0 and 1 when in the name): when ``enough`` names hold every word
       whole, no match by prefix only (tier 2 at best) can come before them;
    2. PostgreSQL: names whose words start with the terms (tier 2), each prefix looked up whole
       in the index of the names' prefixes (``pfx``, migration 0004);
    3. every word starting with the terms, names and the rest — the prefix query, many times
       dearer on a large index, whose every entry starting with the prefix it must read.
    """
    # more than ``limit`` read: the engine's rank may put a match in the other words (tier 3)
    # before a name
    window = min(WINDOW, limit * 5)
    whole = _matches(workspace_id, terms, kinds, window, mode=WHOLE)
    named = [c for c in whole if _tier(terms, c[3]) <= 1]
    if len(named) >= enough:
        return named[:limit], len(named) >= limit
    if connection.vendor == "postgresql":
        seen = {(c[0], c[1]) for c in named}
        # names only (tiers 2 and better): no need to read more than asked
        started = _matches(workspace_id, terms, kinds, limit, mode=NAME_PREFIX)
        named += [c for c in started if (c[0], c[1]) not in seen]
        if len(named) >= enough:
            return named[:limit], len(named) >= limit
    return _matches(workspace_id, terms, kinds, limit, mode=PREFIX), True


WHOLE, NAME_PREFIX, PREFIX = "whole", "name prefix", "prefix"


def _matches(
    workspace_id: int, terms: list[str], kinds: list[str], limit: int, *, mode: str
) -> list[Candidate]:
    """The documents holding every word (``WHOLE``), a word starting with each (``PREFIX``), or
    a name whose words start with each (``NAME_PREFIX``, PostgreSQL only), in the engine's
    order."""
    kind_marks = ", ".join(["%s"] * len(kinds))
    if connection.vendor == "postgresql":
        # the terms are words (``\w+``): nothing in them to quote
        whole = " & ".join(f"'{t}'" for t in terms)
        prefixes = " & ".join(f"'{t}':*" for t in terms)
        if mode == NAME_PREFIX:
            # the prefixes are lexemes as they are (no dictionary): cast, not to_tsquery
            match, match_param = "pfx @@ %s::tsquery", whole
        else:
            match = "tsv @@ to_tsquery('simple'::regconfig, %s)"
            match_param = whole if mode == WHOLE else prefixes
        rank = "ORDER BY ts_rank(tsv, to_tsquery('simple'::regconfig, %s)) DESC, id LIMIT %s"
        rank_param = whole if mode == WHOLE else prefixes
        scope = f"workspace_id = %s AND kind IN ({kind_marks})"
        # every match of the workspace and kinds, ranked among the first WINDOW found; the
        # planner chooses how to find them (a LIMIT this small: often the table in order)
        scoped = (
            "SELECT kind, object_id, title, title_key, body FROM ("
            "SELECT id, kind, object_id, title, title_key, body, tsv "
            f"FROM search_searchdocument WHERE {scope} AND {match} LIMIT %s) AS c {rank}"
        )
        scoped_params: list[Any] = [workspace_id, *kinds, match_param, WINDOW, rank_param, limit]
        with connection.cursor() as cursor:
            if mode == PREFIX:
                # every word starting with each prefix: read from a bounded sample that the
                # index hands over (``gin_fuzzy_search_limit``)
                return _fetched(cursor, scoped, scoped_params, sample=WINDOW * 10)
            # Whole words, in the documents' words or the names' prefixes: taken from the
            # full-text index alone (a materialised CTE, sequential scans off), then scoped.
            # With the workspace and the kind in the same WHERE, PostgreSQL ANDed the index
            # with a B-tree bitmap of every contact (1M entries, 60–100 ms on the large demo)
            # or, tempted by the LIMIT, read the table in order (up to 0.7 s for a rare word).
            # One word is read from a sample of the index (SAMPLE) — never several, whose
            # samples would miss the very documents holding them all.
            sampled = len(terms) == 1
            found = _fetched(
                cursor,
                "WITH m AS MATERIALIZED (SELECT id, workspace_id, kind, object_id, title, "
                f"title_key, body, tsv FROM search_searchdocument WHERE {match}) "
                f"SELECT kind, object_id, title, title_key, body FROM m WHERE {scope} {rank}",
                [match_param, workspace_id, *kinds, rank_param, limit],
                sample=min(max(limit * 4, SAMPLE[0]), SAMPLE[1]) if sampled else 0,
                index_only=True,
            )
            if sampled and len(found) < limit:
                # fewer than asked: the word is rare (all its documents were read: cheap to
                # read again), or the sample held too few of these kinds (a small kind:
                # campaigns, feedback; or other workspaces' documents) — every match of the
                # workspace and kinds, which PostgreSQL finds by the kind when it is small
                return _fetched(cursor, scoped, scoped_params, sample=0)
            return found
    else:
        star = "*" if mode == PREFIX else ""
        query = " ".join(f'"{t}"{star}' for t in terms)
        sql = (
            "SELECT d.kind, d.object_id, d.title, d.title_key, d.body "
            "FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND d.workspace_id = %s AND d.kind IN ({kind_marks}) "
            "ORDER BY bm25(search_fts, 10.0, 1.0), d.id LIMIT %s"
        )
        params: list[Any] = [query, workspace_id, *kinds, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(k, int(i), t, tk, b) for k, i, t, tk, b in cursor.fetchall()]


def _fetched(
    cursor: Any, sql: str, params: list[Any], *, sample: int, index_only: bool = False
) -> list[Candidate]:
    """``sql``'s candidates, the index's sample limited to ``sample`` documents (0: none),
    ``index_only`` sequential scans off, and no JIT compilation (the planner prices a sampled
    word at its full count: JIT compiled for 30–40 ms a query that runs in 10) — for this
    query only, whatever transaction is around it.

    Outside a transaction (a request, autocommit), the settings and the query go in one
    message: PostgreSQL runs the statements of one message in one implicit transaction, at
    whose end the settings (``set_config(…, true)``: local) are gone — one round trip instead
    of five. In a transaction (a test, a task), they are set, then put back as they were."""
    settings = (
        "set_config('gin_fuzzy_search_limit', %s, true), "
        "set_config('enable_seqscan', %s, true), set_config('jit', 'off', true)"
    )
    values = [str(sample), "off" if index_only else "on"]
    # (server-side binding, an option of Django's backend, would refuse two statements)
    one_message = not connection.in_atomic_block and not connection.settings_dict.get(
        "OPTIONS", {}
    ).get("server_side_binding")
    if one_message:
        cursor.execute(f"SELECT {settings}; {sql}", [*values, *params])
        cursor.nextset()
        rows = cursor.fetchall()
    else:
        with transaction.atomic():  # a savepoint when in a transaction already
            cursor.execute(
                "SELECT current_setting('gin_fuzzy_search_limit'), "
                f"current_setting('enable_seqscan'), current_setting('jit'), {settings}",
                values,
            )
            before = cursor.fetchone()[:3]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT set_config('gin_fuzzy_search_limit', %s, true), "
                "set_config('enable_seqscan', %s, true), set_config('jit', %s, true)",
                before,
            )
    return [(k, int(i), t, tk, b) for k, i, t, tk, b, *_rank in rows]


def _tier(terms: list[str], title_key: str) -> int:
    """0: the name is exactly the words; 1: the name holds every word whole ("Transports
    Martin" for "martin"); 2: the name's words start with them ("Martinez"); 3: elsewhere."""
    title_words = title_key.split()
    if title_words == terms:
        return 0
    if all(t in title_words for t in terms):
        return 1
    if all(any(w.startswith(t) for w in title_words) for t in terms):
        return 2
    return 3


def _readable(
    actor: Actor, terms: list[str], found: list[Candidate], limit: int
) -> list[tuple[int, int, str, int, str, str]]:
    """(tier, order, kind, id, title, body) of the candidates the actor may read, best first,
    at least ``limit`` when there are. Only which of them the actor may read is asked — the
    rows themselves are not needed, the document holds their names: the best ``limit`` first,
    the others only if some of those may not be."""
    ranked = sorted(
        (_tier(terms, title_key), order, kind, pk, title, body)
        for order, (kind, pk, title, title_key, body) in enumerate(found)
    )
    shown: list[tuple[int, int, str, int, str, str]] = []
    for batch in (ranked[:limit], ranked[limit:]):
        if len(shown) >= limit or not batch:
            break
        ids_of: dict[str, list[int]] = {}
        for candidate in batch:
            ids_of.setdefault(candidate[2], []).append(candidate[3])
        readable = {
            kind: set(KINDS[kind].readable(actor, ids).order_by().values_list("pk", flat=True))
            for kind, ids in ids_of.items()
        }
        shown += [c for c in batch if c[3] in readable[c[2]]]
    return shown


def search(
    actor: Actor, text: str, kinds: Iterable[str] | None = None, limit: int = LIMIT
) -> list[Hit]:
    """The actor's records matching every word of ``text`` (as a word prefix), best first."""
    terms = words(text)[:10]
    wanted = [k for k in (kinds or KINDS) if k in KINDS]
    if not terms or not wanted:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    # a few more candidates than shown: some may be unreadable, and the tiers reorder them;
    # the prefix query only when the names do not fill the answer — or when some of them may
    # not be read
    size = max(limit * 3, 40)
    found, complete = _candidates(actor.workspace.pk, terms, wanted, size, enough=limit)
    shown = _readable(actor, terms, found, limit)
    if len(shown) < limit and not complete:
        found, _complete = _candidates(actor.workspace.pk, terms, wanted, size, enough=size)
        shown = _readable(actor, terms, found, limit)
    # one reverse per kind, not per hit: the detail pages' paths end with the record's id
    url_of = {
        kind: reverse(KINDS[kind].url_name, args=[actor.workspace.slug, 0]).removesuffix("0/")
        for kind in {c[2] for c in shown}
    }
    return [
        Hit(
            kind,
            pk,
            title or f"{KINDS[kind].model._meta.verbose_name} #{pk}",
            body[:160],
            f"{url_of[kind]}{pk}/",
            tier,
        )
        for tier, _order, kind, pk, title, body in shown[:limit]
    ]


def grouped(hits: list[Hit]) -> list[tuple[str, Any, list[Hit]]]:
    """(kind, its label, its hits) in the order of the kinds' best hit."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return [(kind, KINDS[kind].label, items) for kind, items in groups.items()]


@dataclass(frozen=True)
class Choice:
    """One proposal of a search-as-you-type field: the id it sets, what it shows."""

    id: int
    label: str
    detail: str


PICKABLE = ("contact", "account", "lead", "opportunity", "campaign", "user")


def pick(actor: Actor, kind: str, text: str, limit: int = 8) -> list[Choice]:
    """What a foreign-key field of ``kind`` proposes for ``text``: the best matches only, never
    the whole table. People (``user``: the workspace's active members) are matched by the same
    folded word prefixes, in memory (a workspace has members by the hundred, not the million)."""
    if kind == "user":
        terms = words(text)
        found = []
        for user in workspace_users(actor=actor):
            name_words = words(f"{user.get_full_name()} {user.email}")
            if all(any(w.startswith(t) for w in name_words) for t in terms):
                found.append(Choice(user.pk, str(user), user.email))
        return found[:limit]
    if kind not in PICKABLE:
        return []
    return [
        Choice(h.id, h.title, shortened(h.detail, 60)) for h in search(actor, text, [kind], limit)
    ]
