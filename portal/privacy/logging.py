"""Logs must not carry a child's identity. Exception messages can (a database error's DETAIL line quotes the
values of the row; a validation message quotes what was typed), so the log handlers keep the exception's type
and the traceback's code lines, and withhold its message."""

import logging
import traceback

WITHHELD = "[message withheld: it may hold personal data]"


class RedactExceptionMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc_type, _value, tb = record.exc_info
            frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
            name = f"{exc_type.__module__}.{exc_type.__qualname__}"
            record.exc_text = f"Traceback (most recent call last):\n{frames}{name}: {WITHHELD}"
        return True
