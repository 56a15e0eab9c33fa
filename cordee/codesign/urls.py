from django.urls import path

from cordee.codesign import alignment_views, views

urlpatterns = [
    path("campaigns/alignment/", alignment_views.campaign_alignment, name="campaign_alignment"),
    path("campaigns/<int:pk>/brief/", views.brief_detail, name="brief_detail"),
    path("campaigns/<int:pk>/brief/save/", views.brief_save, name="brief_save"),
    path("campaigns/<int:pk>/brief/versions/", views.brief_versions, name="brief_versions"),
    path("campaigns/<int:pk>/brief/compare/", views.brief_compare, name="brief_compare"),
]
