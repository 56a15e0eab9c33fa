"""Breaches recorded before an answer or a close counted as acknowledgement: drop those whose
item made its first move out of "new" (a status move, a close, an answer) by the due instant —
min(acknowledged, answered, closed) ≤ due, i.e. any of them ≤ due (see ``feedback.sla``)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import F, Q


def drop_breaches_acknowledged_in_time(apps: Any, schema_editor: Any) -> None:
    breach = apps.get_model("feedback", "FeedbackSlaBreach")
    breach.objects.filter(
        Q(item__acknowledged_at__lte=F("due_at"))
        | Q(item__first_response_at__lte=F("due_at"))
        | Q(item__closed_at__lte=F("due_at"))
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_lead_and_opportunity_from_funnel")]

    operations = [
        migrations.RunPython(drop_breaches_acknowledged_in_time, migrations.RunPython.noop)
    ]
