"""What Pelita accepts as text, in one place (docs/RELIABILITY.md, "Hostile input"). Read by the input guard
(every request: the API's JSON, query strings, paths, form fields), the base forms (portal.core.forms) and the
API schemas' types (portal.core.schemas).

The rules:
- **Forbidden** (never stored): NUL and the other C0 control characters except tab, line feed and carriage
  return; DEL and the C1 controls (U+0080–U+009F); lone surrogates (U+D800–U+DFFF, which no UTF-8 text can
  hold and PostgreSQL refuses); the non-characters U+FFFE and U+FFFF. The API answers 422 naming the field;
  page forms drop them from what was typed (they come only from a paste or a forged request, never from a
  keyboard) and keep the rest.
- **Blank**: a text made only of invisible characters (spaces of every kind, zero-width spaces and joiners,
  direction marks and overrides, the byte order mark, the soft hyphen, Hangul fillers, the braille blank)
  counts as empty: a title of zero-width spaces is a missing title.
- **Direction controls are contained** (the "Trojan Source" kind, CVE-2021-42574): an embedding or override
  (U+202A, U+202B, U+202D, U+202E) or isolate (U+2066–U+2068) left open is closed at the end of its line, and a
  closer with nothing to close (U+202C, U+2069) is dropped, so a right-to-left override typed in a title reverses
  at most the title itself, never the sentence, list or notification it is put in. Everything else is kept as
  typed (`contain_bidi`).
- **Length**: every free-text value has a limit. `TEXT_MAX` is the generic one (a long forum post); fields set
  tighter limits of their own (a title 160, a name 120).
- **Dates**: years 1900 to 2100 (API.md); a field may narrow that by sense (a birth date not in the future)."""

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext_lazy as _

TEXT_MAX = 20_000
LINE_MAX = 1_000  # a one-line field (a text input) that sets no limit of its own
YEAR_MIN, YEAR_MAX = 1900, 2100
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_FORBIDDEN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters that show nothing, beyond what str.isspace() already knows.
_INVISIBLE = set(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u2800\u3164\ufeff\uffa0"
)

MSG_FORBIDDEN = _("This text contains control characters or broken characters. Remove them and try again.")
MSG_TOO_LONG = _("This text is too long: at most %(max)s characters.")
MSG_YEAR = _("Give a date between the years %(min)s and %(max)s.")


def has_forbidden(value: str, *, multiline: bool = True) -> bool:
    """True when the text holds a character Pelita never stores (see the module's docstring)."""
    return bool((_FORBIDDEN if multiline else _FORBIDDEN_LINE).search(value))


def strip_forbidden(value: str, *, multiline: bool = True) -> str:
    """The text without the characters Pelita never stores."""
    return (_FORBIDDEN if multiline else _FORBIDDEN_LINE).sub("", value)


def _invisible(ch: str) -> bool:
    return ch.isspace() or ch in _INVISIBLE or unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp")


def is_blank(value: str) -> bool:
    """True for "" and for a text made only of invisible characters."""
    return all(_invisible(ch) for ch in value)


_EMBED_OPEN = frozenset("\u202a\u202b\u202d\u202e")  # LRE, RLE, LRO, RLO: closed by PDF (U+202C)
_ISOLATE_OPEN = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI: closed by PDI (U+2069)
_PDF, _PDI = "\u202c", "\u2069"
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_LINE_ENDS = frozenset("\n\r\u2029\u0085\u2028\x0b\x0c\x1c\x1d\x1e")


def contain_bidi(value: str) -> str:
    """`value` with every direction control contained in its line (rules: the module's docstring; the pairing
    is Unicode's bidirectional algorithm's, UAX #9, BD9: a PDI closes its isolate and the embeddings opened
    inside it, a PDF only an embedding opened inside the current isolate). Text without such controls is
    returned unchanged (the same object)."""
    if not _BIDI.search(value):
        return value
    out: list[str] = []
    stack: list[str] = []  # "E" (embedding/override) or "I" (isolate), innermost last

    def close_all() -> None:
        while stack:
            out.append(_PDF if stack.pop() == "E" else _PDI)

    for ch in value:
        if ch in _EMBED_OPEN:
            stack.append("E")
        elif ch in _ISOLATE_OPEN:
            stack.append("I")
        elif ch == _PDF:
            if not stack or stack[-1] != "E":
                continue  # nothing of this text's to close: it would close the page's own
            stack.pop()
        elif ch == _PDI:
            if "I" not in stack:
                continue
            while stack.pop() != "I":
                pass
        elif ch in _LINE_ENDS:
            close_all()
        out.append(ch)
    close_all()
    return "".join(out)


def clean_text(value: str) -> str:
    """Blank text becomes ""; direction controls are contained (`contain_bidi`); other text is kept exactly as
    typed."""
    return "" if is_blank(value) else contain_bidi(value)


def year_ok(value) -> bool:
    """Dates and times between the years YEAR_MIN and YEAR_MAX."""
    return isinstance(value, dt.date) and YEAR_MIN <= value.year <= YEAR_MAX


def year_message() -> str:
    return str(MSG_YEAR % {"min": YEAR_MIN, "max": YEAR_MAX})


# Words, keeping the hyphens and dots inside codes (APM-5202-00042, 52.02.01) as part of them.
_TERM = re.compile(r"\w+(?:[-.]\w+)*")
SEARCH_TERMS_MAX = 20
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def search_terms(value: str) -> str:
    """A search box's text as plain words, for every full-text search (SQLite FTS5, PostgreSQL tsquery,
    Wagtail's search): quotes, operators (AND, OR, NOT, NEAR, `-`, `*`, `:`), brackets and control characters
    never reach a query parser; at most SEARCH_TERMS_MAX words."""
    words = [w for w in _TERM.findall(strip_forbidden(value or "")) if w.upper() not in _OPERATORS]
    return " ".join(words[:SEARCH_TERMS_MAX])[:200]
