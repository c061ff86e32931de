from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def _unread_badge(*, user) -> str:
    from .selectors import unread_total

    n = unread_total(user=user)
    return ngettext("%(n)s unread thread", "%(n)s unread threads", n) % {"n": n} if n else ""


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        from portal.areas.panels import register_area_panel
        from portal.core.demo import register_demo_seeder
        from portal.core.navigation import register_badge, register_section
        from portal.core.panels import register_panel
        from portal.core.signals import referral_changed
        from portal.people.permissions import register_permission_sync

        from . import demo
        from .case_updates import on_referral_changed
        from .permissions import sync_forum_permissions
        from .selectors import forum_area_panel, forum_attention_panel, forum_case_panel

        register_permission_sync(sync_forum_permissions)
        register_demo_seeder("forums", demo.seed, order=10)
        register_section(
            url_name="forums:my_forums",
            title=_("My forums"),
            description=_("Discuss and coordinate in the forums of your areas."),
            audience="member",
            order=10,
        )
        register_badge(url_name="forums:my_forums", badge=_unread_badge)
        register_area_panel("forums", forum_area_panel, order=10)
        register_panel("case", "forums", forum_case_panel, order=10)
        register_panel("attention", "forums", forum_attention_panel, order=10)
        # News of referrals in the threads about their case (forums/case_updates.py).
        referral_changed.connect(on_referral_changed, dispatch_uid="forums.case_updates")
        from portal.notifications.targets import register_notification_target

        from .selectors import threads_visible_ids

        # A notification about a thread or post is hidden once its reader can no longer read the thread
        # (moved to a forum they cannot read, their membership ended).
        for url_name in ("forums:thread", "forums:post_goto"):
            register_notification_target(
                url_name=url_name, target="forums.thread", kwarg="pk", visible=threads_visible_ids
            )

        self._ready_meetings()
        self._ready_page_cache()

    def _ready_page_cache(self):
        """What changes the cached thread and forum pages outside forums.services (forums/pagecache.py)."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from portal.areas.models import Area, AreaImport
        from portal.core.signals import referral_changed
        from portal.people.models import Membership

        from . import pagecache
        from .models import ForumUserObjectPermission

        post_save.connect(pagecache.on_user_saved, sender=get_user_model(), dispatch_uid="forums.pc.user")
        for model in (Membership, ForumUserObjectPermission):
            for signal in (post_save, post_delete):
                signal.connect(
                    pagecache.on_person_rights_changed,
                    sender=model,
                    dispatch_uid=f"forums.pc.{model.__name__}",
                )
        for model in (Area, AreaImport):
            for signal in (post_save, post_delete):
                signal.connect(
                    pagecache.on_area_changed, sender=model, dispatch_uid=f"forums.pc.{model.__name__}"
                )
        for signal in (post_save, post_delete):
            signal.connect(pagecache.on_any_model_changed, dispatch_uid="forums.pc.external")
        referral_changed.connect(pagecache.on_referral_changed, dispatch_uid="forums.pc.referrals")

    def _ready_meetings(self):
        """Meetings, action items and proposals (forums/meetings/): their panels, section and demo."""
        from portal.areas.panels import register_area_panel
        from portal.core.demo import register_demo_seeder
        from portal.core.home import register_home_panel
        from portal.core.navigation import register_section
        from portal.core.reporting import register_report_section

        from .meetings import demo as meetings_demo
        from .meetings.reporting import SECTION
        from .meetings.selectors import action_items_area_panel, my_action_items_home_panel

        register_demo_seeder("meetings", meetings_demo.seed, order=15)
        register_section(
            url_name="forums:action_items",
            title=_("My action items"),
            description=_("What the forum meetings asked you to do, and by when."),
            audience="member",
            order=15,
        )
        register_home_panel("action_items", my_action_items_home_panel, order=10)
        from .home import recent_topics_home_panel

        register_home_panel("recent_topics", recent_topics_home_panel, order=40)
        register_area_panel("action_items", action_items_area_panel, order=20)
        register_report_section(SECTION)
