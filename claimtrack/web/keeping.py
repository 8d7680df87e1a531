"""What a publish keeps from its last run (web/publish.py): the frame, a digest of what every
file is made of besides the record, and which claims' files are as that run left them (the
same frame, the same claim number from records/fingerprints.py, the file still there).
"""

from __future__ import annotations

import re
from datetime import datetime
from hashlib import blake2b
from pathlib import Path
from typing import Any

import claimtrack
from claimtrack import language
from claimtrack.config import Config
from claimtrack.records.moments import AsOf
from claimtrack.web.static_copy import Answer, file_for

# A claim's three files, as the crawl meets their addresses, and what each links to that
# the lists and indexes do not.
CLAIM_FILES = (
    (re.compile(r"/claims/(\d+)(?:\.html)?"), ("/api/claims/{}", "/api/claims/{}/history")),
    (re.compile(r"/api/claims/(\d+)"), ()),
    (re.compile(r"/api/claims/(\d+)/history"), ()),
)


def frame(config: Config, base_url: str, moment: datetime, as_given: bool) -> str:
    """What every file is made of besides the record: this code (templates and catalogues
    included), the configuration, the site's address and language, and the day the pages
    show (with --as-of, the moment itself)."""
    code = blake2b(digest_size=16)
    package = Path(claimtrack.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            code.update(path.relative_to(package).as_posix().encode() + b"\0")
            code.update(path.read_bytes())
    when = moment.isoformat() if as_given else AsOf(moment, config.tz).day.isoformat()
    said = language.from_environment(config.publishing.language)
    # Not the channels: they make no page, and they hold passwords, whose digest would be
    # in a file served with the site.
    settings = config.model_dump_json(exclude={"channels"})
    parts = (code.hexdigest(), settings, base_url, said, when)
    return blake2b(repr(parts).encode(), digest_size=16).hexdigest()


class Kept:
    """Which of a claim's files the last run left as they are now: same frame, same claim
    number, the file still there."""

    def __init__(
        self,
        directory: Path,
        before: dict[str, Any],
        frame: str,
        numbers: dict[int, str | None],
    ) -> None:
        self.directory = directory
        same = before.get("frame") == frame and isinstance(before.get("claims"), dict)
        self.numbers = numbers if same else {}
        self.before: dict[str, Any] = before["claims"] if same else {}
        self.files = set(before.get("files", [])) if same else set()

    def answer(self, address: str) -> Answer | None:
        """The address's answer as it is on disk, or None: render it."""
        if not self.before:
            return None
        for pattern, links in CLAIM_FILES:
            matched = pattern.fullmatch(address)
            if matched is None:
                continue
            claim_id = matched.group(1)
            number = self.numbers.get(int(claim_id))
            if number is None or self.before.get(claim_id) != number:
                return None
            name = file_for(address)
            if name not in self.files:
                return None
            try:
                size = (self.directory / name).stat().st_size
            except OSError:
                return None
            found = tuple(link.format(claim_id) for link in links)
            return Answer(address, 200, name, size, links=found, reused=True)
        return None
