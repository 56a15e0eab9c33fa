from __future__ import annotations

from django.urls import path

from cordee.attribution import views

urlpatterns = [
    path("attribution/", views.attribution, name="attribution"),
    path("attribution/compute/", views.compute, name="attribution_compute"),
    path("attribution/sign/", views.sign, name="attribution_sign"),
    path("attribution/withdraw/", views.withdraw, name="attribution_withdraw"),
]
