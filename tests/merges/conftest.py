"""Two duplicate contacts (and accounts) of Acme, each with one row of every kind that points at
a contact or an account."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cordee.comments.models import Comment
from cordee.feedback.models import FeedbackItem
from cordee.funnel.models import Task
from cordee.people.models import Pod
from tests import factories as f


def contact_with_everything(workspace: Any, author: Any, **fields: Any) -> dict[str, Any]:
    """A contact with one lead, one marketing touch, one logged call, one task, one
    opportunity (through its lead), one feedback item (on its lead) and one comment."""
    now = timezone.now()
    account = f.AccountFactory(workspace=workspace, name=f"Compte de {fields['last_name']}")
    contact = f.ContactFactory(workspace=workspace, account=account, **fields)
    lead = f.LeadFactory(workspace=workspace, contact=contact)
    return {
        "contact": contact,
        "account": account,
        "lead": lead,
        "touch": f.TouchpointFactory(
            workspace=workspace, contact=contact, lead=lead, kind="email_click"
        ),
        "call": f.TouchpointFactory(
            workspace=workspace,
            contact=contact,
            lead=lead,
            kind="call",
            outcome="reached",
            actor=author,
        ),
        "task": Task.objects.create(
            workspace=workspace,
            contact=contact,
            owner=author,
            title="Rappeler",
            due_at=now + dt.timedelta(days=1),
        ),
        "opportunity": f.OpportunityFactory(workspace=workspace, account=account, lead=lead),
        "feedback": FeedbackItem.objects.create(
            workspace=workspace,
            kind="pricing",
            title="Trop cher",
            author=author,
            lead=lead,
            submitted_at=now,
        ),
        "comment": Comment.objects.create(
            workspace=workspace, author=author, body="Vu au salon", contact=contact
        ),
    }


@pytest.fixture
def duplicates(personas: Any) -> dict[str, Any]:
    """Hélène Martin twice in Acme: the one who stays (with an e-mail, no phone) and the one
    merged into her (another e-mail, a phone)."""
    ws = personas.acme
    keep = contact_with_everything(
        ws, personas.bob, first_name="Hélène", last_name="Martin", email="helene@acme.fr", phone=""
    )
    gone = contact_with_everything(
        ws,
        personas.alice,
        first_name="Helene",
        last_name="MARTIN",
        email="h.martin@gmail.com",
        phone="+33 6 12 34 56 78",
        job_title="DAF",
    )
    return {"keep": keep, "gone": gone}


@pytest.fixture
def pod_named(personas: Any) -> Any:
    return Pod.objects.create(workspace=personas.acme, name="Pod Grand Est")
