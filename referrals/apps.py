from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Children and referrals")

    def ready(self):
        from portal.core.demo import register_demo_seeder
        from portal.core.navigation import register_section

        from . import demo
        from .kinds import register_kinds, register_urgency_checks

        register_kinds()
        register_urgency_checks()

        register_demo_seeder("referrals", demo.seed, order=20)

        from . import pagecache

        pagecache.connect()  # the cached agency inbox's versions (referrals/pagecache.py)

        from portal.core.home import register_home_panel

        from .home import overdue_home_panel, waiting_home_panel

        register_home_panel("referrals_waiting", waiting_home_panel, order=5)
        register_home_panel("referrals_overdue", overdue_home_panel, order=6)

        from portal.notifications.targets import register_notification_target

        from .selectors import cases_visible_codes, referrals_visible_ids

        # A notification about a referral or a case is hidden once the person may no longer see it.
        register_notification_target(
            url_name="referrals:referral_detail",
            target="referrals.referral",
            kwarg="pk",
            visible=referrals_visible_ids,
        )
        register_notification_target(
            url_name="referrals:case_detail",
            target="referrals.case",
            kwarg="code",
            visible=cases_visible_codes,
        )
        register_section(
            url_name="referrals:case_list",
            title=_("Children and cases"),
            description=_("Register children, record consent, send referrals."),
            audience="case_worker",
            order=20,
        )
        register_section(
            url_name="referrals:inbox",
            title=_("Agency inbox"),
            description=_("Referrals sent to your agency."),
            audience="liaison",
            order=30,
        )
