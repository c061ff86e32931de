"""Errors raised by services and selectors. Pages turn them into messages, the API into status codes
(API.md): NotFound 404, Forbidden 403, Conflict 409, InvalidInput 422."""

from django.utils.translation import gettext_lazy as _


class PelitaError(Exception):
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, errors: dict | None = None):
        self.message = message or self.default_message
        self.errors = errors or {}
        super().__init__(str(self.message))


class NotFound(PelitaError):
    status = 404
    default_message = _("Not found.")


class Forbidden(PelitaError):
    status = 403
    default_message = _("You are not allowed to do this.")


class Conflict(PelitaError):
    status = 409
    default_message = _("This cannot be done in the current state.")


class InvalidInput(PelitaError):
    status = 422
    default_message = _("Please correct the errors below.")

    @classmethod
    def from_django(cls, exc):
        """Build from a django.core.exceptions.ValidationError (from full_clean or a validator)."""
        if hasattr(exc, "error_dict"):
            errors = {
                field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()
            }
        else:
            errors = {"__all__": [str(m) for m in exc.messages]}
        first = next(iter(errors.values()), [None])[0]
        return cls(first or cls.default_message, errors=errors)
