"""Writes outside forums.services that change what a cached forum page shows, or who may read it: a dusun renamed
or moved to another desa (found by the break-it pass of issue 17's caches)."""

import pytest
from django.urls import reverse

from portal.areas.services import hamlet_update

from .conftest import login
from .test_pagecache import _fetch, _fresh, _url, _warm, linked, world_pc  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_a_renamed_dusun_shows_on_its_forum_pages_at_once(world_pc):  # noqa: F811
    ctx = _fresh(world_pc, 91)
    hamlet = ctx["dusun_forum"].area
    client = login(ctx["A"])
    urls = [_url(ctx, "forum"), _url(ctx, "thread"), _url(ctx, "my")]
    for url in urls:
        _warm(client, url)
    hamlet_update(hamlet=hamlet, name="Dusun Baru Hempat", village=hamlet.parent)
    for url in urls:
        assert "Dusun Baru Hempat" in _fetch(client, url)[1], url


def test_a_moved_dusun_leaves_the_old_desas_facilitator(world_pc, settings):  # noqa: F811
    """Not the cache: the forum grants of the desa's overseers after its dusun moved to another desa."""
    settings.PELITA_PAGE_CACHE = False
    ctx = _fresh(world_pc, 90)
    hamlet = ctx["dusun_forum"].area
    other = ctx["areas"]["52.02.06.2001"]
    client = login(ctx["M"])  # the facilitator of the dusun's desa
    assert _fetch(client, _url(ctx, "thread"))[0] == 200
    hamlet_update(hamlet=hamlet, name=hamlet.name, village=other)
    hamlet.refresh_from_db()
    assert _fetch(client, reverse("forums:thread", args=[ctx["t"].pk]))[0] == 404
