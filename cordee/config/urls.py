from django.contrib import admin
from django.urls import include, path

from cordee.config.api import api
from cordee.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cordee.core.urls")),
]
