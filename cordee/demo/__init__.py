"""The demo workspace: a believable French B2B software vendor, *Altitude Logiciels*.

``cordee demo --size small`` loads it (``cordee run`` does so on first start);
``--size large`` writes about a million leads and ten million touchpoints for benchmarks.
"""

from __future__ import annotations

from cordee.tenancy.models import Workspace
from cordee.tenancy.roles import Role

DEMO_SLUG = "demo"
DEMO_LOADING_SLUG = "demo-loading"  # the slug while a build is under way (renamed at the end)
DEMO_NAME = "Altitude Logiciels"
DEMO_PASSWORD = "cordee-demo"
DEMO_EMAIL_DOMAIN = "demo.cordee.fr"

# One login per role, in a stable order: (role label, e-mail, role, first name, last name)
DEMO_LOGIN_PEOPLE: list[tuple[str, str, str, str, str]] = [
    ("Executive", "thomas.direction@demo.cordee.fr", "executive", "Thomas", "Delmas"),
    ("RevOps admin", "sophie.revops@demo.cordee.fr", "revops_admin", "Sophie", "Mercier"),
    (
        "Marketing manager",
        "claire.marketing@demo.cordee.fr",
        "marketing_manager",
        "Claire",
        "Fontaine",
    ),
    ("Marketer", "hugo.marketing@demo.cordee.fr", "marketer", "Hugo", "Lefèvre"),
    ("Sales manager", "marc.ventes@demo.cordee.fr", "sales_manager", "Marc", "Dubois"),
    ("Sales rep (AE)", "julie.ventes@demo.cordee.fr", "sales_rep", "Julie", "Moreau"),
    ("SDR", "yanis.sdr@demo.cordee.fr", "sdr", "Yanis", "Haddad"),
]


def demo_logins() -> list[tuple[str, str]]:
    """The demo's logins, one per role, as ``(role label, e-mail)`` in a stable order; the label
    in the active language."""
    return [(str(Role(role).label), email) for _label, email, role, *_ in DEMO_LOGIN_PEOPLE]


def demo_exists() -> bool:
    return Workspace.objects.filter(slug=DEMO_SLUG).exists()
