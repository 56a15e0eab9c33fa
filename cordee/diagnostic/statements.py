"""The 20 statements of the alignment diagnostic, in Cordée's own words (PRODUCT.md lists what
they cover). Their order is the order of every stored answer: never reorder, only append a new
edition. ``NEXT_MOVES``: what moves a relationship up from the type it reached."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

STATEMENTS: tuple[tuple[str, Promise], ...] = (
    ("forecast", _("Sales forecasts and marketing's expected demand usually agree.")),
    ("no_blame", _("When results fall short, neither team blames the other.")),
    ("customers", _("Marketers regularly meet customers, with or beside the sales team.")),
    ("plan_input", _("Sales is asked for its view when the marketing plan is written.")),
    ("collateral", _("Salespeople find the material marketing produces useful with customers.")),
    ("feedback", _("Salespeople readily share what they hear in the field with marketing.")),
    ("language", _("Both teams use the same words for leads, stages and customers.")),
    ("heads", _("The heads of marketing and sales talk before decisions, not after.")),
    ("segments", _("Target segments and ideal customers are defined by both teams together.")),
    ("disputes", _("Little time is spent in disputes between the two teams.")),
    ("long_range", _("Both teams plan the years ahead together, not only the next quarter.")),
    ("metrics", _("Both teams are measured with some metrics in common.")),
    ("key_accounts", _("Marketing takes part in the work on key accounts.")),
    ("funnel", _("The sales funnel and its stages were built by both teams together.")),
    ("analysis", _("Marketing analyses the funnel's data to help sales work better.")),
    ("together", _("Both teams feel that they succeed or fail together.")),
    ("one_head", _("One executive answers for both marketing and sales.")),
    ("moves", _("People move between marketing and sales jobs during their careers.")),
    ("training", _("The two teams train together (products, customers, methods).")),
    ("present_plans", _("Each team presents its plans at the other team's meetings.")),
)

TYPE_NAMES: dict[str, Promise] = {
    "undefined": _("Undefined"),
    "defined": _("Defined"),
    "aligned": _("Aligned"),
    "integrated": _("Integrated"),
}

# the type reached → what moves the relationship to the next one (PRODUCT.md)
NEXT_MOVES: dict[str, tuple[Promise, ...]] = {
    "undefined": (
        _("Write rules of engagement between the two teams."),
        _("Agree on the hand-off points: what an MQL is, when sales takes a lead over."),
    ),
    "defined": (
        _("Hold regular joint meetings (the committees)."),
        _("Say who decides what, on both sides."),
        _("Rotate people between the functions (vis-ma-vie programmes)."),
    ),
    "aligned": (
        _("Share metrics between the two teams (shared goals)."),
        _("Tie a share of both teams' rewards to those shared metrics (variable pay)."),
    ),
    "integrated": (_("Keep the rituals alive and measure them: the index shows any slip."),),
}
