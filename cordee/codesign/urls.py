from django.urls import path

from cordee.codesign import alignment_views, debrief_views, views

urlpatterns = [
    path("campaigns/alignment/", alignment_views.campaign_alignment, name="campaign_alignment"),
    path("campaigns/<int:pk>/brief/", views.brief_detail, name="brief_detail"),
    path("campaigns/<int:pk>/brief/save/", views.brief_save, name="brief_save"),
    path("campaigns/<int:pk>/brief/versions/", views.brief_versions, name="brief_versions"),
    path("campaigns/<int:pk>/brief/compare/", views.brief_compare, name="brief_compare"),
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
