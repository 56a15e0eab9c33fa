"""The documents of the records written before the search existed."""

from typing import Any

from django.db import migrations


def index_everything(apps: Any, schema_editor: Any) -> None:
    # the services read the current models: fine here, the search reads only existing columns
    from cordee.search.services import workspace_reindex

    Workspace = apps.get_model("tenancy", "Workspace")
    for workspace_id in Workspace.objects.values_list("pk", flat=True):
        workspace_reindex(workspace_id=workspace_id)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_full_text_indexes"),
        ("crm", "__latest__"),
        ("funnel", "__latest__"),
        ("feedback", "__latest__"),
    ]

    operations = [migrations.RunPython(index_everything, migrations.RunPython.noop)]
