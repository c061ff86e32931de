import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.errors import InvalidInput

from .channels import CHANNEL_LABELS
from .forms import PreferencesForm
from .selectors import (
    notification_text,
    notifications_for,
    preference_choices,
    unread_count,
)
from .services import notification_mark_read, notification_settings_set, notifications_mark_all_read

PAGE_SIZE = 25


def _back(request, fallback="notifications:list"):
    """Back to the page the form was on (same site only), else the list."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
def notification_list(request):
    only_unread = request.GET.get("unread") == "1"
    qs = notifications_for(user=request.user, unread=only_unread)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [{"n": n, "text": notification_text(n)} for n in page.object_list]
    return render(
        request,
        "notifications/list.html",
        {"page": page, "items": items, "only_unread": only_unread, "unread": unread_count(user=request.user)},
    )


@login_required
def notification_open(request, pk: int):
    """Follow a notification: mark it read and go where it points (a path inside Pelita)."""
    notification = notification_mark_read(user=request.user, notification_id=pk)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request, pk: int):
    notification_mark_read(user=request.user, notification_id=pk)
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    changed = notifications_mark_all_read(user=request.user)
    if changed:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request)


@login_required
def preferences(request):
    from .channels import channels
    from .selectors import delivery_history, person_settings, verified_channels

    groups = preference_choices(user=request.user)
    row = person_settings(user=request.user)
    initial = {
        "unread_email_after": row.unread_email_after,
        "quiet_start": row.quiet_start,
        "quiet_end": row.quiet_end,
    }
    names = list(channels())
    form = PreferencesForm(request.POST or None, groups=groups, channels=names, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notification_settings_set(
                user=request.user,
                kinds=form.kinds(),
                unread_email_after=form.cleaned_data["unread_email_after"],
                quiet_start=form.cleaned_data["quiet_start"],
                quiet_end=form.cleaned_data["quiet_end"],
            )
        except InvalidInput as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    verified = verified_channels(user_ids=[request.user.pk]).get(request.user.pk, set())
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "email_verified": "email" in verified,
            "channel_status": [
                {"name": n, "label": CHANNEL_LABELS.get(n, n), "verified": n in verified} for n in names
            ],
            "history": delivery_history(user=request.user, limit=10),
            **_device_context(request.user),
        },
    )


def _device_context(user) -> dict:
    from .channels import get_channel
    from .models import ContactPoint, PushSubscription
    from .phones import mask_phone, phone_channels

    point = ContactPoint.objects.filter(user=user, channel="phone").first()
    push = get_channel("push")
    return {
        "phone_channels": bool(phone_channels()),
        # Masked: a shared phone's screen (or its browser's form memory) never shows the whole number.
        "phone_number": mask_phone(point.address) if point else "",
        "phone_pending": bool(point and point.verified_at is None and point.code_hash),
        "push_key": push.application_server_key() if push is not None else "",
        "push_devices": list(PushSubscription.objects.filter(user=user).order_by("pk")) if push else [],
    }


@login_required
@require_POST
def phone_set(request):
    from portal.core.errors import PelitaError
    from portal.people.throttle import client_ip

    from .phones import phone_start

    try:
        phone_start(user=request.user, phone=request.POST.get("phone", ""), ip=client_ip(request))
    except PelitaError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("We sent a code to your phone. Enter it below."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def phone_verify_view(request):
    from .phones import phone_verify

    try:
        phone_verify(user=request.user, code=request.POST.get("code", ""))
    except InvalidInput as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your phone number is verified."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def push_remove(request, pk: int):
    from portal.core.errors import NotFound

    from .push import push_unsubscribe

    with contextlib.suppress(NotFound):  # already removed (another tab): the same answer
        push_unsubscribe(user=request.user, subscription_id=pk)
    messages.success(request, _("This device gets no more push notifications."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def email_verify_send(request):
    from portal.core.errors import PelitaError

    from .verification import send_email_verification

    try:
        send_email_verification(user=request.user)
    except PelitaError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("We e-mailed you a link. Open it to confirm your address."))
    return redirect("notifications:preferences")


@login_required
def email_verify(request, token: str):
    from .verification import verify_email

    if verify_email(user=request.user, token=token):
        messages.success(request, _("Your e-mail address is verified."))
    else:
        messages.error(request, _("This link is not valid (any more). Ask for a new one."))
    return redirect("notifications:preferences")
