"""factory-boy factories for the shared data; every record belongs to a workspace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from cordee.crm import models as crm
from cordee.funnel import models as funnel
from cordee.people import models as people
from cordee.tenancy import models as tenancy


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.Workspace
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Société {n}")
    slug = factory.Sequence(lambda n: f"societe-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", "password")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = "marketer"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = crm.Account

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    industry = "Industrie"
    size_band = crm.SizeBand.MEDIUM


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = crm.Contact

    workspace = factory.SubFactory(WorkspaceFactory)
    account = factory.SubFactory(AccountFactory, workspace=factory.SelfAttribute("..workspace"))
    first_name = "Louise"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.fr")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = crm.Campaign

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Webinaire {n}")
    channel = crm.Channel.WEBINAR
    start_date = dt.date(2026, 3, 1)
    end_date = dt.date(2026, 3, 31)
    budget = Decimal("5000.00")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = funnel.Lead

    workspace = factory.SubFactory(WorkspaceFactory)
    contact = factory.SubFactory(ContactFactory, workspace=factory.SelfAttribute("..workspace"))
    stage = funnel.Stage.INQUIRY
    stage_entered_at = factory.LazyFunction(timezone.now)


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = funnel.Touchpoint

    workspace = factory.SubFactory(WorkspaceFactory)
    contact = factory.SubFactory(ContactFactory, workspace=factory.SelfAttribute("..workspace"))
    kind = funnel.TouchKind.WEB_VISIT
    occurred_at = factory.LazyFunction(timezone.now)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = funnel.Opportunity

    workspace = factory.SubFactory(WorkspaceFactory)
    account = factory.SubFactory(AccountFactory, workspace=factory.SelfAttribute("..workspace"))
    name = factory.Sequence(lambda n: f"Affaire {n}")
    amount = Decimal("24000.00")
    created_on = dt.date(2026, 4, 1)


class PodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = people.Pod

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Pod {n}")
