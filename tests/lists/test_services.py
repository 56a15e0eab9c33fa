"""Saved views: who sees them, who changes them, what they may keep."""

from __future__ import annotations

import pytest

from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.lists import selectors, services
from cordee.lists.models import ListPreference, SavedView
from cordee.people.models import PodMember
from tests import factories as f


@pytest.fixture
def pod(personas):
    """Pod Grand Est: alice (marketer) and bob (sales rep); nobody else of Acme."""
    pod = f.PodFactory(workspace=personas.acme, name="Pod Grand Est")
    PodMember.objects.create(pod=pod, user=personas.alice)
    PodMember.objects.create(pod=pod, user=personas.bob)
    return pod


def _view(personas, who, name, **kwargs):
    return services.saved_view_create(
        actor=personas.actor(who), kind=kwargs.pop("kind", "leads"), name=name, **kwargs
    )


def _seen_by(personas, who, kind="leads"):
    return {v.name for v in selectors.visible_views(actor=personas.actor(who), kind=kind)}


def test_a_private_view_is_seen_by_its_owner_only(personas):
    view = _view(personas, "bob", "Mes MQL", params={"stage": "mql"})
    assert _seen_by(personas, "bob") == {"Mes MQL"}
    for other in ("alice", "dave", "mia", "erin", "rita"):
        assert _seen_by(personas, other) == set(), other
        with pytest.raises(NotFound):
            selectors.saved_view_get(actor=personas.actor(other), pk=view.pk)


def test_a_pod_view_is_seen_by_the_pods_members_only(personas, pod):
    _view(personas, "alice", "MQL du pod", visibility="pod", pod_id=pod.pk)
    assert _seen_by(personas, "alice") == {"MQL du pod"}
    assert _seen_by(personas, "bob") == {"MQL du pod"}
    for outsider in ("dave", "mia", "erin", "rita"):
        assert _seen_by(personas, outsider) == set(), outsider


def test_a_workspace_view_is_seen_by_every_member_and_nobody_else(personas):
    view = _view(personas, "bob", "Pipeline de la semaine", visibility="workspace")
    for member in ("alice", "bob", "dave", "mia", "erin", "rita"):
        assert _seen_by(personas, member) == {"Pipeline de la semaine"}, member
    carol = personas.actor("carol")
    assert list(selectors.visible_views(actor=carol, kind="leads")) == []
    with pytest.raises(NotFound):
        selectors.saved_view_get(actor=carol, pk=view.pk)


def test_views_belong_to_one_list(personas):
    _view(personas, "bob", "Gros comptes", kind="accounts", visibility="workspace")
    assert _seen_by(personas, "alice", "leads") == set()
    assert _seen_by(personas, "alice", "accounts") == {"Gros comptes"}


def test_only_the_owner_or_a_manager_changes_a_shared_view(personas, pod):
    shared = _view(personas, "bob", "Partagée", visibility="workspace")
    with pytest.raises(PermissionDenied):  # alice sees it, but it is bob's
        services.saved_view_update(
            actor=personas.actor("alice"), view_id=shared.pk, changes={"name": "À moi"}
        )
    with pytest.raises(PermissionDenied):
        services.saved_view_delete(actor=personas.actor("erin"), view_id=shared.pk)
    services.saved_view_update(
        actor=personas.actor("dave"), view_id=shared.pk, changes={"params": {"stage": "sal"}}
    )
    assert SavedView.objects.get(pk=shared.pk).params == {"stage": "sal"}
    services.saved_view_update(
        actor=personas.actor("bob"), view_id=shared.pk, changes={"name": "Renommée"}
    )
    assert SavedView.objects.get(pk=shared.pk).name == "Renommée"
    services.saved_view_delete(actor=personas.actor("rita"), view_id=shared.pk)
    assert not SavedView.objects.filter(pk=shared.pk).exists()


def test_a_managers_power_stops_at_private_views(personas):
    private = _view(personas, "bob", "Privée")
    with pytest.raises(NotFound):  # a manager does not even see it
        services.saved_view_delete(actor=personas.actor("dave"), view_id=private.pk)
    assert SavedView.objects.filter(pk=private.pk).exists()


def test_only_its_owner_makes_a_shared_view_private_again(personas):
    shared = _view(personas, "bob", "Partagée", visibility="workspace")
    with pytest.raises(PermissionDenied):
        services.saved_view_update(
            actor=personas.actor("dave"), view_id=shared.pk, changes={"visibility": "private"}
        )
    services.saved_view_update(
        actor=personas.actor("bob"), view_id=shared.pk, changes={"visibility": "private"}
    )
    assert _seen_by(personas, "dave") == set()


