"""Wagtail's screens and e-mails in the person's language (issue 20).

Pelita keeps a person's language on `User.language` (portal.people); Wagtail reads its own
`UserProfile.preferred_language` for the admin and for the workflow e-mails it sends (submitted, approved,
rejected). Left empty, Wagtail falls back on the language of the request at hand: a moderator then got the
submission e-mail in the editor's language. Here the two are kept in step, both ways:

- Pelita's language changes (`portal.people.signals.language_changed`, or the user saved with a new language):
  the Wagtail profile follows;
- the person picks a language in Wagtail's account settings: Pelita's language follows;
- after every migrate (cms_setup), every person's profile is brought in step at once."""

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery


def _profile_model():
    from wagtail.users.models import UserProfile

    return UserProfile


def admin_language_sync(*, user) -> None:
    """Wagtail's preferred language of `user` := Pelita's language of `user`."""
    language = getattr(user, "language", "") or ""
    if not user.pk or not language:
        return
    profile_model = _profile_model()
    updated = profile_model.objects.filter(user_id=user.pk).exclude(preferred_language=language)
    if not updated.update(preferred_language=language) and not (
        profile_model.objects.filter(user_id=user.pk).exists()
    ):
        profile_model.objects.create(user_id=user.pk, preferred_language=language)
    # The profile Wagtail may have cached on this user object.
    cached = user._state.fields_cache.get("wagtail_userprofile")
    if cached is not None:
        cached.preferred_language = language


def admin_languages_sync_all() -> int:
    """Every person's Wagtail profile in step with Pelita's language (profiles created where missing)."""
    user_model = get_user_model()
    profile_model = _profile_model()
    missing = user_model.objects.filter(wagtail_userprofile__isnull=True).values_list("pk", "language")
    profile_model.objects.bulk_create(
        [profile_model(user_id=pk, preferred_language=language) for pk, language in missing]
    )
    language = Subquery(user_model.objects.filter(pk=OuterRef("user_id")).values("language")[:1])
    return profile_model.objects.exclude(preferred_language=language).update(preferred_language=language)


def on_language_changed(sender, user, language, **kwargs):
    admin_language_sync(user=user)


def on_user_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and "language" not in update_fields):
        return
    admin_language_sync(user=instance)


def on_profile_saved(sender, instance, raw=False, **kwargs):
    """The person chose a language in Wagtail's account settings: Pelita follows (an empty choice, Wagtail's
    "use the default", goes back to Pelita's language)."""
    if raw:
        return
    from django.conf import settings

    user = instance.user
    chosen = instance.preferred_language
    if not chosen:
        if user.language:
            type(instance).objects.filter(pk=instance.pk).update(preferred_language=user.language)
            instance.preferred_language = user.language
        return
    if chosen in dict(settings.LANGUAGES) and chosen != user.language:
        from portal.people.services import user_set_language

        user_set_language(user=user, language=chosen)


def connect():
    from django.db.models.signals import post_save

    from portal.people.signals import language_changed

    language_changed.connect(on_language_changed, dispatch_uid="cms.languages.changed")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="cms.languages.user")
    post_save.connect(on_profile_saved, sender=_profile_model(), dispatch_uid="cms.languages.profile")
