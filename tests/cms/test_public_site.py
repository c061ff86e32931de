"""The public site: locale routing, the language switch, SEO tags, the story index, feeds, sitemap, robots and
the Wagtail API v2."""

import xml.etree.ElementTree as ET

import pytest

from cms.models import StoryPage

pytestmark = pytest.mark.django_db


def story(language="id", slug_en="community-parenting-desa-jago"):
    if language == "id":
        return StoryPage.objects.get(slug="pengasuhan-bersama-desa-jago")
    return StoryPage.objects.get(slug=slug_en)


def _indonesian_at_root_english_under_en(client, cms_demo):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="id">' in page.content.decode()
    assert "Cerita terbaru" in page.content.decode()
    english = client.get("/en/")
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert "Latest stories" in english.content.decode()
    assert "Community Parenting in Desa Jago" in english.content.decode()


def _story_urls_per_locale_and_translation_links(client, cms_demo):
    indonesian, english = story("id"), story("en")
    assert indonesian.url == "/cerita/pengasuhan-bersama-desa-jago/"
    assert english.url == "/en/stories/community-parenting-desa-jago/"
    assert english.translation_key == indonesian.translation_key
    html = client.get(indonesian.url).content.decode()
    # The footer switch links to the English translation.
    assert f'href="/language/en/?next={english.url}"' in html
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{english.url}">' in html
    assert f'<link rel="canonical" href="http://testserver{indonesian.url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'property="og:image"' in html
    html_en = client.get(english.url).content.decode()
    assert f'href="/language/id/?next={indonesian.url}"' in html_en


def _language_switch_lands_on_the_translation_and_sets_the_cookie(client, cms_demo):
    english = story("en")
    response = client.get("/language/en/", {"next": english.url})
    assert response.status_code == 302
    assert response["Location"] == english.url
    assert response.cookies["pelita_language"].value == "en"
    assert "Community Parenting" in client.get(response["Location"]).content.decode()


def _page_speaks_its_own_language_whatever_the_cookie(client, cms_demo):
    client.cookies["pelita_language"] = "en"
    html = client.get(story("id").url).content.decode()
    assert '<html lang="id">' in html
    assert "Tema" in html
    assert client.get("/").status_code == 200
    assert client.get("/en/").status_code == 200


def test_language_switch_refuses_other_sites(client, db):
    response = client.get("/language/en/", {"next": "https://evil.example/"})
    assert response["Location"] == "/en/"
    assert client.get("/language/fr/").status_code == 404


def _switch_without_translation_goes_to_the_other_home(client, cms_demo):
    from cms.services import page_publish

    index = cms_demo["story_index"]
    lonely = StoryPage(title="Hanya dalam bahasa Indonesia", slug="hanya-id", summary="Ringkas.", body=[])
    index.add_child(instance=lonely)
    page_publish(page=lonely)
    html = client.get(lonely.url).content.decode()
    assert 'href="/language/en/?next=/en/"' in html
    assert 'rel="alternate" hreflang="en"' not in html


def _story_index_filters_by_theme_and_kabupaten(client, cms_demo):
    index_url = cms_demo["story_index"].url
    html = client.get(index_url, {"theme": "birth-registration"}).content.decode()
    assert "Akta Kelahiran Sampai" in html
    assert "Sore Bersama di Balai Desa" not in html
    html = client.get(index_url, {"kabupaten": "52.02"}).content.decode()
    assert html.count('class="cms-card"') == 3
    html = client.get(index_url, {"kabupaten": "52.01"}).content.decode()
    assert "Tidak ada cerita yang cocok" in html


def _story_index_search(client, cms_demo):
    index_url = cms_demo["story_index"].url
    html = client.get(index_url, {"q": "Dukcapil"}).content.decode()
    assert "Akta Kelahiran Sampai" in html
    assert "Sore Bersama di Balai Desa" not in html
    english = client.get("/en/stories/", {"q": "remittances"}).content.decode()
    assert "Community Parenting in Desa Jago" in english
    assert "Birth Certificates Reaching" not in english


def _story_index_paginates_and_keeps_filters(client, cms_demo):
    from cms.models import StoryIndexPage
    from cms.services import page_publish

    index = cms_demo["story_index"]
    for n in range(StoryIndexPage.per_page):
        page = StoryPage(title=f"Cerita {n}", slug=f"cerita-{n}", summary="Ringkas.", body=[])
        index.add_child(instance=page)
        page_publish(page=page)
    html = client.get(index.url, {"theme": ""}).content.decode()
    assert "Halaman 1 dari 2" in html
    assert 'href="?theme=&amp;page=2"' in html
    assert client.get(index.url, {"page": "99"}).status_code == 200


