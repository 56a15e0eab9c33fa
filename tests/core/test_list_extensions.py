"""The list pages' extension hook (core/list_extensions.py): several extensions, in order, each
with a fragment, a leading cell per row, its own parameters; and the joins of chosen columns."""

from __future__ import annotations

import copy
import re

import pytest
from django.conf import settings
from django.test import override_settings

from cordee.core import list_extensions as hooks
from cordee.core.web import Column
from cordee.crm.models import Contact
from cordee.funnel.models import Lead, Opportunity
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")


def test_the_joins_follow_the_columns_foreign_keys_and_stop_at_properties():
    columns = [
        Column("contact.account.industry", "Industry"),
        Column("pod", "Pod"),
        Column("score", "Score"),
        Column("contact", "Lead"),
    ]
    assert hooks.column_joins(Lead, columns) == ["contact", "contact__account", "pod"]
    assert hooks.column_joins(Opportunity, [Column("weighted_amount", "W")]) == []
    assert hooks.column_joins(Contact, [Column("full_name", "N")]) == []


@pytest.fixture
def two_extensions(tmp_path):
    """Two extensions: "first" draws a fragment above the table and a checkbox before each row;
    "second" a fragment in the head slot and keeps its own ``pick`` parameter."""
    (tmp_path / "ext_first.html").write_text('<p class="ext-first">first {{ count }}</p>')
    (tmp_path / "ext_second.html").write_text('<p class="ext-second">second</p>')
    (tmp_path / "ext_th.html").write_text('<input type="checkbox" aria-label="all">')
    (tmp_path / "ext_td.html").write_text('<input type="checkbox" name="ids" value="{{ obj.pk }}">')
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    saved = dict(hooks.EXTENSIONS)
    hooks.list_extension_register(
        hooks.ListExtension(
            key="first",
            fragment=lambda request, actor, page, state: hooks.ListFragment(
                "ext_first.html", {"count": f"{len(state.page_ids)}/{state.total}"}
            ),
            leading_cell=lambda request, actor, page, state: hooks.LeadingCell(
                "ext_th.html", "ext_td.html"
            ),
            applies=lambda page: page.key == "accounts",
        )
    )
    hooks.list_extension_register(
        hooks.ListExtension(
            key="second",
            fragment=lambda request, actor, page, state: hooks.ListFragment(
                "ext_second.html", {}, slot="head"
            ),
            kept_params=("pick",),
            applies=lambda page: page.key == "accounts",
        )
    )
    with override_settings(TEMPLATES=templates):
        yield
    hooks.EXTENSIONS.clear()
    hooks.EXTENSIONS.update(saved)


def test_extensions_render_in_order_with_a_leading_cell_per_row(client, personas, two_extensions):
    accounts = [f.AccountFactory(workspace=personas.acme, name=f"Compte {i}") for i in range(3)]
    client.force_login(personas.rita)
    body = client.get("/w/acme/accounts/?pick=7&industry=").content.decode()
    assert body.index('class="ext-second"') < body.index('class="filters card"')
    assert (
        body.index('class="filters card"') < body.index('class="ext-first"') < body.index("<table")
    )
    assert re.findall(r'name="ids" value="(\d+)"', body) == [
        str(a.pk) for a in sorted(accounts, key=lambda a: a.name)
    ]
    assert body.count('aria-label="all"') == 1
    assert '<input type="hidden" name="pick" value="7">' in body  # the filter form keeps it
    partial = client.get(
        "/w/acme/accounts/?pick=7", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="list-head" hx-swap-oob="true"' in partial and "ext-second" in partial
    other = client.get("/w/acme/contacts/").content.decode()  # applies only to the accounts
    assert "ext-first" not in other and 'name="ids"' not in other
