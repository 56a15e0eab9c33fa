"""The rules of single sign-on without a provider: the role map read in order, the groups
claim in its two shapes, a half-written map refused, and what ``sso_sign_in`` refuses."""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from cordee.access import oidc
from cordee.access.services import SsoRefused, sso_sign_in
from cordee.tenancy.models import Membership, User

MAP = "cordee-revops=revops_admin, cordee-managers=sales_manager, cordee-sales=sales_rep"


@pytest.fixture
def configured(settings):
    settings.OIDC_RP_CLIENT_ID = "client"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_ISSUER = "https://id.example.fr/realms/acme"
    settings.OIDC_WORKSPACE = "acme"
    settings.OIDC_ROLE_MAP = MAP
    return settings


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["cordee-sales", "cordee-managers"], "sales_manager"),  # the map's order, not theirs
        (["cordee-sales", "cordee-revops", "cordee-managers"], "revops_admin"),
        (["cordee-sales"], "sales_rep"),
        (["Cordee-Sales"], None),  # group names are compared exactly
        ([], None),
    ],
)
def test_the_first_entry_of_the_map_that_matches_gives_the_role(configured, groups, role):
    assert oidc.role_for(groups) == role


def test_the_groups_claim_may_be_a_list_or_one_string(configured):
    configured.OIDC_GROUPS_CLAIM = "roles"
    assert oidc.groups_of({"roles": "cordee-sales, staff  cordee-x"}) == [
        "cordee-sales",
        "staff",
        "cordee-x",
    ]
    assert oidc.groups_of({"roles": ["a", "b"]}) == ["a", "b"]
    assert oidc.groups_of({"groups": ["a"]}) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [("cordee-sales=boss", "'boss' is not a role"), ("cordee-sales", "is not group=role")],
)
def test_a_wrong_map_is_reported_at_start_up(configured, value, message):
    configured.OIDC_ROLE_MAP = value
    with pytest.raises(ImproperlyConfigured, match=message):
        oidc.role_map()
    errors = checks.run_checks(tags=[checks.Tags.security])
    assert any(message in e.msg for e in errors)


def test_unconfigured_is_off(settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert not oidc.configured()
    settings.OIDC_RP_CLIENT_ID = "client"
    settings.OIDC_ISSUER = ""
    assert not oidc.configured()  # neither an issuer nor the endpoints


def _claims(**extra):
    return {
        "sub": "42",
        "email": "  Nouvelle.Personne@Example.FR ",
        "email_verified": True,
        "groups": ["cordee-sales"],
        **extra,
    }


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (_claims(email_verified=False), "email_unverified"),
        (_claims(email_verified=None), "email_unverified"),  # absent and not trusted
        (_claims(email=""), "no_email"),
        (_claims(groups=["staff"]), "no_role"),
    ],
)
def test_what_sign_in_refuses_creates_nothing(configured, personas, claims, reason):
    with pytest.raises(SsoRefused) as refused:
        sso_sign_in(claims=claims)
    assert refused.value.reason == reason
    assert not User.objects.filter(email="nouvelle.personne@example.fr").exists()


def test_an_unverified_address_is_accepted_only_when_trusted(configured, personas):
    configured.OIDC_TRUST_EMAIL = True
    user = sso_sign_in(claims=_claims(email_verified=None))
    assert user.email == "nouvelle.personne@example.fr"
    assert Membership.objects.get(user=user).role == "sales_rep"


def test_a_deactivated_account_is_refused(configured, personas):
    User.objects.filter(pk=personas.bob.pk).update(is_active=False)
    with pytest.raises(SsoRefused) as refused:
        sso_sign_in(claims=_claims(email="bob@example.fr"))
    assert refused.value.reason == "inactive"


def test_a_missing_workspace_is_said(configured, personas):
    configured.OIDC_WORKSPACE = "nowhere"
    with pytest.raises(SsoRefused) as refused:
        sso_sign_in(claims=_claims())
    assert refused.value.reason == "no_workspace"


def test_an_invitation_offers_single_sign_on_and_comes_back_to_the_link(
    configured, personas, client
):
    from urllib.parse import parse_qs, urlsplit

    from cordee.people import access

    _invitation, url = access.invitation_create(
        actor=personas.actor("rita"),
        email="nina@example.fr",
        role="sales_rep",
        site_url="http://testserver",
    )
    path = urlsplit(url).path
    body = client.get(path).content.decode()
    button = body[body.index('id="sso-sign-in"') - 200 : body.index('id="sso-sign-in"') + 300]
    href = button.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert urlsplit(href).path.endswith("/oidc/authenticate/") or "oidc" in urlsplit(href).path
    # after the provider, the person lands back on the invitation to join
    assert parse_qs(urlsplit(href).query)["next"] == [path]
    configured.OIDC_RP_CLIENT_ID = ""  # single sign-on off: no button
    assert 'id="sso-sign-in"' not in client.get(path).content.decode()
