"""One record of each kind that takes comments, in Acme and in Globex."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cordee.feedback.models import FeedbackItem
from tests import factories as f


def records_of(workspace: Any, author: Any) -> dict[str, Any]:
    account = f.AccountFactory(workspace=workspace, name="Dassault Systèmes")
    contact = f.ContactFactory(
        workspace=workspace, account=account, first_name="Julien", last_name="Fournier"
    )
    campaign = f.CampaignFactory(workspace=workspace, name="Webinaire Industrie 4.0")
    lead = f.LeadFactory(workspace=workspace, contact=contact)
    return {
        "lead": lead,
        "contact": contact,
        "account": account,
        "opportunity": f.OpportunityFactory(workspace=workspace, account=account, name="Extension"),
        "campaign": campaign,
        "feedback": FeedbackItem.objects.create(
            workspace=workspace,
            kind="pricing",
            title="Trop cher",
            author=author,
            submitted_at=timezone.now(),
        ),
    }


@pytest.fixture
def acme_records(personas: Any) -> dict[str, Any]:
    return records_of(personas.acme, personas.bob)


@pytest.fixture
def globex_records(personas: Any) -> dict[str, Any]:
    return records_of(personas.globex, personas.carol)
