"""The pages `make bench` measures, who looks at them, and the throughput ratio each must reach."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    url_name: str
    who: str  # a key of the LoadRun info: member, liaison, coordinator
    target: float  # page/baseline throughput ratio to reach
    args: tuple = ()  # LoadRun info keys for the URL's arguments
    query: str = ""
    # Measured on a second server whose page cache keeps nothing (PELITA_PAGE_CACHE_SECONDS=0): every view looks
    # the page up, renders it and stores it, as the first view after a change does.
    miss: bool = False


PAGES = [
    Page("home", "Home page", "home", "member", 0.25),
    Page("my_forums", "My forums (cache hit)", "forums:my_forums", "member", 0.25),
    Page("my_forums_miss", "My forums (cache miss)", "forums:my_forums", "member", 0.25, miss=True),
    Page("forum", "Forum page (cache hit)", "forums:forum", "member", 0.5, ("forum",)),
    Page("forum_miss", "Forum page (cache miss)", "forums:forum", "member", 0.25, ("forum",), miss=True),
    Page("thread", "Thread page (cache hit)", "forums:thread", "member", 0.5, ("thread",)),
    Page("thread_miss", "Thread page (cache miss)", "forums:thread", "member", 0.25, ("thread",), miss=True),
    Page("inbox", "Agency inbox (cache hit)", "referrals:inbox", "liaison", 0.25),
    Page("inbox_miss", "Agency inbox (cache miss)", "referrals:inbox", "liaison", 0.25, miss=True),
    Page("referral", "Referral page", "referrals:referral_detail", "liaison", 0.25, ("referral",)),
    Page("dashboard", "Dashboard", "dashboard:index", "coordinator", 0.25),
    Page("search", "Area search", "areas:search", "member", 0.25, (), "?q=jago"),
]
BASELINE = Page("baseline", "Baseline (trivial template)", "bench_baseline", "member", 1.0)


def page_url(page: Page, info: dict) -> str | None:
    """The page's URL for this data set, or None when the page is not built yet (its URL does not resolve)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(page.url_name, args=[info[a] for a in page.args]) + page.query
    except (NoReverseMatch, KeyError):
        return None
