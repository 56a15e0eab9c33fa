from django.urls import path

from cordee.codesign import (
    alignment_views,
    calendar_views,
    debrief_views,
    kit_views,
    review_views,
    views,
)

urlpatterns = [
    path("campaigns/alignment/", alignment_views.campaign_alignment, name="campaign_alignment"),
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
    # the sales review (review_views)
    path("campaigns/reviewers/", review_views.pod_reviewers, name="pod_reviewers"),
    path("campaigns/reviewers/<int:pk>/", review_views.pod_reviewer_set, name="pod_reviewer_set"),
    path("campaigns/<int:pk>/brief/review/", review_views.review_request, name="review_request"),
    path("campaigns/reviews/<int:pk>/", review_views.review_decide, name="review_decide"),
    path(
        "campaigns/<int:pk>/brief/comments/",
        review_views.brief_comment_create,
        name="brief_comment_create",
    ),
    path(
        "campaigns/brief-comments/<int:pk>/resolve/",
        review_views.brief_comment_resolve,
        name="brief_comment_resolve",
    ),
    path(
        "campaigns/brief-comments/<int:pk>/reopen/",
        review_views.brief_comment_reopen,
        name="brief_comment_reopen",
    ),
    path("campaigns/<int:pk>/launch/", review_views.campaign_launch, name="campaign_launch"),
    path(
        "campaigns/<int:pk>/override/",
        review_views.campaign_launch_override,
        name="campaign_launch_override",
    ),
]
