from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from cordee.core import views
from cordee.core.twofactor import two_factor_exempt

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", two_factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
]
