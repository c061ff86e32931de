"""The area chooser of the story editor: a searchable modal instead of a select of 80,000 villages."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from portal.core.forms import CleanInputMixin

STORY_AREA_LEVELS = ["regency", "district", "village"]


class AreaFilterForm(CleanInputMixin, BaseFilterForm):
    q = forms.CharField(
        label=_("Name or code"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Jago or 52.02.01")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(Q(name__icontains=query) | Q(code__startswith=query))
        return objects


class AreaChooseMixin:
    filter_form_class = AreaFilterForm

    def get_object_list(self):
        from portal.areas.models import Area

        return Area.objects.filter(level__in=STORY_AREA_LEVELS).select_related("parent").order_by("code")


class AreaChooseView(AreaChooseMixin, ChooseView):
    pass


class AreaChooseResultsView(AreaChooseMixin, ChooseResultsView):
    pass


class AreaChooserViewSet(ChooserViewSet):
    model = "areas.Area"
    icon = "site"
    choose_one_text = _("Choose an area")
    choose_another_text = _("Choose another area")
    per_page = 20
    choose_view_class = AreaChooseView
    choose_results_view_class = AreaChooseResultsView
    # Only the story editor uses this chooser; other admin forms keep their own widgets.
    register_widget = False


area_chooser_viewset = AreaChooserViewSet("cms_area_chooser", url_prefix="cms/area-chooser")
