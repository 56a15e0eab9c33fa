"""The generic record services and selectors: scoping, roles, validation."""

from __future__ import annotations

import pytest

from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.core.records import record_create, record_get, record_list, record_update
from cordee.crm.records import ACCOUNTS, CAMPAIGNS, CONTACTS
from tests import factories as f


def test_another_workspaces_record_is_not_found(personas):
    foreign = f.AccountFactory(workspace=personas.globex)
    with pytest.raises(NotFound):
        record_get(actor=personas.actor("alice"), spec=ACCOUNTS, pk=foreign.pk)


def test_lists_show_only_the_actors_workspace(personas):
    f.AccountFactory(workspace=personas.acme, name="Ours")
    f.AccountFactory(workspace=personas.globex, name="Theirs")
    names = [a.name for a in record_list(actor=personas.actor("alice"), spec=ACCOUNTS)]
    assert names == ["Ours"]


def test_sales_rep_cannot_create_a_campaign(personas):
    with pytest.raises(PermissionDenied):
        record_create(
            actor=personas.actor("bob"), spec=CAMPAIGNS, data={"name": "X", "channel": "seo"}
        )


def test_executive_reads_but_cannot_write(personas):
    with pytest.raises(PermissionDenied):
        record_create(actor=personas.actor("erin"), spec=ACCOUNTS, data={"name": "X"})


def test_foreign_key_to_another_workspace_is_a_field_error(personas):
    foreign = f.AccountFactory(workspace=personas.globex)
    with pytest.raises(ValidationFailed) as err:
        record_create(
            actor=personas.actor("alice"),
            spec=CONTACTS,
            data={"last_name": "Roy", "account": foreign.pk},
        )
    assert "account" in err.value.field_errors


def test_owner_must_be_a_member_of_the_workspace(personas):
    with pytest.raises(ValidationFailed) as err:
        record_create(
            actor=personas.actor("alice"),
            spec=ACCOUNTS,
            data={"name": "X", "owner": personas.carol.pk},
        )
    assert "owner" in err.value.field_errors


def test_contact_email_is_trimmed_and_lower_cased_as_a_whole(personas):
    contact = record_create(
        actor=personas.actor("alice"),
        spec=CONTACTS,
        data={"last_name": "Roy", "email": "  Jean.ROY@Client.FR "},
    )
    assert contact.email == "jean.roy@client.fr"


def test_duplicate_email_in_one_workspace_is_refused_naming_the_field(personas):
    actor = personas.actor("alice")
    record_create(actor=actor, spec=CONTACTS, data={"last_name": "Roy", "email": "jean@client.fr"})
    with pytest.raises(ValidationFailed) as err:
        record_create(
            actor=actor, spec=CONTACTS, data={"last_name": "Roy", "email": "JEAN@client.fr"}
        )
    assert "__all__" in err.value.field_errors or "email" in err.value.field_errors


def test_same_email_in_two_workspaces_is_fine(personas):
    record_create(
        actor=personas.actor("alice"), spec=CONTACTS, data={"last_name": "A", "email": "x@y.fr"}
    )
    record_create(
        actor=personas.actor("carol"), spec=CONTACTS, data={"last_name": "B", "email": "x@y.fr"}
    )


def test_campaign_end_before_start_is_refused(personas):
    with pytest.raises(ValidationFailed):
        record_create(
            actor=personas.actor("alice"),
            spec=CAMPAIGNS,
            data={
                "name": "X",
                "channel": "seo",
                "start_date": "2026-05-01",
                "end_date": "2026-04-01",
            },
        )


def test_search_matches_every_word(personas):
    f.AccountFactory(workspace=personas.acme, name="Boulangerie Dupont", city="Lyon")
    f.AccountFactory(workspace=personas.acme, name="Boulangerie Martin", city="Paris")
    found = record_list(
        actor=personas.actor("alice"), spec=ACCOUNTS, params={"q": "boulangerie lyon"}
    )
    assert [a.name for a in found] == ["Boulangerie Dupont"]


def test_bad_filter_value_names_the_filter(personas):
    with pytest.raises(ValidationFailed) as err:
        list(record_list(actor=personas.actor("alice"), spec=ACCOUNTS, params={"owner": "abc"}))
    assert "owner" in err.value.field_errors


def test_update_changes_only_given_fields(personas):
    account = f.AccountFactory(workspace=personas.acme, name="Avant", city="Nantes")
    record_update(
        actor=personas.actor("bob"), spec=ACCOUNTS, instance=account, data={"name": "Après"}
    )
    account.refresh_from_db()
    assert (account.name, account.city) == ("Après", "Nantes")
