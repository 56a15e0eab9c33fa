"""The words of notifications now live in their code and parameters (see 0005); a migration
of its own, so that PostgreSQL alters the table in another transaction than the rows' update."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("people", "0005_notification_code_and_params")]

    operations = [
        migrations.RemoveField(model_name="notification", name="title"),
        migrations.RemoveField(model_name="notification", name="body"),
    ]
