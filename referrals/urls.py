from django.urls import path

from . import views, views_inbox
from .http import no_store_patterns

app_name = "referrals"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("new/check/", views.case_create_check, name="case_create_check"),
    path("inbox/", views_inbox.inbox, name="inbox"),  # issue 20: the triage inbox
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/act/", views.referral_act, name="referral_act"),
    path("referrals/<int:pk>/messages/", views.referral_message, name="referral_message"),
    path("referrals/<int:pk>/resend/", views.referral_resend, name="referral_resend"),
    path("referrals/<int:pk>/letter/", views.referral_letter, name="referral_letter"),
    path("<str:code>/", views.case_detail, name="case_detail"),
    path("<str:code>/consents/new/", views.consent_create, name="consent_create"),
    path("<str:code>/consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<str:code>/team/", views.team_add, name="team_add"),
    path("<str:code>/needs/", views.case_needs, name="case_needs"),
    path("<str:code>/audit/", views.case_audit, name="case_audit"),
    path("<str:code>/identity/", views.case_identity, name="case_identity"),
    path("<str:code>/referrals/new/", views.referral_create, name="referral_create"),
]
# Triage and closing the loops (issue 20).
urlpatterns += [
    path("inbox/accept/", views_inbox.inbox_bulk_accept, name="inbox_bulk_accept"),
    path("referrals/<int:pk>/claim/", views_inbox.referral_claim, name="referral_claim"),
    path("referrals/<int:pk>/accept-start/", views_inbox.referral_accept_start, name="referral_accept_start"),
    path("referrals/<int:pk>/decline/", views_inbox.referral_decline, name="referral_decline"),
    path("referrals/<int:pk>/withdraw/", views_inbox.referral_withdraw, name="referral_withdraw"),
    path(
        "referrals/<int:pk>/messages.json", views_inbox.referral_messages_json, name="referral_messages_json"
    ),
    path("referrals/<int:pk>/need-undo/", views_inbox.need_undo, name="referral_need_undo"),
    path("attention/<int:pk>/", views_inbox.attention, name="attention"),
    path("attention/<int:pk>/remind/", views_inbox.attention_remind, name="attention_remind"),
    path("attention/<int:pk>/handled/", views_inbox.attention_handled, name="attention_handled"),
]
# Every page of the app carries a child's identity or leads to one: none is kept in a cache (issue 19.6).
urlpatterns = no_store_patterns(urlpatterns)
