"""The language claimtrack speaks in: its messages through gettext (the catalogues in
claimtrack/locales, compiled at build time), and dates and numbers formatted by Babel.

The language in force is a context variable, set by whoever knows it (a request's
negotiation, `[publishing] language`) and read by everything that words the record, so the
service functions need no language argument. Codes never change with it: JSON keys,
statuses, verdicts and deadline kinds stay as they are in data; only prose is translated.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, tzinfo
from functools import cache
from io import BytesIO
from pathlib import Path

LANGUAGES = ("en", "fr")  # English is the source: its messages are the catalogue's keys
DEFAULT = "en"
ENV_LANG = "CLAIMTRACK_LANG"
DOMAIN = "claimtrack"
LOCALES = Path(__file__).with_name("locales")

_current: ContextVar[str] = ContextVar("claimtrack_language", default=DEFAULT)


def check(code: str, where: str = "language") -> str:
    """``code`` if claimtrack speaks it, else a refusal naming the languages it does."""
    from claimtrack.errors import BadInput

    if code not in LANGUAGES:
        raise BadInput(
            where,
            f"'{code}' is not a language claimtrack speaks; use one of {', '.join(LANGUAGES)}",
        )
    return code


def from_environment(configured: str | None) -> str:
    """$CLAIMTRACK_LANG, else the configuration's ``[publishing] language``, else English."""
    given = os.environ.get(ENV_LANG) or configured or DEFAULT
    return check(given, ENV_LANG if os.environ.get(ENV_LANG) else "[publishing] language")


def current() -> str:
    return _current.get()


@contextmanager
def using(code: str) -> Iterator[None]:
    """Speak ``code`` inside the block (and in what it calls, threads started by anyio
    included: they copy the context)."""
    token = _current.set(check(code))
    try:
        yield
    finally:
        _current.reset(token)


def set_current(code: str) -> None:
    """For a request: its language holds until the request's context ends."""
    _current.set(check(code))


@cache
def translations(code: str) -> _gettext.NullTranslations:
    """The catalogue of ``code``: its compiled .mo as installed, else its .po compiled in
    memory (a checkout run without a build); English is the messages themselves."""
    if code == DEFAULT:
        return _gettext.NullTranslations()
    folder = LOCALES / code / "LC_MESSAGES"
    compiled = folder / f"{DOMAIN}.mo"
    if compiled.exists():
        with compiled.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (folder / f"{DOMAIN}.po").open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


_ = gettext


def number(value: int) -> str:
    """ "1,234" in English, "1 234" in French (a narrow no-break space)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=current())


def day(value: date) -> str:
    """A day as the language writes it in prose: ISO in English, as the record and the CLI
    have always shown it ("2025-09-30"); "30 septembre 2025" in French."""
    if current() == DEFAULT:
        return value.isoformat()
    from babel.dates import format_date

    return format_date(value, format="long", locale=current())


def moment(value: datetime, tz: tzinfo) -> str:
    """An instant as the language writes it: ISO 8601 in English, as the record shows it;
    "1 octobre 2026, 00:00:00 UTC" in French, in the tracker's zone ``tz``."""
    if current() == DEFAULT:
        return value.isoformat()
    from babel.dates import format_datetime

    return format_datetime(value, format="long", tzinfo=tz, locale=current())


def negotiate(accept_language: str | None, default: str) -> str:
    """The language to answer in, from an Accept-Language header: the one the reader ranks
    highest among those claimtrack speaks, else ``default``. (Babel's negotiate_locale takes
    a ranked list; the header's q-values are read here.)"""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary and weight > 0:
            ranked.append((-weight, position, primary))
    for _weight, _position, primary in sorted(ranked):
        if primary in LANGUAGES:
            return primary
        if primary == "*":
            return default
    return default
