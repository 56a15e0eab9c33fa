from django.urls import path

from cordee.comments import views
from cordee.comments.selectors import PLURALS

urlpatterns = [
    *(
        path(
            f"{plural}/<int:pk>/comments/",
            views.comment_thread,
            {"kind": kind},
            name=f"{plural}_comments",
        )
        for kind, plural in PLURALS.items()
    ),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/history/", views.comment_history, name="comment_history"),
    path("comments/mentions/", views.mention_suggestions, name="comment_mentions"),
]
