"""Credentials end when their owner means them to (issue 19.5).

- Logging out ends the session and closes, at once, the sockets that session opened.
- A password change (the account page, a reset link, the back office, `manage.py changepassword`: anything
  that saves a new password) ends every API token of the person; the sessions made with the old password stop
  authenticating (Django's session hash) and their sockets are closed at once. The session that changed the
  password stays logged in (PasswordChangeView keeps it).
- Deactivation ends every token and closes every socket; the sessions stop authenticating.
- "Log out everywhere" ends every session (the credentials epoch is part of the session hash), every token and
  every socket.
- DELETE /api/v1/auth/token ends the token presented and the sockets it opened.

Sockets hear of it through a `credentials.check` message to the person's channel group (user.<id>); the
consumer (portal.notifications.consumers) closes with 4401 when the message names its credential (the session
that logged out, the token revoked) or `all` (password change, deactivation, log out everywhere): a page's
client then reconnects with its current cookie, if it still has a valid one. The message carries hashes of session keys and tokens, never
the keys themselves.

Password changes and deactivations are found by signals on the User model, so every path is covered; an
`update()` on a queryset bypasses them (no code of Pelita changes passwords that way)."""

import hashlib
import logging

from django.contrib.auth import get_user_model, user_logged_out
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save, pre_save

logger = logging.getLogger("pelita.credentials")

CHECK = "credentials.check"


def credential_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def sockets_check(
    *, user_id: int, session_key: str = "", token_hash: str = "", everything: bool = False
) -> None:
    """Tell the person's open sockets that a credential ended: the ones it names close, the others check theirs
    again. Never raises: the credential has ended whatever the channel layer does (sockets re-check on their own
    every PELITA_WS_RECHECK_SECONDS)."""
    from channels.layers import get_channel_layer

    from portal.notifications.services import _send, user_group

    message = {
        "type": CHECK,
        "session": credential_hash(session_key) if session_key else "",
        "token": token_hash,
        "all": everything,
    }
    try:
        layer = get_channel_layer()
        if layer is not None:
            _send(layer, [(user_group(user_id), message)])
    except Exception:
        logger.warning(
            "Could not tell the sockets of user %s that a credential ended", user_id, exc_info=True
        )


def tokens_revoke_all(*, user_id: int) -> int:
    from .models import ApiToken

    deleted, _ = ApiToken.objects.filter(user_id=user_id).delete()
    return deleted


def token_revoke(*, key: str) -> bool:
    """End the bearer token `key` and close the sockets it opened. True when there was such a token."""
    from .models import ApiToken

    key_hash = ApiToken.hash_key(key)
    token = ApiToken.objects.filter(key_hash=key_hash).first()
    if token is None:
        return False
    token.delete()
    transaction.on_commit(lambda: sockets_check(user_id=token.user_id, token_hash=credential_hash(key)))
    return True


def log_out_everywhere(*, request) -> None:
    """End every session, token and socket of the person behind `request`, this session included."""
    from django.contrib.auth import logout

    from portal.audit.services import audit_log

    user = request.user
    User = get_user_model()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(credentials_epoch=F("credentials_epoch") + 1)
        tokens_revoke_all(user_id=user.pk)
        # A lost phone's lock screen shows no more notices either: its push subscription ends with its sessions.
        from portal.notifications.push import push_unsubscribe_all

        push_unsubscribe_all(user=user)
        audit_log(actor=user, action="people.logout_everywhere", target=user, detail={})
    logout(request)
    sockets_check(user_id=user.pk, everything=True)


# --- signals ---------------------------------------------------------------------------------------------------


def _on_logged_out(sender, request, user, **kwargs):
    if user is None or request is None:
        return
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None) or ""
    if key:
        sockets_check(user_id=user.pk, session_key=key)


def _before_user_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._pelita_ended = None
    if raw or instance.pk is None:
        return
    fields = set(update_fields) if update_fields is not None else None
    if fields is not None and not fields & {"password", "is_active"}:
        return  # last_login and the like: no query
    old = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        return
    # check_password() re-hashing with a newer hasher saves only the password, with no raw password kept.
    rehash = fields == {"password"} and getattr(instance, "_password", None) is None
    if old["is_active"] and not instance.is_active:
        instance._pelita_ended = "deactivated"
    elif old["password"] != instance.password and not rehash:
        instance._pelita_ended = "password"


def _after_user_save(sender, instance, created=False, raw=False, **kwargs):
    reason = getattr(instance, "_pelita_ended", None)
    instance._pelita_ended = None
    if not reason:
        return
    user_id = instance.pk
    tokens_revoke_all(user_id=user_id)
    # Every socket closes, the changing session's too: PasswordChangeView gives that session a new key, and its
    # page reconnects with the new cookie.
    transaction.on_commit(lambda: sockets_check(user_id=user_id, everything=True))


def connect_signals() -> None:
    User = get_user_model()
    user_logged_out.connect(_on_logged_out, dispatch_uid="pelita.credentials.logged_out")
    pre_save.connect(_before_user_save, sender=User, dispatch_uid="pelita.credentials.before_save")
    post_save.connect(_after_user_save, sender=User, dispatch_uid="pelita.credentials.after_save")
