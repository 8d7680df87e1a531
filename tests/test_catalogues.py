"""The message catalogues: every message the code and the templates mark is in the French
catalogue, translated (every plural form), not fuzzy, with the same placeholders; the
catalogue holds nothing the code no longer says; and the template (.pot) is current."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "claimtrack" / "locales"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [
    ("**/templates/**.html", "jinja2"),
    ("**.py", "python"),
]


def extracted() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "claimtrack"),
        method_map=METHODS,
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def messages() -> set[str | tuple[str, str]]:
    return extracted()


def test_the_code_marks_messages_for_translation(messages):
    assert "Awaiting a check" in messages
    assert ("%(num)d day overdue", "%(num)d days overdue") in messages  # reports/prose.py
    assert "by %(day)s" in messages  # a deadline's reading, marked with N_


@pytest.mark.parametrize("language", ["fr"])
def test_every_message_is_translated_and_none_is_fuzzy(messages, language):
    french = catalogue(LOCALES / language / "LC_MESSAGES" / "claimtrack.po")
    entries = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in french if m.id}
    missing = sorted(map(str, messages - set(entries)))
    assert missing == [], (
        f"run pybabel update (claimtrack/locales/babel.cfg) and translate: {missing}"
    )
    untranslated = sorted(
        str(key)
        for key, m in entries.items()
        if not m.string or (not isinstance(m.string, str) and not all(m.string))
    )
    assert untranslated == []
    assert sorted(str(k) for k, m in entries.items() if m.fuzzy) == []
    stale = sorted(map(str, set(entries) - messages))
    assert stale == [], f"no longer said by the code: {stale}"
    problems = [(m.id, errors) for m, errors in french.check()]
    assert problems == [], "placeholders must match (python-format)"


def test_the_template_is_current(messages):
    template = catalogue(LOCALES / "claimtrack.pot")
    said = {m.id if isinstance(m.id, str) else tuple(m.id) for m in template if m.id}
    assert said == messages, "run pybabel extract (claimtrack/locales/babel.cfg)"
