import pytest


@pytest.fixture
def cms_demo(demo, settings, tmp_path):
    """The platform demo plus the public site's demo (stories, resource, standard pages), media in tmp."""
    from cms.demo import seed

    settings.MEDIA_ROOT = str(tmp_path / "media")
    return seed(demo)["cms"]


@pytest.fixture
def home(db):
    from cms.models import HomePage

    return HomePage.objects.get(locale__language_code="id", depth=2)


@pytest.fixture
def story_index(home):
    """A story index under the Indonesian home page and its English translation (no demo content)."""
    from cms.models import StoryIndexPage
    from cms.services import page_publish, page_translate

    index = StoryIndexPage(title="Cerita", slug="cerita")
    home.add_child(instance=index)
    page_publish(page=index)
    page_publish(page=page_translate(page=index, language="en", title="Stories", slug="stories"))
    return index


@pytest.fixture
def editorial(db):
    """An editor and a moderator in the groups the site setup created."""
    from django.contrib.auth.models import Group

    from cms.services import EDITORS, MODERATORS
    from tests.factories import make_user

    editor = make_user("editor_t", display_name="Editor T")
    editor.groups.add(Group.objects.get(name=EDITORS))
    moderator = make_user("moderator_t", display_name="Moderator T", language="en")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    return {"editor": editor, "moderator": moderator}


@pytest.fixture
def draft_story(story_index, editorial):
    from cms.models import StoryPage

    story = StoryPage(
        title="Posyandu remaja di Desa Jago",
        slug="posyandu-remaja",
        summary="Kader muda membuka posyandu remaja.",
        body=[{"type": "paragraph", "value": "<p>Isi cerita.</p>"}],
        live=False,
        owner=editorial["editor"],
    )
    story_index.add_child(instance=story)
    story.save_revision(user=editorial["editor"])
    return story
