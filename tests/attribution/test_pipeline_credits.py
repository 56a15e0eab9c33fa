"""A period's attribution also credits its SQLs in pipeline created; the lock keeps the signed
model's pipeline credits, and the KPI "pipeline attributed to marketing" reads them.

Acme (Europe/Paris, EUR, fiscal year = calendar year), Q2 2026 (1 April – 30 June):

| lead | marketing touches (Paris time)                    | opportunity created on | amount    |
|------|---------------------------------------------------|------------------------|-----------|
| P    | seo 2 Apr, emailing 10 Apr, webinar 20 Apr        | 15 Apr (open)          | 9 000 €   |
| Q    | sea 1 May, linkedin 5 May 23:30, webinar 6 May 00:30 | 5 May (won 20 July) | 6 000 €   |
| R    | seo 3 May                                          | 4 May                  | 2 000 USD |
| S    | none (a sales call only)                           | 10 May                 | 3 000 €   |
| —    | (no lead)                                          | 12 May                 | 4 000 €   |
| T    | event 2 Apr                                        | 1 March (Q1)           | 8 000 €   |
| U    | seo 1 Jul                                          | 1 July (Q3)            | 5 000 €   |

By hand:

- SQLs of Q2 (created from a lead in Q2): P, Q, R, S = 4; pipeline created 9 000 + 6 000 +
  3 000 = 18 000 € (R's 2 000 USD apart); the opportunity without lead is no SQL; T's and U's
  are other quarters'.
- Journeys up to the end of the creation day (Paris): P = seo, emailing (webinar is after
  15 April); Q = sea, linkedin (23:30 on 5 May is still 5 May; 00:30 on 6 May — 5 May 22:30 in
  UTC — is not); R = seo, value 0 (USD); S has none → pipeline without marketing touch: 1 SQL,
  3 000 €, outside the credits. T (last touch 2 April, in Q2, not an SQL of Q2) is a
  non-converting journey.
- Credits in pipeline (€), the channels of the journeys: emailing, event, linkedin, sea, seo:

  - last touch: P → emailing 9 000; Q → linkedin 6 000; R → seo 0;
  - first touch: P → seo 9 000; Q → sea 6 000;
  - linear: P halves 9 000 between seo and emailing (4 500 each); Q halves 6 000 between sea
    and linkedin (3 000 each);
  - every model: credits add up to 18 000 − 3 000 = 15 000 €.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from cordee.attribution.models import AttributionLock, AttributionSnapshot
from cordee.attribution.services import lock_sign
from cordee.attribution.snapshots import snapshot_compute
from cordee.core.actor import Actor
from cordee.funnel import kpis
from cordee.funnel.models import Lead, OpportunityStage, Stage, TouchKind
from cordee.tenancy.models import Workspace
from tests import factories as f

PARIS = ZoneInfo("Europe/Paris")
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))

LAST = {
    "emailing": "9000.00",
    "event": "0.00",
    "linkedin": "6000.00",
    "sea": "0.00",
    "seo": "0.00",
}
FIRST = {
    "emailing": "0.00",
    "event": "0.00",
    "linkedin": "0.00",
    "sea": "6000.00",
    "seo": "9000.00",
}
LINEAR = {
    "emailing": "4500.00",
    "event": "0.00",
    "linkedin": "3000.00",
    "sea": "3000.00",
    "seo": "4500.00",
}


def _at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=PARIS)


def _lead(personas: Any, touches: list[tuple[str, dt.datetime]], *, call: bool = False) -> Any:
    lead = f.LeadFactory(workspace=personas.acme, stage=Stage.SQL)
    Lead.objects.filter(pk=lead.pk).update(created_at=_at("2026-01-05"))
    for channel, at in touches:
        f.TouchpointFactory(
            workspace=personas.acme,
            contact=lead.contact,
            lead=lead,
            channel=channel,
            kind=TouchKind.WEB_VISIT,
            occurred_at=at,
        )
    if call:
        f.TouchpointFactory(
            workspace=personas.acme,
            contact=lead.contact,
            lead=lead,
            kind=TouchKind.CALL,
            occurred_at=_at("2026-05-09"),
        )
    return lead


def _opportunity(personas: Any, lead: Any, amount: str, created: str, **kwargs: Any) -> Any:
    return f.OpportunityFactory(
        workspace=personas.acme,
        lead=lead,
        account=lead.contact.account if lead else f.AccountFactory(workspace=personas.acme),
        stage=kwargs.pop("stage", OpportunityStage.PROPOSAL),
        amount=Decimal(amount),
        created_on=dt.date.fromisoformat(created),
        **kwargs,
    )


@pytest.fixture
def pipeline_quarter(personas: Any) -> Any:
    """The table above, in Acme."""
    p = personas
    assert (p.acme.time_zone, p.acme.currency, p.acme.fiscal_year_start_month) == (
        "Europe/Paris",
        "EUR",
        1,
    )
    lead = _lead(
        p,
        [
            ("seo", _at("2026-04-02")),
            ("emailing", _at("2026-04-10")),
            ("webinar", _at("2026-04-20")),
        ],
    )
    _opportunity(p, lead, "9000", "2026-04-15")
    lead = _lead(
        p,
        [
            ("sea", _at("2026-05-01")),
            ("linkedin", _at("2026-05-05", 23, 30)),
            ("webinar", _at("2026-05-06", 0, 30)),
        ],
    )
    _opportunity(p, lead, "6000", "2026-05-05", stage=OpportunityStage.WON,
                 close_date=dt.date(2026, 7, 20))  # fmt: skip
    lead = _lead(p, [("seo", _at("2026-05-03"))])
    _opportunity(p, lead, "2000", "2026-05-04", currency="USD")
    lead = _lead(p, [], call=True)
    _opportunity(p, lead, "3000", "2026-05-10")
    _opportunity(p, None, "4000", "2026-05-12")
    lead = _lead(p, [("event", _at("2026-04-02"))])
    _opportunity(p, lead, "8000", "2026-03-01")
    lead = _lead(p, [("seo", _at("2026-07-01"))])
    _opportunity(p, lead, "5000", "2026-07-01")
    return p


def _snapshot(personas: Any) -> AttributionSnapshot:
    return snapshot_compute(workspace=personas.acme, start=Q2[0], end=Q2[1], dimension="channel")


def _report(personas: Any, period: str = "2026-Q2", scope: str = "workspace") -> Any:
    user = personas.erin
    actor = Actor(user=user, workspace=personas.acme, role=user.memberships.get().role)
    return kpis.kpi_report(
        actor=actor,
        scope=kpis.scope_read(actor, scope),
        period=kpis.period_read(actor.workspace, period),
    )


def _sign(personas: Any, model: str) -> AttributionLock:
    lock = None
    for who in ("mia", "dave"):
        lock = lock_sign(
            actor=personas.actor(who), start=Q2[0], end=Q2[1], dimension="channel", model=model
        )
    assert lock is not None and lock.is_signed
    return lock


def _sum(credits: dict[str, str]) -> Decimal:
    return sum((Decimal(v) for v in credits.values()), Decimal(0))


def test_the_sqls_of_the_period_are_credited_in_pipeline_by_hand(pipeline_quarter):
    snapshot = _snapshot(pipeline_quarter)
    assert (snapshot.pipeline_opportunities, snapshot.pipeline_value) == (4, Decimal("18000.00"))
    assert (snapshot.pipeline_no_touch_opportunities, snapshot.pipeline_no_touch_value) == (
        1,
        Decimal("3000.00"),
    )
    assert snapshot.pipeline_other_currencies == {"USD": {"count": 1, "amount": "2000.00"}}
    assert snapshot.pipeline_credits["last"] == LAST
    assert snapshot.pipeline_credits["first"] == FIRST
    assert snapshot.pipeline_credits["linear"] == LINEAR
    for model, credits in snapshot.pipeline_credits.items():
        assert _sum(credits) == pytest.approx(Decimal("15000"), abs=Decimal("0.05")), model
    # the won side is unchanged: no deal is won in Q2 (Q's closes in July)
    assert (snapshot.conversions, snapshot.value) == (0, Decimal("0"))


def test_the_pipeline_is_the_kpis_sqls_and_pipeline_created(pipeline_quarter):
    """One definition of an SQL (funnel.won.sql_opportunities): the snapshot's count and value
    are the KPIs' for the same quarter."""
    snapshot = _snapshot(pipeline_quarter)
    values = _report(pipeline_quarter).values
    assert values["sqls"].value == snapshot.pipeline_opportunities == 4
    assert values["pipeline_created"].value == snapshot.pipeline_value == Decimal("18000")
    assert values["pipeline_created"].other_currencies == {"USD": Decimal("2000.00")}


