"""Logs must not carry a child's identity. Exception messages can (a database error's DETAIL line quotes the
values of the row; a validation message quotes what was typed), so the log handlers keep the exception's type
and the traceback's code lines, and withhold its message."""

import logging
import traceback

WITHHELD = "[message withheld: it may hold personal data]"


def redact(record: logging.LogRecord) -> None:
    """Set the record's ``exc_text`` (which every ``logging.Formatter`` prints instead of formatting the exception
    itself) to the traceback's code lines and the exception's type, with its message withheld."""
    if record.exc_info and record.exc_info[1] is not None:
        exc_type, _value, tb = record.exc_info
        frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
        name = f"{exc_type.__module__}.{exc_type.__qualname__}"
        record.exc_text = f"Traceback (most recent call last):\n{frames}{name}: {WITHHELD}"


class RedactExceptionMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        redact(record)
        return True


def install_record_factory() -> None:
    """Redact every log record as it is made, whatever handler later writes it (a handler added by an operator,
    a test's capture, a library's own): a filter on our handlers alone does not cover those. Example of the kind:
    django.template logs a failed variable lookup at DEBUG with the exception, whose message lists the whole
    template context (a case page's context holds the child's name). Idempotent."""
    current = logging.getLogRecordFactory()
    if getattr(current, "pelita_redacts", False):
        return

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        redact(record)
        return record

    factory.pelita_redacts = True
    logging.setLogRecordFactory(factory)
