from django.contrib import admin
from django.urls import include, path

from cordee.access import urls as access_urls
from cordee.administration.urls import instance_urlpatterns
from cordee.codesign import calendar_views
from cordee.config.api import api
from cordee.core import views as core_views
from cordee.dataio.exports import views as export_views
from cordee.people import access_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Django's set_language, which also keeps a signed-in person's choice on their profile.
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # a person's ICS feed of the campaign calendar: its secret authenticates, no session
    path("feeds/calendar/<str:secret>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("invitations/<str:token>/", access_views.invitation_accept, name="invitation_accept"),
    # the home page per role and the pod's page come before funnel's and people's routes
    path("w/<slug:slug>/", include("cordee.alignment.urls")),
    path("w/<slug:slug>/", include("cordee.people.urls")),
    path("w/<slug:slug>/", include("cordee.funnel.urls")),
    path("w/<slug:slug>/", include("cordee.integrations.urls")),
    path("w/<slug:slug>/", include("cordee.attribution.urls")),
    path("w/<slug:slug>/", include("cordee.feedback.urls")),
    path("w/<slug:slug>/", include("cordee.comp.urls")),
    path("w/<slug:slug>/", include("cordee.search.urls")),
    path("w/<slug:slug>/", include("cordee.dataio.urls")),
    path("w/<slug:slug>/", include("cordee.comments.urls")),
    path("w/<slug:slug>/", include("cordee.merges.urls")),
    path("w/<slug:slug>/", include("cordee.lists.urls")),
    path("w/<slug:slug>/", include("cordee.codesign.urls")),
    path("w/<slug:slug>/", include("cordee.rituals.urls")),
    path("w/<slug:slug>/", include("cordee.wins.urls")),
    path("w/<slug:slug>/", include("cordee.diagnostic.urls")),
    path("w/<slug:slug>/", include("cordee.bulk.urls")),
    path("w/<slug:slug>/", include(access_urls.workspace_urlpatterns)),
    path("w/<slug:slug>/", include("cordee.administration.urls")),
    path("instance/", include(instance_urlpatterns)),
    path("w/<slug:slug>/", include("cordee.core.workspace_urls")),
    path(
        "w/<slug:slug>/settings/export/",
        export_views.workspace_export,
        name="workspace_export",
    ),
    path("", include(access_urls.urlpatterns)),
    path("", include("cordee.core.urls")),
]

# a database that cannot be reached answers 503 (HTML, or the API's error shape), not a crash
handler500 = "cordee.core.views.server_error"
