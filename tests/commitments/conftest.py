import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache(tmp_path, settings):
    """Each test starts with an empty cache and its own private file folder."""
    cache.clear()
    settings.PELITA_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield
    cache.clear()


@pytest.fixture
def seeded(demo):
    """The platform demo plus the commitments demo (no forums or cases)."""
    from commitments import demo as commitments_demo

    commitments_demo.seed(demo)
    return demo


def login(client, user):
    client.force_login(user)
    return client