def test_a_member_shares_only_with_their_own_pods_a_manager_with_any(personas, pod):
    other = f.PodFactory(workspace=personas.acme, name="Pod Santé")
    with pytest.raises(ValidationFailed) as refused:
        _view(personas, "alice", "Santé", visibility="pod", pod_id=other.pk)
    assert set(refused.value.field_errors) == {"pod"}
    _view(personas, "mia", "Santé", visibility="pod", pod_id=other.pk)
    with pytest.raises(ValidationFailed):  # a pod of another workspace is no pod here
        globex_pod = f.PodFactory(workspace=personas.globex)
        _view(personas, "mia", "Ailleurs", visibility="pod", pod_id=globex_pod.pk)
    with pytest.raises(ValidationFailed):
        _view(personas, "alice", "Sans pod", visibility="pod")


@pytest.mark.parametrize(
    ("params", "columns", "field"),
    [
        ({"min_score": "beaucoup"}, [], "params.min_score"),
        ({"created_after": "2026-13-45"}, [], "params.created_after"),
        ({"stage": "gagné"}, [], "params.stage"),
        ({"couleur": "rouge"}, [], "params.couleur"),
        ({"sort": "-budget"}, [], "params.sort"),
        ({}, ["contact", "budget"], "columns"),
    ],
)
def test_a_view_keeps_only_what_the_list_reads(personas, params, columns, field):
    with pytest.raises(ValidationFailed) as refused:
        _view(personas, "bob", "Mauvaise", params=params, columns=columns)
    assert field in refused.value.field_errors
    assert not SavedView.objects.exists()


def test_what_a_view_keeps(personas):
    view = _view(
        personas,
        "bob",
        "  Chauds   du mois ",
        params={"stage": "mql", "min_score": "60", "q": "", "sort": "-score"},
        columns=["contact", "score", "pod", "score"],
        page_size=50,
    )
    view.refresh_from_db()
    assert view.name == "Chauds du mois"
    assert view.params == {"stage": "mql", "min_score": "60", "sort": "-score"}  # empty q dropped
    assert view.columns == ["contact", "score", "pod"]  # each once, in order
    assert view.page_size == 50
    with pytest.raises(ValidationFailed):
        _view(personas, "bob", "X", page_size=40)


def test_one_owner_cannot_have_two_views_of_a_list_with_one_name(personas):
    _view(personas, "bob", "Chauds")
    with pytest.raises(ValidationFailed) as refused:
        _view(personas, "bob", "Chauds")
    assert set(refused.value.field_errors) == {"name"}
    _view(personas, "alice", "Chauds")  # someone else may
    _view(personas, "bob", "Chauds", kind="accounts")  # another list too


def test_the_default_view_is_a_visible_view_of_the_same_list(personas):
    leads = _view(personas, "bob", "Chauds", visibility="workspace")
    accounts = _view(personas, "bob", "Comptes", kind="accounts", visibility="workspace")
    private = _view(personas, "dave", "Privée")
    alice = personas.actor("alice")
    services.list_default_set(actor=alice, kind="leads", view_id=leads.pk)
    assert ListPreference.objects.get(user=personas.alice, kind="leads").default_view == leads
    with pytest.raises(ValidationFailed):
        services.list_default_set(actor=alice, kind="leads", view_id=accounts.pk)
    with pytest.raises(NotFound):
        services.list_default_set(actor=alice, kind="leads", view_id=private.pk)
    services.saved_view_delete(actor=personas.actor("bob"), view_id=leads.pk)
    assert ListPreference.objects.get(user=personas.alice, kind="leads").default_view is None


def test_a_persons_columns_for_a_list(personas):
    bob = personas.actor("bob")
    services.list_columns_set(actor=bob, kind="leads", columns=["score", "contact"], page_size=100)
    preference = ListPreference.objects.get(user=personas.bob, kind="leads")
    assert (preference.columns, preference.page_size) == (["score", "contact"], 100)
    with pytest.raises(ValidationFailed):
        services.list_columns_set(actor=bob, kind="leads", columns=["budget"])
    with pytest.raises(ValidationFailed):
        services.list_columns_set(actor=bob, kind="webhooks", columns=[])
