import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal.people.services import user_set_language

from .home import home_panels
from .selectors import home_sections

logger = logging.getLogger("pelita.health")


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception as exc:
        logger.warning("healthz: database check failed: %s", exc.__class__.__name__)
        return "error: database unavailable"


async def _layer_round_trip(layer) -> None:
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned another message")


def _check_channel_layer() -> str:
    try:
        layer = get_channel_layer()
        if layer is None:
            return "error: no channel layer"
        async_to_sync(_layer_round_trip)(layer)
        return "ok"
    except Exception as exc:
        logger.warning("healthz: channel layer check failed: %s", exc.__class__.__name__)
        return "error: channel layer unavailable"


@never_cache
def healthz(request):
    """API.md: 200 when the database answers and a message makes a round trip through the channel layer."""
    body = {"status": "ok", "database": _check_database(), "channel_layer": _check_channel_layer()}
    healthy = body["database"] == "ok" and body["channel_layer"] == "ok"
    if not healthy:
        body["status"] = "error"
    return JsonResponse(body, status=200 if healthy else 503)


@require_POST
def set_language(request):
    """Django's language switch, remembering the choice on the person's profile for notifications and e-mail."""
    response = django_set_language(request)
    user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response


@login_required
def home(request):
    return render(
        request,
        "core/home.html",
        {"sections": home_sections(user=request.user, badges=True), "panels": home_panels(request=request)},
    )


def superusers_only(view):
    """`view` for superusers; 404 (as for no such page) for everyone else."""

    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_superuser):
            return not_found(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    wrapped.__name__ = getattr(view, "__name__", "superusers_only")
    wrapped.__doc__ = view.__doc__
    return wrapped


def not_found(request, *args, **kwargs):
    """A URL that exists only to be switched off: the same 404 as any missing page."""
    from django.http import Http404

    raise Http404