def test_the_lock_keeps_the_signed_models_pipeline_credits_and_the_kpi_sums_them(
    pipeline_quarter,
):
    _snapshot(pipeline_quarter)
    lock = _sign(pipeline_quarter, "last")
    assert lock.pipeline_credits == LAST
    value = _report(pipeline_quarter).values["pipeline_attributed_marketing"]
    # by hand: 9 000 (emailing) + 6 000 (linkedin) = 15 000 €
    assert (value.value, value.state) == (Decimal("15000.00"), "")
    # the numbers of record: a later SQL and a new snapshot change nothing
    lead = _lead(pipeline_quarter, [("sea", _at("2026-06-01"))])
    _opportunity(pipeline_quarter, lead, "50000", "2026-06-02")
    assert _sum(_snapshot(pipeline_quarter).pipeline_credits["last"]) == Decimal("65000.00")
    assert _report(pipeline_quarter).values["pipeline_attributed_marketing"].value == Decimal(
        "15000.00"
    )


def test_a_linear_lock_gives_the_linear_credits(pipeline_quarter):
    _snapshot(pipeline_quarter)
    lock = _sign(pipeline_quarter, "linear")
    assert lock.pipeline_credits == LINEAR
    # by hand: 4 500 + 4 500 + 3 000 + 3 000 = 15 000 €
    value = _report(pipeline_quarter).values["pipeline_attributed_marketing"]
    assert value.value == Decimal("15000.00")


