"""The alignment pages under /w/<slug>/: each part keeps its own routes."""

from __future__ import annotations

from cordee.alignment import home_urls, index_urls, pods_urls, report_urls

urlpatterns = [
    *index_urls.urlpatterns,
    *pods_urls.urlpatterns,
    *home_urls.urlpatterns,
    *report_urls.urlpatterns,
]
