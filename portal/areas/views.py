from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.core.errors import Forbidden, InvalidInput

from .forms import AreaSearchForm, HamletForm
from .models import Level
from .panels import area_panels
from .permissions import user_can_manage_area
from .selectors import area_ancestors, area_children, area_get, area_search
from .services import hamlet_create


def browse(request, code=None):
    area = area_get(code=code) if code else None
    ancestors = area_ancestors(area=area) if area else []
    children = Paginator(area_children(area=area), 100).get_page(request.GET.get("page"))
    can_add_hamlet = bool(
        area
        and area.level == Level.VILLAGE
        and request.user.is_authenticated
        and user_can_manage_area(user=request.user, area=area)
    )
    panels = area_panels(request=request, area=area) if area else []
    return render(
        request,
        "areas/browse.html",
        {
            "panels": panels,
            "area": area,
            "ancestors": ancestors,
            "children": children,
            "can_add_hamlet": can_add_hamlet,
            "search_form": AreaSearchForm(),
        },
    )


def search(request):
    form = AreaSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = Paginator(area_search(q=form.cleaned_data["q"]), 50).get_page(request.GET.get("page"))
    return render(request, "areas/search.html", {"search_form": form, "results": results})


@login_required
def hamlet_new(request, code):
    village = area_get(code=code)
    form = HamletForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hamlet = hamlet_create(village=village, name=form.cleaned_data["name"], actor=request.user)
        except InvalidInput as exc:
            for field, errs in exc.errors.items():
                for err in errs:
                    form.add_error(field if field in form.fields else None, err)
        except Forbidden as exc:
            messages.error(request, exc.message)
            return redirect("areas:detail", code=village.code)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": hamlet.display_name})
            return redirect("areas:detail", code=village.code)
    return render(request, "areas/hamlet_form.html", {"village": village, "form": form})