def test_not_locked_and_workspace_only_states(pipeline_quarter):
    _snapshot(pipeline_quarter)
    value = _report(pipeline_quarter).values["pipeline_attributed_marketing"]
    assert (value.value, value.state) == (None, "not_locked")  # no lock: a state, not 0
    lock_sign(actor=pipeline_quarter.actor("mia"), start=Q2[0], end=Q2[1], dimension="channel",
              model="last")  # fmt: skip
    value = _report(pipeline_quarter).values["pipeline_attributed_marketing"]
    assert (value.value, value.state) == (None, "not_locked")  # one side only
    lock_sign(actor=pipeline_quarter.actor("dave"), start=Q2[0], end=Q2[1], dimension="channel",
              model="last")  # fmt: skip
    for scope in ("side:marketing", f"person:{pipeline_quarter.mia.pk}"):
        value = _report(pipeline_quarter, scope=scope).values["pipeline_attributed_marketing"]
        assert (value.value, value.state) == (None, "workspace_only"), scope
    # a month of the quarter has no lock of its own
    value = _report(pipeline_quarter, "2026-05").values["pipeline_attributed_marketing"]
    assert value.state == "not_locked"


def test_a_lock_signed_before_pipeline_credits_were_kept_is_not_recorded(personas):
    """A lock from before the migration (its pipeline credits NULL), and a lock signed from a
    snapshot computed before it (no pipeline credits): "not recorded", never 0; the revenue
    attributed is read as before."""
    now = timezone.now()
    AttributionLock.objects.create(
        workspace=personas.acme,
        period_start=Q2[0],
        period_end=Q2[1],
        dimension="channel",
        model="linear",
        value_credits={"seo": "1000.00", "sea": "250.50"},
        marketing_signed_at=now,
        sales_signed_at=now,
    )
    values = _report(personas).values
    assert (values["pipeline_attributed_marketing"].value,
            values["pipeline_attributed_marketing"].state) == (None, "not_recorded")  # fmt: skip
    assert values["revenue_attributed_marketing"].value == Decimal("1250.50")
    AttributionLock.objects.all().delete()
    AttributionSnapshot.objects.create(
        workspace=personas.acme,
        period_start=Q2[0],
        period_end=Q2[1],
        dimension="channel",
        credits={"linear": {"seo": "1.0000"}},
        value_credits={"linear": {"seo": "1000.00"}},
        computed_at=now,
    )
    lock = _sign(personas, "linear")
    assert lock.pipeline_credits is None
    assert _report(personas).values["pipeline_attributed_marketing"].state == "not_recorded"
    client = Client()
    client.force_login(personas.erin)
    client.cookies["django_language"] = "en"
    body = client.get("/w/acme/kpis/", {"period": "2026-Q2"}).content.decode()
    assert "Pipeline attributed to marketing" in body
    assert "not recorded: the period&#x27;s attribution was signed before" in body


