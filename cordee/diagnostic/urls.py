"""The diagnostic pages under /w/<slug>/: each part keeps its own routes."""

from __future__ import annotations

from cordee.diagnostic import survey_urls

urlpatterns = [
    *survey_urls.urlpatterns,
]
