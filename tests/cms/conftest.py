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
