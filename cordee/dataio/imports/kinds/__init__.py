"""What importing each kind of record means: its keys, how a row finds its existing record, and
the bulk statements that write it.

Every handler works in two steps: ``prepare`` (reads only, outside the transaction: match each
record of the file to an existing one by ``(source_system, external_id)`` or its natural key —
the normalised e-mail for contacts and leads, the name for accounts and campaigns — and resolve
companies, owners and campaigns) and ``write`` (inside the transaction: bulk INSERTs for new
records, bulk ``INSERT … ON CONFLICT (id) DO UPDATE`` for existing ones, in batches).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cordee.dataio.imports.kinds.accounts import Accounts
from cordee.dataio.imports.kinds.base import Handler
from cordee.dataio.imports.kinds.campaigns import Campaigns
from cordee.dataio.imports.kinds.contacts import Contacts
from cordee.dataio.imports.kinds.leads import Leads
from cordee.dataio.imports.kinds.opportunities import Opportunities
from cordee.dataio.imports.kinds.touchpoints import Touchpoints

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob

HANDLERS: dict[str, type[Handler]] = {
    "contacts": Contacts,
    "leads": Leads,
    "accounts": Accounts,
    "opportunities": Opportunities,
    "campaigns": Campaigns,
    "touchpoints": Touchpoints,
}


def handler_for(job: ImportJob) -> Handler:
    return HANDLERS[job.kind](job)
