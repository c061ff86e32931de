"""The back office's shared base: every app registers its Wagtail admin viewsets from its own `wagtail_hooks.py`
on the scoped base below, and they appear together under one "Pelita" menu (portal/core/wagtail_hooks.py).

The scoping rule (one rule for every back-office viewset, every view of it):
- A coordinator manages what lies in the area subtree they coordinate; a superuser manages everything; nobody
  else reaches these viewsets (Wagtail's model permissions, granted to the Coordinators group).
- Every view that addresses an object by its key (edit, delete, inspect, copy, history, usage, reorder, choosers'
  "chosen", and any view Wagtail adds later) finds it only within the person's scope *for that view*: outside it,
  the answer is 404, the same as for an object that does not exist.
- Every list (index, its results and exports, choosers' lists) is the scoped queryset.
- Every write is checked after the change as well: a POST runs in one transaction, and if it left more (or fewer)
  objects outside the person's scope than before — an object created elsewhere, or moved out of the subtree — it
  is rolled back and answered 404. Forms limit their choices to the scope, so a person meets a clear form error
  long before that guard.
- Views that cannot write through the services are switched off (copy everywhere; others per viewset).

`tests/security/test_back_office_matrix.py` proves the rule over every admin URL the resolver knows.
"""

import functools

from django.contrib.admin.utils import unquote
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import Http404
from django.urls.resolvers import URLPattern
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from portal.areas.selectors import areas_within_q
from portal.core.errors import PelitaError
from portal.people.models import Role
from portal.people.selectors import user_area_codes

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# (order, viewset) pairs registered by each app's wagtail_hooks.py; read when Wagtail builds its admin URLs.
_VIEWSETS: list[tuple[int, object]] = []


def register_backoffice_viewset(viewset, *, order: int = 100):
    """Put `viewset` (a ScopedModelViewSet instance) under the Pelita menu, sorted by `order`. Call it at import
    time of an app's wagtail_hooks.py. Raises ImproperlyConfigured for a viewset that is not scoped."""
    if not isinstance(viewset, ScopedModelViewSet):
        raise ImproperlyConfigured(f"{viewset!r}: back-office viewsets must be ScopedModelViewSet")
    if all(existing.name != viewset.name for _, existing in _VIEWSETS):
        _VIEWSETS.append((order, viewset))
    return viewset


def backoffice_viewsets() -> list:
    return [viewset for _, viewset in sorted(_VIEWSETS, key=lambda pair: pair[0])]


def coordinated_codes(user) -> list[str] | None:
    """None for a superuser (everything), else the codes of the areas the person coordinates ([] for none)."""
    if user.is_superuser:
        return None
    if not user.is_authenticated:
        return []
    return user_area_codes(user=user, roles=[Role.COORDINATOR])


def scope(queryset, user, field: str):
    """`queryset` restricted to the objects whose `field` (a lookup to an area code) lies in the subtree the
    person coordinates. Everything for a superuser, nothing for someone who coordinates nowhere."""
    codes = coordinated_codes(user)
    if codes is None:
        return queryset
    if not codes:
        return queryset.none()
    return queryset.filter(areas_within_q(codes, field=field))


def people_in_scope(user):
    """The active people a coordinator may pick (for a role or as a liaison): those who hold a role in the subtree
    they coordinate or are liaisons of an agency there, and accounts that hold no role and no agency anywhere yet
    (new accounts, made by a superuser). Never superusers; everyone active for a superuser."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q

    from portal.agencies.models import Agency
    from portal.people.models import Membership

    people = get_user_model().objects.filter(is_active=True)
    codes = coordinated_codes(user)
    if codes is None:
        return people
    if not codes:
        return people.none()
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    agencies = Agency.objects.filter(group__user=OuterRef("pk"))
    return people.filter(is_superuser=False).filter(
        Q(Exists(memberships.filter(areas_within_q(codes, field="area__code"))))
        | Q(Exists(agencies.filter(areas_within_q(codes, field="area__code"))))
        | (~Q(Exists(memberships)) & ~Q(Exists(agencies)))
    )


def add_service_errors(form, exc: PelitaError):
    """Show a service's refusal on the form: each field's messages on that field, the rest at the top."""
    for field, messages in (exc.errors or {"__all__": [exc.message]}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class ScopedViewMixin:
    """Gives a view its viewset (`self.pelita_viewset`), so it can ask for the person's scope."""

    pelita_viewset = None

    def scoped_queryset(self, action: str):
        return self.pelita_viewset.scoped_queryset(self.request.user, action)


class ScopedIndexView(ScopedViewMixin, generic.IndexView):
    """The index (and its results and exports): the scoped queryset only."""

    def get_base_queryset(self):
        return super().get_base_queryset() & self.scoped_queryset("index")