def _rss_and_atom_feeds_per_language(client, cms_demo):
    rss = client.get("/feeds/id/rss.xml")
    assert rss.status_code == 200
    channel = ET.fromstring(rss.content).find("channel")
    assert channel.find("language").text == "id"
    titles = [item.find("title").text for item in channel.findall("item")]
    assert "Akta Kelahiran Sampai ke Tangan Anak yang Ditinggal Orang Tuanya" in titles
    assert all("Birth Certificates" not in t for t in titles)
    atom = client.get("/feeds/en/atom.xml")
    assert atom.status_code == 200
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(atom.content).findall("a:entry", ns)
    assert {e.find("a:title", ns).text for e in entries} >= {
        "Birth Certificates Reaching the Children Left Behind"
    }
    links = [e.find("a:link", ns).get("href") for e in entries]
    assert all(link.startswith("http://testserver/en/stories/") for link in links)
    assert client.get("/feeds/fr/rss.xml").status_code == 404


def _sitemap_lists_both_languages_with_alternates(client, cms_demo):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.fromstring(response.content).findall("s:url", ns)
    locations = {u.find("s:loc", ns).text for u in urls}
    assert "http://testserver/" in locations
    assert "http://testserver/en/" in locations
    assert "http://testserver/cerita/pengasuhan-bersama-desa-jago/" in locations
    assert "http://testserver/en/stories/community-parenting-desa-jago/" in locations
    story_url = next(u for u in urls if u.find("s:loc", ns).text.endswith("/pengasuhan-bersama-desa-jago/"))
    alternates = {a.get("hreflang"): a.get("href") for a in story_url.findall("x:link", ns)}
    assert alternates["en"] == "http://testserver/en/stories/community-parenting-desa-jago/"


def _sitemap_leaves_out_drafts(client, cms_demo):
    index = cms_demo["story_index"]
    draft = StoryPage(title="Draf", slug="draf-rahasia", summary="Belum terbit.", body=[], live=False)
    index.add_child(instance=draft)
    assert b"draf-rahasia" not in client.get("/sitemap.xml").content


def test_robots_txt(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /cases/" in body
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def _api_v2_lists_stories_per_locale(client, cms_demo):
    response = client.get(
        "/api/v2/pages/", {"type": "cms.StoryPage", "locale": "en", "fields": "summary,area,themes"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == 3
    titles = {item["title"] for item in data["items"]}
    assert "Birth Certificates Reaching the Children Left Behind" in titles
    item = data["items"][0]
    assert item["meta"]["locale"] == "en"
    assert {"code", "name", "level"} <= set(item["area"])
    indonesian = client.get("/api/v2/pages/", {"type": "cms.StoryPage", "locale": "id"}).json()
    assert indonesian["meta"]["total_count"] == 3
    assert all(i["meta"]["locale"] == "id" for i in indonesian["items"])


def _api_v2_hides_drafts(client, cms_demo):
    index = cms_demo["story_index"]
    index.add_child(instance=StoryPage(title="Draf", slug="draf", summary="x", body=[], live=False))
    data = client.get("/api/v2/pages/", {"type": "cms.StoryPage", "locale": "id"}).json()
    assert data["meta"]["total_count"] == 3


def _story_page_queries_are_bounded(client, cms_demo, django_assert_max_num_queries):
    url = story("id").url
    client.get(url)
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200


# The demo takes seconds to build: each test below checks several things on one copy of it.


def test_locale_routing_and_language_switch(client, cms_demo, django_assert_max_num_queries):
    _indonesian_at_root_english_under_en(client, cms_demo)
    _story_urls_per_locale_and_translation_links(client, cms_demo)
    _story_page_queries_are_bounded(client, cms_demo, django_assert_max_num_queries)
    _language_switch_lands_on_the_translation_and_sets_the_cookie(client, cms_demo)
    _page_speaks_its_own_language_whatever_the_cookie(client, cms_demo)
    _switch_without_translation_goes_to_the_other_home(client, cms_demo)


def test_story_index_filters_search_and_pagination(client, cms_demo, django_assert_max_num_queries):
    _story_index_filters_by_theme_and_kabupaten(client, cms_demo)
    _story_index_search(client, cms_demo)
    _story_index_paginates_and_keeps_filters(client, cms_demo)


def test_feeds_and_sitemap(client, cms_demo, django_assert_max_num_queries):
    _rss_and_atom_feeds_per_language(client, cms_demo)
    _sitemap_lists_both_languages_with_alternates(client, cms_demo)
    _sitemap_leaves_out_drafts(client, cms_demo)


def test_api_v2_lists_live_stories_per_locale(client, cms_demo, django_assert_max_num_queries):
    _api_v2_lists_stories_per_locale(client, cms_demo)
    _api_v2_hides_drafts(client, cms_demo)
