"""What ``claimtrack extract`` reads: a text file, an HTML file, or an http(s) page, turned
into its main text and what is known of it (title, publisher, author, publication date).

A page's main text and metadata are taken by trafilatura (htmldate, which it uses, finds the
date), not by hand: boilerplate, menus and bylines are what such libraries are made to
leave out. A URL is fetched with a timeout and a size cap, http(s) only.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from claimtrack.errors import BadInput, Unreachable

MAX_BYTES = 5_000_000  # a news article's page is a few hundred kilobytes
TIMEOUT = 15.0  # seconds for the whole answer
USER_AGENT = "claimtrack-extract (+https://github.com/claimtrack)"


@dataclass(frozen=True)
class Text:
    """A text to read, with what is known of where it comes from."""

    text: str
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    published_on: date | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "url": self.url,
            "title": self.title,
            "publisher": self.publisher,
            "author": self.author,
            "published_on": self.published_on.isoformat() if self.published_on else None,
        }


def read_source(source: str, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> Text:
    """The text of SOURCE: a path, or an http(s) URL."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        return _page(source, max_bytes, timeout)
    path = Path(source)
    try:
        with path.open("rb") as file:
            raw = file.read(max_bytes + 1)
    except OSError as error:
        raise BadInput("SOURCE", f"cannot read {source} ({error.strerror})") from None
    if len(raw) > max_bytes:
        raise BadInput("SOURCE", f"{source} is over {max_bytes:,} bytes; give the article alone")
    text = _decoded(raw, source)
    if _looks_like_html(text):
        return _from_html(text, None)
    return _from_plain(text)


def _decoded(raw: bytes, where: str) -> str:
    if b"\x00" in raw[:8192]:
        raise BadInput("SOURCE", f"{where} is a binary file; give a text or HTML file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")  # older French and English pages
        except UnicodeDecodeError:
            raise BadInput("SOURCE", f"{where} is not text (UTF-8 or Windows-1252)") from None


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head or "<p>" in head


def _from_plain(text: str) -> Text:
    """A plain text file; a first line ``date YYYY-MM-DD`` (as in db/examples) gives its
    publication date."""
    published = None
    # The header is blanked, not cut, so that offsets are the file's own.
    if m := re.match(r"\s*date (\d{4}-\d{2}-\d{2})\b[ \t]*", text):
        published = date.fromisoformat(m[1])
        text = " " * m.end() + text[m.end() :]
    elif m := re.match(r"\s*date \d{4}-\d{2}\b[ \t]*", text):  # a month only: not a day
        text = " " * m.end() + text[m.end() :]
    if not text.strip():
        raise BadInput("SOURCE", "the text is empty; give the article's text")
    return Text(text, published_on=published)


def _from_html(html: str, url: str | None) -> Text:
    import trafilatura

    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, favor_recall=True
    )
    if not text or not text.strip():
        raise BadInput("SOURCE", "the page holds no article text to read")
    meta = trafilatura.extract_metadata(html, default_url=url)
    published = None
    if meta is not None and meta.date:
        try:
            published = date.fromisoformat(meta.date[:10])
        except ValueError:
            published = None
    return Text(
        text,
        url=url,
        title=(meta.title if meta else None) or None,
        publisher=(meta.sitename if meta else None) or None,
        author=(meta.author if meta else None) or None,
        published_on=published,
    )


def _page(url: str, max_bytes: int, timeout: float) -> Text:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput("SOURCE", f"'{url}' is not an http(s) address; give http(s)://host/path")
    if "@" in parts.netloc:
        raise BadInput("SOURCE", f"'{url}' holds a user or password; give the address alone")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            kind = answer.headers.get_content_type()
            if kind not in ("text/html", "application/xhtml+xml", "text/plain"):
                raise BadInput("SOURCE", f"{url} answered {kind}, not a web page (text/html)")
            raw = answer.read(max_bytes + 1)
            final = answer.geturl()
            charset = answer.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        raise Unreachable(f"{url} answered HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise Unreachable(f"cannot fetch {url} ({reason})") from None
    if len(raw) > max_bytes:
        raise BadInput("SOURCE", f"{url} is over {max_bytes:,} bytes; is it an article?")
    if charset:
        try:
            text = raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            text = _decoded(raw, url)
    else:
        text = _decoded(raw, url)
    if kind == "text/plain":
        return Text(_from_plain(text).text, url=final)
    return _from_html(text, final)
