from django.urls import path

from cordee.codesign import review_views, views

urlpatterns = [
    path("campaigns/<int:pk>/brief/", views.brief_detail, name="brief_detail"),
    path("campaigns/<int:pk>/brief/save/", views.brief_save, name="brief_save"),
    path("campaigns/<int:pk>/brief/versions/", views.brief_versions, name="brief_versions"),
    path("campaigns/<int:pk>/brief/compare/", views.brief_compare, name="brief_compare"),
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
