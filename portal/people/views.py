from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from portal.core.forms import CleanInputMixin

from .services import user_set_language
from .throttle import client_ip, login_blocked, login_failed, login_succeeded


class ThrottleMixin:
    """Count failed logins and refuse past the limit (portal.people.throttle), on any Django login form."""

    def clean(self):
        username = self.cleaned_data.get("username", "")
        ip = client_ip(self.request) if self.request else None
        if login_blocked(username=username, ip=ip):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(username=username, ip=ip)
            raise
        login_succeeded(username=username, ip=ip)
        return cleaned


class ThrottledAuthenticationForm(CleanInputMixin, ThrottleMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "throttled": _("Too many failed attempts. Wait 15 minutes and try again."),
    }


class ThrottledAdminLoginForm(CleanInputMixin, ThrottleMixin, WagtailLoginForm):
    """The Wagtail admin's own login page, throttled like Pelita's (WAGTAILADMIN_USER_LOGIN_FORM)."""

    error_messages = {
        **WagtailLoginForm.error_messages,
        "throttled": _("Too many failed attempts. Wait 15 minutes and try again."),
    }


class PelitaLoginView(auth_views.LoginView):
    template_name = "people/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The person's saved language wins over the anonymous visitor's choice only if none was made.
        user = form.get_user()
        chosen = self.request.COOKIES.get("pelita_language")
        if chosen:
            user_set_language(user=user, language=chosen)
        else:
            response.set_cookie("pelita_language", user.language, max_age=60 * 60 * 24 * 365, samesite="Lax")
        return response
