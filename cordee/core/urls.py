from django.urls import path

from cordee.core import views

urlpatterns: list = []
