"""A hand-made set of feedback items for the loop-health tests (selectors and page): a handful
of items with hand-set timestamps and statuses, the expected numbers worked out in the tests."""

from __future__ import annotations

import datetime as dt

from cordee.feedback.models import FeedbackItem
from tests import factories as f


def item(
    personas, author, submitted, *, ack=None, resp=None, status="new", merged=None, pod=None, **kw
):
    return FeedbackItem.objects.create(
        workspace=personas.acme,
        kind="objection",
        title=kw.pop("title", "x"),
        author=author,
        pod=pod,
        submitted_at=submitted,
        acknowledged_at=ack,
        first_response_at=resp,
        status=status,
        merged_into=merged,
        **kw,
    )


DAY = dt.timedelta(days=1)
NINE_TO_FIVE = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def handmade(personas, monday, now):
    """A hand-made set on a 9:00–17:00 UTC calendar, Monday to Friday, no public holiday: one
    business day = 8 h; the commitment, 2 business days = 16 business hours, so an item raised
    on Monday 9:00 is due on Tuesday 17:00, one raised on Wednesday 9:00 on Thursday 17:00.
    Reps: bob (AE) and sara (SDR); dave is a sales manager. Each item's first move out of "new":

    A  Mon 9:00, bob,  acknowledged Mon 13:00                      4 bh = 0.5 bd, on time
    B  Mon 9:00, bob,  planned straight from new Tue 9:00          8 bh = 1.0 bd, on time
    C  Mon 9:00, bob,  done Mon 11:00 with an answer, no acknowledged_at (closed before its due
                       date: no breach)                            2 bh = 0.25 bd, on time
    D  Wed 9:00, sara, won't do Fri 13:00, no acknowledged_at     20 bh = 2.5 bd, late (due Thu
                       17:00): a breach, but closed — never "still waiting"
    E  Wed 9:00, sara, still new, answered Wed 15:00               6 bh = 0.75 bd, on time
    F  Wed 9:00, dave, nothing yet                                 late, still waiting
    G  Thu 9:00, bob,  a duplicate merged into A (acknowledged by the merge): not in the set
    H  120 days before, bob, acknowledged: before the period, not in the set
    I  a minute before now, bob, nothing yet: not due yet

    The set: A B C D E F I, d = 7 (G is counted with A, H is outside the period).
    """
    ws = personas.acme
    ws.time_zone, ws.country, ws.business_hours = "UTC", "", NINE_TO_FIVE
    ws.save()
    sara = f.UserFactory(email="sara@example.fr")
    f.MembershipFactory(workspace=ws, user=sara, role="sdr")
    bob, dave = personas.bob, personas.dave

    def at(day, hour):
        return monday + day * DAY + dt.timedelta(hours=hour)

    a = item(personas, bob, at(0, 9), ack=at(0, 13), status="acknowledged", title="A")
    item(personas, bob, at(0, 9), ack=at(1, 9), status="planned", title="B")
    item(personas, bob, at(0, 9), resp=at(0, 11), status="done", closed_at=at(0, 11), title="C")
    item(personas, sara, at(2, 9), status="wont_do", closed_at=at(4, 13), title="D")
    item(personas, sara, at(2, 9), resp=at(2, 15), title="E")
    item(personas, dave, at(2, 9), title="F")
    item(personas, bob, at(3, 9), ack=at(3, 10), merged=a, title="G")
    item(personas, bob, at(-120, 9), ack=at(-120, 10), status="acknowledged", title="H")
    item(personas, bob, now - dt.timedelta(minutes=1), title="I")
