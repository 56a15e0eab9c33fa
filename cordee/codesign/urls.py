from django.urls import path

from cordee.codesign import calendar_views, views

urlpatterns = [
    path("campaigns/calendar/", calendar_views.calendar_month, name="campaign_calendar"),
    path(
        "campaigns/calendar/quarter/",
        calendar_views.calendar_quarter,
        name="campaign_calendar_quarter",
    ),
    path(
        "campaigns/calendar/feed/",
        calendar_views.calendar_feed_create,
        name="campaign_calendar_feed_new",
    ),
    path(
        "campaigns/calendar/feed/revoke/",
        calendar_views.calendar_feed_revoke,
        name="campaign_calendar_feed_revoke",
    ),
    path("campaigns/<int:pk>/brief/", views.brief_detail, name="brief_detail"),
    path("campaigns/<int:pk>/brief/save/", views.brief_save, name="brief_save"),
    path("campaigns/<int:pk>/brief/versions/", views.brief_versions, name="brief_versions"),
    path("campaigns/<int:pk>/brief/compare/", views.brief_compare, name="brief_compare"),
]
