"""The benchmark's baseline: a trivial template through the same server, middleware, session and
authentication as every real page, so that page/baseline throughput measures what the page itself costs."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def baseline(request):
    return render(request, "loadgen/baseline.html", {"name": request.user.shown_name})