class ServiceFormMixin:
    """A create or edit view whose save goes through a service: a PelitaError it raises is shown on the form."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except PelitaError as exc:
            add_service_errors(form, exc)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def get_success_buttons(self):
        # No "Edit" button in the message when the viewset has no edit view (roles are never edited).
        return super().get_success_buttons() if getattr(self, "edit_url_name", None) else []


class ServiceDeleteView(generic.DeleteView):
    """A delete view that removes through a service: subclasses define `delete_with_service()`; a PelitaError it
    raises ("in use: deactivate it instead") is shown as a message on the index, and nothing is removed."""

    def delete_with_service(self):  # pragma: no cover - each subclass names its service
        raise NotImplementedError

    def delete_action(self):
        self.delete_with_service()

    def form_valid(self, form):
        from django.contrib import messages
        from django.shortcuts import redirect

        try:
            with transaction.atomic():
                return super().form_valid(form)
        except PelitaError as exc:
            messages.error(self.request, exc.message)
            return redirect(self.index_url_name)


class ScopedModelViewSet(ModelViewSet):
    """The base of every Pelita back-office viewset (see the module docstring for the rule).

    Subclasses set `scope_field` (a lookup from the model to an area code: "code" for areas, "area__code" for
    agencies and roles) and may narrow the scope per view with `scoped_queryset`, and switch views off with
    `disabled_views` (URL names: "edit", "delete", "copy", "inspect", "history", "usage", ...)."""

    scope_field = "area__code"
    disabled_views: frozenset = frozenset({"copy"})
    copy_view_enabled = False  # a copy is written by Wagtail's generic view, never through a service
    index_view_class = ScopedIndexView

    def scoped_queryset(self, user, action: str):
        """The objects `user` may reach through the view named `action`. Override to narrow per view (e.g. only
        dusun are editable); never widen beyond `scope`."""
        return scope(self.model._default_manager.all(), user, self.scope_field)

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(pelita_viewset=self, **kwargs)
        for name in self.disabled_views:
            view_kwargs[f"{name}_url_name"] = None  # no link to a view that is switched off
        return view_kwargs

    def _outside_count(self, user, action: str) -> int:
        everything = self.model._default_manager.count()
        return everything - self.scoped_queryset(user, action).count()

    def guard(self, view, action: str):
        """Wrap a view function with the scoping rule (404 outside the scope, before and after a write)."""
        viewset = self

        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            pk = kwargs.get("pk")
            in_scope = viewset.scoped_queryset(user, action).filter(pk=unquote(str(pk))) if pk else None
            if in_scope is not None and user.is_authenticated and not in_scope.exists():
                raise Http404
            if request.method in SAFE_METHODS or not user.is_authenticated or user.is_superuser:
                return view(request, *args, **kwargs)
            with transaction.atomic():
                before = viewset._outside_count(user, action)
                response = view(request, *args, **kwargs)
                if viewset._outside_count(user, action) != before:
                    raise Http404  # rolls the write back: it reached outside the person's subtree
            return response

        return guarded

    @property
    def url_finder_class(self):
        """Links to an object from elsewhere in the admin (usage listings, search): its edit view, or its inspect
        view when editing is switched off, or none."""
        from django.contrib.admin.utils import quote
        from django.urls import reverse
        from wagtail.admin.admin_url_finder import ModelAdminURLFinder

        viewset = self

        class ScopedURLFinder(ModelAdminURLFinder):
            def construct_edit_url(self, instance):
                for view in ("edit", "inspect"):
                    if view in viewset.disabled_views or (
                        view == "inspect" and not viewset.inspect_view_enabled
                    ):
                        continue
                    return reverse(viewset.get_url_name(view), args=(quote(instance.pk),))
                return None

        return ScopedURLFinder

    def get_urlpatterns(self):
        if not issubclass(self.index_view_class, ScopedIndexView):
            raise ImproperlyConfigured(f"{type(self).__name__}.index_view_class must be a ScopedIndexView")
        patterns = []
        for pattern in super().get_urlpatterns():
            if pattern.name in self.disabled_views:
                continue
            patterns.append(
                URLPattern(
                    pattern.pattern,
                    self.guard(pattern.callback, pattern.name),
                    pattern.default_args,
                    pattern.name,
                )
            )
        return patterns


class ScopedChooserAccessMixin:
    """Only those who manage something in the back office (a coordinator, a superuser) open the picker."""

    def dispatch(self, request, *args, **kwargs):
        from django.core.exceptions import PermissionDenied

        if not self.chooser_viewset.user_may_choose(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedChooseMixin(ScopedChooserAccessMixin):
    def get_object_list(self):
        return self.chooser_viewset.scoped_queryset(self.request.user)


class ScopedChooseView(ScopedChooseMixin, chooser_views.ChooseView):
    chooser_viewset = None


class ScopedChooseResultsView(ScopedChooseMixin, chooser_views.ChooseResultsView):
    chooser_viewset = None


class ScopedChosenView(ScopedChooserAccessMixin, chooser_views.ChosenView):
    chooser_viewset = None

    def get_object(self, pk):
        return self.chooser_viewset.scoped_queryset(self.request.user).get(pk=pk)


class ScopedChosenMultipleView(ScopedChooserAccessMixin, chooser_views.ChosenMultipleView):
    chooser_viewset = None

    def get_objects(self, pks):
        return self.chooser_viewset.scoped_queryset(self.request.user).filter(pk__in=pks)


class ScopedChooserViewSet(ChooserViewSet):
    """A chooser (the modal picker of a form field) that lists, finds and returns only what the person's scope
    holds; its "create" view is off (people and areas are made elsewhere, through the services)."""

    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView
    register_widget = False

    def user_may_choose(self, user) -> bool:
        codes = coordinated_codes(user)
        return codes is None or bool(codes)

    def scoped_queryset(self, user):
        """What `user` may pick; subclasses narrow it. Nothing by default."""
        return self.model_class._default_manager.none()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(chooser_viewset=self, **kwargs)

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name != "create"]
