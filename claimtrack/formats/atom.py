"""An Atom feed of what changed on the record (records/changes.py), written with feedgen.

XML 1.0 cannot carry most control characters, which a claim's text may hold (they are
shown escaped in a terminal): they become U+FFFD here, so that every feed reader parses
the feed; the JSON export keeps the exact text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime

from claimtrack import language
from claimtrack.records.changes import Change
from claimtrack.records.models import Claim

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def feed(
    changes: Sequence[Change],
    *,
    title: str,
    feed_url: str,
    site_url: str,
    link: Callable[[Claim], str],
    updated: datetime,
) -> bytes:
    """The Atom document; ``link`` is a claim's page."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(feed_url)
    generator.title(xml_text(title))
    generator.link(href=site_url, rel="alternate")
    generator.link(href=feed_url, rel="self")
    generator.updated(changes[0].at if changes else updated)
    generator.generator("claimtrack")
    generator.language(language.current())  # the feed's xml:lang: its titles' language
    for change in reversed(changes):  # feedgen prepends: the newest ends first
        entry = generator.add_entry()
        page = link(change.claim)
        entry.id(f"{page}#{change.kind}-{change.key}")
        entry.title(xml_text(change.title))
        entry.link(href=page)
        entry.updated(change.at)
        entry.published(change.at)
        entry.category(term=change.kind)
        if change.summary:
            entry.summary(xml_text(change.summary))
    return generator.atom_str(pretty=True)
