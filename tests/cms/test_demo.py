from cms.models import ResourcePage, StandardPage, StoryPage


def test_demo_publishes_everything_in_both_languages_once(cms_demo, demo):
    from cms.demo import seed

    for code in ("id", "en"):
        assert StoryPage.objects.live().filter(locale__language_code=code).count() == 3
        assert StandardPage.objects.live().filter(locale__language_code=code).count() == 3
        resources = ResourcePage.objects.live().filter(locale__language_code=code, document__isnull=False)
        assert resources.count() == 1
    assert resources.get().document.file.read(5) == b"%PDF-"
    assert all(story.image is not None for story in StoryPage.objects.all())
    assert demo["users"]["editor"].groups.filter(name="Editors").exists()
    assert demo["users"]["moderator"].groups.filter(name="Moderators").exists()
    # Idempotent: a second run adds nothing.
    before = StoryPage.objects.count()
    seed(demo)
    assert StoryPage.objects.count() == before
