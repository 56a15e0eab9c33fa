from django.urls import path

from cordee.codesign import alignment_views, debrief_views, kit_views, views

urlpatterns = [
    path("campaigns/alignment/", alignment_views.campaign_alignment, name="campaign_alignment"),
    path("campaigns/<int:pk>/brief/", views.brief_detail, name="brief_detail"),
    path("campaigns/<int:pk>/brief/save/", views.brief_save, name="brief_save"),
    path("campaigns/<int:pk>/brief/versions/", views.brief_versions, name="brief_versions"),
    path("campaigns/<int:pk>/brief/compare/", views.brief_compare, name="brief_compare"),
    # the readiness kit (kit_views.py)
    path("campaigns/<int:pk>/kit/", kit_views.kit_detail, name="kit_detail"),
    path("campaigns/<int:pk>/kit/save/", kit_views.kit_save, name="kit_save"),
    path("campaigns/<int:pk>/kit/assets/", kit_views.kit_asset_add, name="kit_asset_add"),
    path("campaigns/<int:pk>/kit/acknowledge/", kit_views.kit_acknowledge, name="kit_acknowledge"),
    path("kit-assets/<int:pk>/delete/", kit_views.kit_asset_delete, name="kit_asset_delete"),
    path("kit-assets/<int:pk>/file/", kit_views.kit_asset_file, name="kit_asset_file"),
]

urlpatterns += [
    path("campaigns/<int:pk>/debrief/", debrief_views.debrief_detail, name="debrief_detail"),
    path("campaigns/<int:pk>/debrief/open/", debrief_views.debrief_open, name="debrief_open"),
    path("campaigns/<int:pk>/debrief/rate/", debrief_views.debrief_rate, name="debrief_rate"),
    path(
        "campaigns/<int:pk>/debrief/lessons/", debrief_views.debrief_lessons, name="debrief_lessons"
    ),
    path("campaigns/<int:pk>/debrief/reopen/", debrief_views.debrief_reopen, name="debrief_reopen"),
]
