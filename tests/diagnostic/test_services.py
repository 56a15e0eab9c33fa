"""The diagnostic's services: opening (RevOps only, fields named, one open wave per workspace
and per pod, everyone asked is told), answering (once, anonymous by construction, refused after
the close, every answer 1–5 with the wrong statements named), closing by hand and by the daily
job; THE reader's threshold and its rule over pods."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models

from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.core.scheduler import jobs
from cordee.diagnostic import results, services
from cordee.diagnostic.models import Respondent, Response, Wave
from cordee.people.models import Notification, PodMember
from tests import factories as f
from tests.analytics.test_diagnostic import HAND_MARKETING, HAND_SALES
from tests.diagnostic.support import answer_as, fill, member, open_wave

pytestmark = pytest.mark.django_db


def test_revops_opens_a_wave_and_everyone_is_told(personas):
    wave = open_wave(personas)
    assert wave.opened_by == personas.rita and wave.closed_at is None
    told = set(
        Notification.objects.filter(code="diagnostic.wave_opened").values_list("user", flat=True)
    )
    acme = {personas.alice.pk, personas.bob.pk, personas.dave.pk, personas.mia.pk}
    assert told >= acme | {personas.erin.pk, personas.rita.pk}
    assert personas.carol.pk not in told
    assert AuditEntry.objects.filter(
        action="create", target="diagnostic_wave", target_id=wave.pk
    ).exists()


def test_a_pod_wave_tells_the_pods_members_only(personas):
    pod = f.PodFactory(workspace=personas.acme, name="Pod Lyon")
    PodMember.objects.create(pod=pod, user=personas.alice)
    wave = open_wave(personas, pod=pod.pk)
    told = set(
        Notification.objects.filter(key__endswith=f":{wave.pk}").values_list("user", flat=True)
    )
    assert told == {personas.alice.pk}


def test_only_revops_opens_or_closes(personas):
    with pytest.raises(PermissionDenied):
        services.wave_open(
            personas.actor("mia"),
            "S1",
            dt.date(2026, 1, 1),
            dt.date(2026, 6, 30),
            personas.acme.today(),
        )
    wave = open_wave(personas)
    with pytest.raises(PermissionDenied):
        services.wave_close(personas.actor("dave"), wave)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"period_end": dt.date(2025, 12, 31)}, "period_end"),
        ({"closes_on": dt.date(2020, 1, 1)}, "closes_on"),
        ({"period_start": "not a date"}, "period_start"),
        ({"pod": 999_999}, "pod"),
    ],
)
def test_a_wrong_field_is_named(personas, change, field):
    with pytest.raises(ValidationFailed) as caught:
        open_wave(personas, **change)
    assert set(caught.value.field_errors) == {field}


def test_one_open_wave_at_a_time_per_workspace_and_per_pod(personas):
    first = open_wave(personas)
    with pytest.raises(ValidationFailed):
        open_wave(personas, title="Another")
    pod = f.PodFactory(workspace=personas.acme)
    open_wave(personas, title="The pod's", pod=pod.pk)  # a pod has its own
    with pytest.raises(ValidationFailed):
        open_wave(personas, title="The pod's again", pod=pod.pk)
    services.wave_close(personas.actor("rita"), first)
    assert open_wave(personas, title="S2 2026").closed_at is None


def test_an_answer_is_kept_with_no_link_to_the_person(personas):
    pod = f.PodFactory(workspace=personas.acme)
    PodMember.objects.create(pod=pod, user=personas.alice)
    wave = open_wave(personas)
    services.wave_answer(personas.actor("alice"), wave, HAND_MARKETING[0])
    assert list(Respondent.objects.filter(wave=wave).values_list("user", flat=True)) == [
        personas.alice.pk
    ]
    response = Response.objects.get(wave=wave)
    assert (response.side, response.pod_ids, response.answers) == (
        "marketing",
        [pod.pk],
        HAND_MARKETING[0],
    )
    # the table itself cannot tell who or when: no person, no time, a random key
    fields = {field.name: field for field in Response._meta.get_fields()}
    assert set(fields) == {"id", "wave", "side", "pod_ids", "answers"}
    assert not any(
        isinstance(field, models.DateField | models.DateTimeField | models.TimeField)
        for field in fields.values()
    )
    related = {getattr(field, "related_model", None) for field in fields.values()}
    assert related == {None, Wave}
    assert isinstance(fields["id"], models.UUIDField)
    # the audit entry names the wave, never the response or the answers
    entry = AuditEntry.objects.get(action="answer", target="diagnostic_wave")
    assert (entry.target_id, entry.before, entry.after) == (wave.pk, {}, {})


def test_answering_twice_is_refused(personas):
    wave = open_wave(personas)
    services.wave_answer(personas.actor("bob"), wave, HAND_SALES[0])
    with pytest.raises(Conflict):
        services.wave_answer(personas.actor("bob"), wave, HAND_SALES[1])
    assert Response.objects.filter(wave=wave).count() == 1
    assert Respondent.objects.filter(wave=wave).count() == 1


def test_answers_are_refused_after_the_close(personas):
    wave = open_wave(personas)
    wave = services.wave_close(personas.actor("rita"), wave)
    with pytest.raises(Conflict):
        services.wave_answer(personas.actor("bob"), wave, HAND_SALES[0])
    assert not Respondent.objects.filter(wave=wave).exists()


def test_wrong_answers_name_their_statements(personas):
    wave = open_wave(personas)
    wrong = [3] * 20
    wrong[1], wrong[6], wrong[19] = 0, 6, 9  # statements 2, 7 and 20
    with pytest.raises(ValidationFailed) as caught:
        services.wave_answer(personas.actor("bob"), wave, wrong)
    assert "2, 7, 20" in caught.value.field_errors["answers"][0]
    with pytest.raises(ValidationFailed) as caught:
        services.wave_answer(personas.actor("bob"), wave, [3] * 18)
    assert "19, 20" in caught.value.field_errors["answers"][0]
    assert not Respondent.objects.filter(wave=wave).exists()  # nothing kept


def test_answers_by_statement_key(personas):
    from cordee.diagnostic.statements import STATEMENTS

    wave = open_wave(personas)
    by_key = {key: 4 for key, _text in STATEMENTS}
    services.wave_answer(personas.actor("mia"), wave, by_key)
    assert Response.objects.get(wave=wave).answers == [4] * 20


def test_a_pod_wave_refuses_who_is_not_in_the_pod(personas):
    pod = f.PodFactory(workspace=personas.acme)
    PodMember.objects.create(pod=pod, user=personas.alice)
    wave = open_wave(personas, pod=pod.pk)
    with pytest.raises(PermissionDenied):
        services.wave_answer(personas.actor("bob"), wave, [3] * 20)
    services.wave_answer(personas.actor("alice"), wave, [3] * 20)


def test_the_daily_job_closes_the_waves_past_their_last_day(personas):
    wave = open_wave(personas)
    assert "cordee.diagnostic.jobs.close_due_waves" in {job.name for job in jobs()}
    assert services.waves_close_due() == 0  # the last day has not passed
    Wave.objects.filter(pk=wave.pk).update(closes_on=personas.acme.today() - dt.timedelta(days=1))
    assert services.waves_close_due() == 1
    wave.refresh_from_db()
    assert wave.closed_at is not None
    assert AuditEntry.objects.filter(action="close", target_id=wave.pk, by="rule").exists()
    assert services.waves_close_due() == 0  # idempotent


def test_no_number_before_the_close_nor_for_four_answers(personas):
    wave = open_wave(personas)
    fill(personas.acme, wave, HAND_MARKETING[:4], HAND_SALES)
    found = results.wave_results(wave)
    assert found.respondents == 9
    assert not found.sides["sales"].shown  # open: counts only
    assert found.sides["sales"].count == 5 and found.sides["sales"].total is None
    wave = services.wave_close(personas.actor("rita"), wave)
    found = results.wave_results(wave)
    assert found.sides["sales"].shown and found.sides["sales"].total == pytest.approx(60.0)
    marketing = found.sides["marketing"]
    assert (marketing.count, marketing.shown, marketing.total, marketing.means) == (
        4,
        False,
        None,
        None,
    )
    assert found.gaps is None and found.gap is None


def test_six_marketers_five_in_a_pod_the_pods_marketing_is_hidden(personas):
    pod = f.PodFactory(workspace=personas.acme, name="Pod A")
    wave = open_wave(personas)
    fill(personas.acme, wave, HAND_MARKETING, HAND_SALES, pods=(pod,))
    lonely = [1] * 20  # the sixth marketer, in no pod
    answer_as(personas.acme, wave, "marketing", lonely)
    wave = services.wave_close(personas.actor("rita"), wave)
    whole = results.wave_results(wave)
    # the whole side is shown: (82 + 81 + 81 + 80 + 82 + 20) / 6 = 426 / 6 = 71.0
    assert whole.sides["marketing"].total == pytest.approx(71.0)
    in_pod = results.wave_results(wave, pod_id=pod.pk)
    # 5 marketers in the pod: shown, the whole side's 71.0 minus them would give the sixth's
    assert in_pod.sides["marketing"].count == 5
    assert not in_pod.sides["marketing"].shown and in_pod.sides["marketing"].total is None
    assert in_pod.gaps is None and in_pod.gap is None
    # the pod's sales are all of sales (the rest: nobody): shown
    assert in_pod.sides["sales"].shown


def test_period_gap_reads_the_workspaces_closed_wave(personas):
    wave = open_wave(personas)
    fill(personas.acme, wave, HAND_MARKETING, HAND_SALES)
    assert results.period_gap(personas.acme, dt.date(2026, 3, 1), dt.date(2026, 3, 31)) is None
    wave = services.wave_close(personas.actor("rita"), wave)
    found = results.period_gap(personas.acme, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert found is not None and found[0] == wave
    assert found[1] == pytest.approx(21.2)  # |81.2 − 60.0|
    assert results.period_gap(personas.acme, dt.date(2026, 7, 1), dt.date(2026, 7, 31)) is None


def test_a_member_of_the_scope_is_asked(personas):
    wave = open_wave(personas)
    actor = member(personas.acme, "sales")
    from cordee.diagnostic import selectors

    assert selectors.may_answer(actor, wave)
    services.wave_answer(actor, wave, [2] * 20)
    assert not selectors.may_answer(actor, wave)
