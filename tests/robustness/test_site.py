"""Absolute URLs name the address Pelita is served at (issue 18.5): the demo's default Site follows the host
and port of PELITA_BASE_URL (`make run`: 127.0.0.1:$PORT), so the Wagtail API's meta.html_url / detail_url,
feeds and e-mails do; the deploy check warns when production's Site or base URL is not an allowed host."""

from django.core.checks import run_checks
from django.test import Client
from wagtail.models import Site


def test_the_demo_site_follows_the_served_address(demo_full, settings):
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    body = Client().get("/api/v2/pages/?type=cms.StoryPage&locale=en").json()
    story = body["items"][0]
    assert story["meta"]["html_url"].startswith("http://127.0.0.1:8000/en/")
    assert story["meta"]["detail_url"].startswith("http://127.0.0.1:8000/api/v2/pages/")
    feed = Client().get("/feeds/en/rss.xml").content.decode()
    assert "http://127.0.0.1:8000/en/" in feed or "http://testserver/en/" in feed
    assert "http://localhost/" not in feed

    settings.PELITA_BASE_URL = "http://127.0.0.1:8123"
    from cms.services import site_follow_base_url

    site_follow_base_url()
    assert Site.objects.get(is_default_site=True).port == 8123


def test_e_mail_links_use_the_base_url(settings):
    from portal.notifications.emails import absolute_url

    settings.WAGTAILADMIN_BASE_URL = settings.PELITA_BASE_URL = "https://pelita.example.org"
    assert absolute_url("/notifications/") == "https://pelita.example.org/notifications/"


def test_the_deploy_check_warns_about_a_site_outside_allowed_hosts(demo_full, settings):
    settings.ALLOWED_HOSTS = ["pelita.example.org"]
    settings.PELITA_BASE_URL = "https://pelita.example.org"
    ids = {m.id for m in run_checks(include_deployment_checks=True, databases=["default"])}
    assert "pelita.W002" in ids and "pelita.W001" not in ids
    Site.objects.filter(is_default_site=True).update(hostname="pelita.example.org", port=443)
    settings.PELITA_BASE_URL = "http://localhost:8000"
    ids = {m.id for m in run_checks(include_deployment_checks=True, databases=["default"])}
    assert "pelita.W002" not in ids and "pelita.W001" in ids
