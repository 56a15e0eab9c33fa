"""Benchmark set-up: make sure a workspace holds at least N campaigns, each with a brief naming
pods (the calendar's pods), so that the campaign list and the calendar are measured at the
issue's size (5,000 campaigns). Idempotent: it counts the workspace's campaigns and creates only
the missing ones, in bulk (no signal, no audit: bench data), named "Bench campaign #k".

    DATABASE_URL=… python bench/campaigns_setup.py [--count 5000] [--workspace demo]

The campaigns start from three years before today to one year after (about a hundred a month),
last from one day to eight weeks, cycle through the channels and statuses; their briefs name one
or two of the workspace's pods (one in ten: none, so "no pod" has campaigns too), and one brief
in five has a second version with other pods (the calendar reads the current one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cordee.config.settings")

PREFIX = "Bench campaign #"


def ensure(count: int = 5000, slug: str = "demo", seed: int = 18) -> int:
    """Create the campaigns (and their briefs) the workspace lacks to hold ``count``; how many
    were created."""
    import django

    django.setup()
    from django.db import transaction

    from cordee.codesign.models import BriefVersion
    from cordee.crm.models import Campaign, CampaignStatus, Channel
    from cordee.people.models import Pod
    from cordee.tenancy.models import Workspace

    workspace = Workspace.objects.get(slug=slug)
    have = Campaign.objects.filter(workspace=workspace).count()
    missing = max(0, count - have)
    if not missing:
        return 0
    rng = random.Random(seed + have)
    pods = list(Pod.objects.filter(workspace=workspace).values_list("pk", flat=True))
    channels = list(Channel.values)
    statuses = list(CampaignStatus.values)
    today = workspace.today()
    first = today - dt.timedelta(days=3 * 365)
    numbered = Campaign.objects.filter(workspace=workspace, name__startswith=PREFIX).count()
    with transaction.atomic():
        campaigns = []
        for i in range(missing):
            start = first + dt.timedelta(days=rng.randrange(4 * 365))
            campaigns.append(
                Campaign(
                    workspace=workspace,
                    name=f"{PREFIX}{numbered + i + 1}",
                    channel=channels[i % len(channels)],
                    status=statuses[i % len(statuses)],
                    start_date=start,
                    end_date=start + dt.timedelta(days=rng.randrange(56)),
                    currency=workspace.currency,
                )
            )
        created = Campaign.objects.bulk_create(campaigns, batch_size=1000)
        briefs = []
        for c in created:
            chosen = [] if not pods or rng.random() < 0.1 else rng.sample(pods, min(2, len(pods)))
            chosen = chosen[: rng.randint(1, 2)] if chosen else []
            briefs.append(
                BriefVersion(
                    workspace=workspace,
                    campaign=c,
                    number=1,
                    pods=chosen,
                    channels=[c.channel],
                    start_date=c.start_date,
                    end_date=c.end_date,
                )
            )
            if pods and rng.random() < 0.2:
                briefs.append(
                    BriefVersion(
                        workspace=workspace,
                        campaign=c,
                        number=2,
                        pods=[rng.choice(pods)],
                        channels=[c.channel],
                        start_date=c.start_date,
                        end_date=c.end_date,
                    )
                )
        BriefVersion.objects.bulk_create(briefs, batch_size=1000)
    return missing


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--workspace", default="demo")
    args = parser.parse_args(argv)
    made = ensure(args.count, args.workspace)
    print(f"{made} campaigns created; the workspace holds at least {args.count}.")


if __name__ == "__main__":
    main()
