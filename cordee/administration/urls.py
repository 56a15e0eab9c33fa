from django.urls import path

from cordee.administration import views

# under /w/<slug>/
urlpatterns = [
    path("settings/workspace/", views.workspace_settings, name="workspace_settings"),
    path(
        "settings/workspace/preview/",
        views.workspace_settings_preview,
        name="workspace_settings_preview",
    ),
]

# under /instance/
instance_urlpatterns = [
    path("workspaces/", views.instance_workspaces, name="instance_workspaces"),
    path("workspaces/new/", views.instance_workspace_new, name="instance_workspace_new"),
    path(
        "workspaces/<int:pk>/export/",
        views.instance_workspace_export,
        name="instance_workspace_export",
    ),
    path(
        "workspaces/<int:pk>/delete/",
        views.instance_workspace_delete,
        name="instance_workspace_delete",
    ),
]
