"""Sign-in's own pages (at the root) and two-factor set-up on one's profile (``/w/<slug>/``)."""

from __future__ import annotations

from django.urls import path

from cordee.access import sso, views

urlpatterns = [
    path("login/two-factor/", views.verify, name="two_factor_verify"),
    path("oidc/authenticate/", sso.authenticate_view, name="oidc_authentication_init"),
    path("oidc/callback/", sso.callback_view, name="oidc_authentication_callback"),
]

workspace_urlpatterns = [
    path("profile/two-factor/", views.two_factor, name="two_factor"),
]
