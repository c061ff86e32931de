from cms.models import ResourcePage, StandardPage, StoryPage


def test_demo_publishes_stories_in_both_languages_once(cms_demo, demo):
    for code in ("id", "en"):
        assert StoryPage.objects.live().filter(locale__language_code=code).count() >= 3
        assert StandardPage.objects.live().filter(locale__language_code=code).count() == 3
        assert (
            ResourcePage.objects.live().filter(locale__language_code=code, document__isnull=False).count()
            == 1
        )


def test_demo_is_idempotent(cms_demo, demo):
    from cms.demo import seed

    before = StoryPage.objects.count()
    seed(demo)
    assert StoryPage.objects.count() == before
