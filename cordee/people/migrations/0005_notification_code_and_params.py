"""Notifications store the code of their text and its parameters instead of words translated
when they were written; those written before keep their words under the code "text"."""

from typing import Any

from django.db import migrations, models


def words_to_params(apps: Any, schema_editor: Any) -> None:
    Notification = apps.get_model("people", "Notification")
    rows = list(Notification.objects.only("pk", "title", "body"))
    for row in rows:
        row.code = "text"
        row.params = {"title": row.title, "body": row.body}
    Notification.objects.bulk_update(rows, ["code", "params"], batch_size=500)


def params_to_words(apps: Any, schema_editor: Any) -> None:
    Notification = apps.get_model("people", "Notification")
    rows = list(Notification.objects.only("pk", "code", "params"))
    for row in rows:  # going back: other codes keep their code name as their title
        row.title = str(row.params.get("title", row.code))[:200]
        row.body = str(row.params.get("body", ""))
    Notification.objects.bulk_update(rows, ["title", "body"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_workspace_user_membership_moved_to_tenancy")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="code",
            field=models.CharField(default="text", max_length=60, verbose_name="text"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.RunPython(words_to_params, params_to_words),
    ]
