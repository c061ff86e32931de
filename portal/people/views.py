from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.views.account import PasswordResetView as WagtailPasswordResetView

from portal.core.forms import CleanInputMixin

from .credentials import log_out_everywhere
from .services import user_set_language
from .throttle import (
    client_ip,
    login_failed,
    login_succeeded,
    login_throttled_message,
    login_wait,
    reset_allowed,
)


class ThrottleMixin:
    """Count failed logins and make the pair (username, address) wait past the limit
    (portal.people.throttle), on any Django login form."""

    def clean(self):
        username = self.cleaned_data.get("username", "")
        ip = client_ip(self.request) if self.request else None
        wait = login_wait(username=username, ip=ip)
        if wait > 0:
            raise forms.ValidationError(login_throttled_message(wait), code="throttled")
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
    }


class ThrottledAdminLoginForm(CleanInputMixin, ThrottleMixin, WagtailLoginForm):
    """The Wagtail admin's own login page, throttled like Pelita's (WAGTAILADMIN_USER_LOGIN_FORM)."""


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


class ResetThrottleMixin:
    """Password resets throttled per address and per e-mail address (portal.people.throttle). Over a limit the
    form comes back with the same message whether or not an account has the address, and no e-mail goes out;
    under it the answer is Django's ("sent", whether or not an account exists)."""

    def form_valid(self, form):
        if not reset_allowed(email=form.cleaned_data.get("email", ""), ip=client_ip(self.request)):
            form.add_error(
                None,
                _("Too many password reset requests. Wait an hour and try again, or ask your coordinator."),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class ThrottledPasswordResetView(ResetThrottleMixin, auth_views.PasswordResetView):
    """Pelita's password reset page (/accounts/password_reset/)."""

    template_name = "people/password_reset.html"
    email_template_name = "people/password_reset_email.txt"
    subject_template_name = "people/password_reset_subject.txt"


class ThrottledAdminPasswordResetView(ResetThrottleMixin, WagtailPasswordResetView):
    """The Wagtail admin's own reset page (/admin/password_reset/): a second door to the same e-mails, counted
    on the same limits (portal/urls.py mounts it before the admin's URLs)."""


@login_required
def account(request):
    """The person's own account: who they are, their language, the password, and "log out everywhere"."""
    return render(request, "people/account.html", {"person": request.user})


@login_required
@require_POST
def logout_everywhere(request):
    """End every session (this one included), every API token and every WebSocket of the person."""
    log_out_everywhere(request=request)
    messages.success(request, _("You are logged out on every device. Log in again to continue."))
    return redirect("login")
