"""The rituals' pages under /w/<slug>/: each part keeps its own routes."""

from __future__ import annotations

from cordee.rituals import agenda_urls, committee_urls, meeting_urls, pairing_urls, programme_urls

urlpatterns = [
    *committee_urls.urlpatterns,
    *meeting_urls.urlpatterns,
    *agenda_urls.urlpatterns,
    *programme_urls.urlpatterns,
    *pairing_urls.urlpatterns,
]
