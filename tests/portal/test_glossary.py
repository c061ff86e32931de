"""One Indonesian vocabulary: every translation follows docs/GLOSSARY.md (issue 20, "Words and the small screen").

The glossary's third column lists the synonyms a translation must not use; its first column the English domain
words that must not be left untranslated in a `msgstr`. Templates' literal text must not use the Indonesian
synonyms either."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "GLOSSARY.md"
PLACEHOLDER = re.compile(
    r"%\(\w+\)[sdi]|%[sd]|\{\w*\}|<[^>]+>|\"[a-z_]+\"|`[^`]*`"
)  # and code values: "policy"
EXTRA_ENGLISH = {"children", "email", "escalated", "replies"}


def po_files() -> list[Path]:
    return sorted(
        p
        for p in ROOT.glob("**/locale/id/LC_MESSAGES/django.po")
        if ".venv" not in p.parts and "node_modules" not in p.parts
    )


def parse_po(path: Path) -> list[dict]:
    """[{"line", "msgid", "msgstr"}] (plural forms joined), enough for checking words."""
    entries, current, key = [], None, None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if m:
            field, value = m.group(1), ast.literal_eval(m.group(2))
            if field == "msgctxt" or (field == "msgid" and (current is None or current["done"])):
                current = {"line": number, "msgid": "", "msgstr": "", "done": False}
                entries.append(current)
            if field.startswith("msgstr"):
                current["msgstr"] = (current["msgstr"] + " " + value).strip()
                current["done"] = True
                key = "msgstr"
            elif field == "msgid":
                current["msgid"] = value
                key = "msgid"
            else:
                key = field
                current[field] = value
        elif line.startswith('"') and current is not None:
            current[key] = current.get(key, "") + ast.literal_eval(line)
    return entries


def glossary_rows() -> list[dict]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "English (code)":
            continue
        english, indonesian, forbidden, _note = cells
        rows.append(
            {
                "english": re.sub(r"\(.*?\)", "", english).strip(),
                "indonesian": indonesian,
                "same": "*(same)*" in indonesian,
                "forbidden": [w.strip().lower() for w in forbidden.split(",") if w.strip()],
            }
        )
    return rows


def english_words(rows) -> set[str]:
    words = set(EXTRA_ENGLISH)
    for row in rows:
        words.update(re.findall(r"[a-z-]+", row["english"].lower()))
    return words


def is_english(term: str, words: set[str]) -> bool:
    return all(w in words or w.rstrip("s") in words or w[:-3] + "y" in words for w in term.split())


def finds(term: str, text: str) -> bool:
    # whole words; an Indonesian term also matches its suffixed forms (utasnya); an English one its plural only
    return (
        re.search(r"(?<![\w-])" + re.escape(term) + r"(?:nya|lah|kah)?(?![\w-])", text, re.IGNORECASE)
        is not None
    )


def clean(text: str) -> str:
    return PLACEHOLDER.sub(" ", text)


def test_the_glossary_is_there_and_has_the_core_terms():
    rows = {r["english"]: r for r in glossary_rows()}
    assert rows["thread"]["indonesian"] == "topik" and "utas" in rows["thread"]["forbidden"]
    assert rows["agency"]["indonesian"] == "lembaga" and "instansi" in rows["agency"]["forbidden"]
    assert rows["notification"]["indonesian"] == "pemberitahuan"
    for term in ("referral", "case", "forum", "cadre", "facilitator", "consent", "case worker", "dashboard"):
        assert term in rows, term


def test_the_parser_reads_every_message_file():
    files = po_files()
    assert len(files) >= 8
    for path in files:
        entries = parse_po(path)
        assert len(entries) > 5, path
        untranslated = [e["line"] for e in entries if e["msgid"] and not e["msgstr"]]
        assert not untranslated, f"{path.relative_to(ROOT)}: untranslated entries at lines {untranslated}"


def violations() -> list[str]:
    """Every msgstr that uses a forbidden synonym (Indonesian, or the English word left untranslated)."""
    rows = glossary_rows()
    found = []
    for path in po_files():
        for entry in parse_po(path):
            if not entry["msgid"]:
                continue  # the header
            text = clean(entry["msgstr"])
            for row in rows:
                for term in row["forbidden"]:
                    if finds(term, text):
                        found.append(
                            f"{path.relative_to(ROOT)}:{entry['line']}: “{term}” for {row['english']!r} "
                            f"(use “{row['indonesian']}”): {entry['msgstr'][:90]!r}"
                        )
    return found


def test_no_translation_uses_a_forbidden_synonym_or_an_untranslated_domain_word():
    found = violations()
    assert not found, "docs/GLOSSARY.md is not followed:\n" + "\n".join(found)


def test_templates_and_scripts_do_not_use_the_indonesian_synonyms():
    rows = glossary_rows()
    words = english_words(rows)
    indonesian_forbidden = {t for r in rows for t in r["forbidden"] if not is_english(t, words)}
    found = []
    paths = [*ROOT.glob("**/templates/**/*"), *ROOT.glob("**/static/**/*.js")]  # and the scripts' own words
    for path in paths:
        if ".venv" in path.parts or not path.is_file() or path.suffix not in (".html", ".txt", ".js"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for term in indonesian_forbidden:
            if finds(term, text):
                found.append(f"{path.relative_to(ROOT)}: “{term}”")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("text", "term", "expected"),
    [
        ("Balasan di utas yang saya ikuti", "utas", True),
        ("utasnya", "utas", True),
        ("Rujukan %(thread)s", "thread", False),
        ("instansi-instansi", "instansi", False),
        ("Kirim", "kiriman", False),
    ],
)
def test_matching(text, term, expected):
    assert finds(term, clean(text)) is expected
