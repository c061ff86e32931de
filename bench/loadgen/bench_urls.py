"""URLs for the bench settings only (portal/settings/bench.py): every real URL plus the baseline view."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

from .views import baseline

urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *portal_urlpatterns]