def test_a_period_without_journeys_records_zero_not_nothing(personas):
    """An SQL without any marketing touch: no journey at all, nothing credited — the lock
    records empty credits, and the KPI is 0 €, not "not recorded"."""
    lead = _lead(personas, [], call=True)
    _opportunity(personas, lead, "3000", "2026-05-10")
    snapshot = _snapshot(personas)
    assert snapshot.pipeline_credits["linear"] == {}
    assert (snapshot.pipeline_no_touch_opportunities, snapshot.pipeline_value) == (
        1,
        Decimal("3000.00"),
    )
    assert _sign(personas, "linear").pipeline_credits == {}
    value = _report(personas).values["pipeline_attributed_marketing"]
    assert (value.value, value.state) == (Decimal(0), "")


def test_the_api_gives_the_pipeline_credits_of_the_snapshot_and_the_lock(api_as, pipeline_quarter):
    snapshot = _snapshot(pipeline_quarter)
    body = api_as("erin").get(f"attribution/snapshots/{snapshot.pk}").json()
    assert body["pipeline"]["sqls"] == 4
    assert body["pipeline"]["pipeline_created"] == "18000.00"
    assert body["pipeline"]["credits"]["linear"] == LINEAR
    assert body["pipeline"]["no_marketing_touch"] == {"sqls": 1, "pipeline_created": "3000.00"}
    assert body["pipeline"]["other_currencies"] == {"USD": {"count": 1, "amount": "2000.00"}}
    _sign(pipeline_quarter, "last")
    locks = api_as("erin").get("attribution/locks").json()["items"]
    assert [lock["pipeline_credits"] for lock in locks] == [LAST]


def test_the_page_shows_the_pipeline_credits_and_the_csv_has_them(pipeline_quarter, monkeypatch):
    # the page offers the current fiscal year and the last quarters: as seen on 1 August 2026
    monkeypatch.setattr(Workspace, "today", lambda self, at=None: dt.date(2026, 8, 1))
    _snapshot(pipeline_quarter)
    client = Client()
    client.force_login(pipeline_quarter.erin)
    client.cookies["django_language"] = "en"
    url = "/w/acme/attribution/?period=FY2026-Q2&by=channel&model=linear"
    body = client.get(url + "&unit=pipeline").content.decode()
    assert "credit the 3 SQLs of the period that had a marketing touch" in body  # P, Q, R
    assert "€15,000" in body  # 18 000 − S's 3 000
    assert "1 SQL · €3,000, outside the models" in body
    assert "4 SQLs · €18,000" in body
    assert "1 deal in $2,000.00." in body  # R, apart
    csv = client.get(url + "&format=csv").content.decode().splitlines()
    header = csv[0].split(",")
    emailing = next(line.split(",") for line in csv if line.startswith("E-mailing"))
    assert emailing[header.index("linear_pipeline")] == "4500.00"
    assert emailing[header.index("last_pipeline")] == "9000.00"
