"""Text an editor removed from a page must not stay readable in its history (issue 19.4): a child's name typed by
mistake, then edited out, is still in every older Wagtail revision, in the history's labels, in the page row of a
draft and in the search index. `page_redact_revisions` purges it:

- every revision other than the latest and the live one gets the latest revision's content (so the history, the
  revision view and the compare view show nothing that was edited out; who saved when stays);
- the page's log entries (history labels, rename records) carry the current title instead of older ones;
- a page that is not live gets the latest revision's content in its own row (a live page's row is what the
  public site shows: publish the corrected text first, then redact);
- the page's search index entry is rebuilt from its row;
- one audit entry records who did it (the numbers only, never the text)."""

from django.db import transaction

from portal.core.errors import Forbidden


def _scrub(value, old_titles: set[str], title: str):
    if isinstance(value, str):
        return title if value in old_titles else value
    if isinstance(value, list):
        return [_scrub(v, old_titles, title) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, old_titles, title) for k, v in value.items()}
    return value


def can_redact(*, page, user) -> bool:
    return bool(user and user.is_authenticated and page.permissions_for_user(user).can_edit())


@transaction.atomic
def page_redact_revisions(*, page, user, request=None) -> dict[str, int]:
    """Purge what older revisions of `page` hold beyond its latest (and live) revision. Returns the counts."""
    from wagtail.models import Page, PageLogEntry, Revision
    from wagtail.search import index

    from portal.audit.services import audit_log

    if not can_redact(page=page, user=user):
        raise Forbidden
    page = Page.objects.select_for_update().get(pk=page.pk).specific
    latest = page.latest_revision or page.revisions.order_by("-created_at", "-id").first()
    if latest is None:
        return {"revisions": 0, "log_entries": 0}
    keep = {latest.pk, page.live_revision_id}
    title = latest.content.get("title") or page.title
    public_titles = {title, page.title} if page.live else {title}
    revisions = list(Revision.page_revisions.filter(object_id=str(page.pk)))
    old_titles: set[str] = set()
    for revision in revisions:
        for value in (
            revision.content.get("title"),
            revision.content.get("draft_title"),
            revision.object_str,
        ):
            if value and value not in public_titles:
                old_titles.add(value)
    clean_content = _scrub(latest.content, old_titles, title)
    purged = 0
    for revision in revisions:
        if revision.pk in keep:
            content = _scrub(revision.content, old_titles, title)  # e.g. a draft_title left from before
        else:
            content = clean_content
            purged += 1
        object_str = title if revision.object_str in old_titles else revision.object_str
        if content != revision.content or object_str != revision.object_str:
            revision.content, revision.object_str = content, object_str
            revision.save(update_fields=["content", "object_str"])
    if not page.live:
        # The row of a draft holds the text it was created with: bring it in step with the latest revision.
        current = latest.as_object()
        current.draft_title = current.title
        current.save(clean=False)
        page = Page.objects.get(pk=page.pk).specific
    entries = 0
    label = page.title if page.live else title
    for entry in PageLogEntry.objects.filter(page_id=page.pk):
        data = _scrub(entry.data, old_titles, title)
        if label != entry.label or data != entry.data:
            PageLogEntry.objects.filter(pk=entry.pk).update(label=label, data=data)
            entries += 1
    index.insert_or_update_object(page)
    counts = {"revisions": purged, "log_entries": entries}
    audit_log(
        actor=user,
        action="cms.revisions_redacted",
        target=page,
        fields=["revisions", "log_entries", "search_index"],
        request=request,
        surface="admin",
        detail=counts,
    )
    return counts
