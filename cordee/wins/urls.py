"""The wins pages under /w/<slug>/: each part keeps its own routes."""

from __future__ import annotations

from cordee.wins import posts_urls, wall_urls

urlpatterns = [
    *posts_urls.urlpatterns,
    *wall_urls.urlpatterns,
]
