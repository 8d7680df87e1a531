"""iCalendar (RFC 5545): one all-day event per deadline, to subscribe to in a calendar.

Each event's UID comes from the claim's uuid, so a calendar that re-reads the file updates
its events (a changed deadline moves, a new status shows) instead of adding copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TextIO

from icalendar import Calendar, Event, vText

from claimtrack.config import Publishing
from claimtrack.formats.document import ClaimRecord
from claimtrack.language import day, ngettext, number
from claimtrack.language import gettext as _
from claimtrack.records.calendar_window import Nearest
from claimtrack.records.moments import AsOf
from claimtrack.records.status import derive_status
from claimtrack.reports.prose import deadline_label, reading_words

SUMMARY_LENGTH = 90


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1].rstrip() + "…"


def event(
    record: ClaimRecord, as_of: AsOf, publishing: Publishing, produced: datetime
) -> Event | None:
    """``produced`` is the DTSTAMP: RFC 5545 wants the moment the object was written, which a
    past ``as_of`` is not; a calendar judging statuses on a day gone by is still made now."""
    deadline = record.deadline
    if deadline is None:
        return None
    status = derive_status(record.due_at, record.verdicts, as_of.moment, as_of.day)
    link = publishing.link(record.id, record.uuid)
    reading = reading_words(deadline.kind, deadline.date)
    if deadline.by_hand:
        reading += ", " + _("read by hand")
    lines = [
        record.text,
        *(
            [_("Translation: %(text)s") % {"text": record.translation}]
            if record.translation
            else []
        ),
        _("Claimants: %(names)s") % {"names": ", ".join(record.claimants)},
        f"{deadline_label(deadline.kind)}: {deadline.text} ({reading})",
        _("Status as of %(day)s: %(status)s") % {"day": day(as_of.day), "status": status},
        *([link] if link else []),
    ]
    item = Event()
    item.add("uid", f"{record.uuid}@claimtrack")
    item.add("dtstamp", produced)
    item.add("dtstart", deadline.date)  # a date, not a date-time: an all-day event
    item.add("dtend", deadline.date + timedelta(days=1))
    item.add("summary", f"{_short(record.translation or record.text)} ({status})")
    item.add("description", "\n".join(lines))
    item.add("categories", [status, *record.tags])
    if link:
        item.add("url", link)
    if record.updated_at:
        item.add("last-modified", record.updated_at)
    return item


def write(
    out: TextIO,
    records: Iterable[ClaimRecord],
    as_of: AsOf,
    publishing: Publishing,
    produced: datetime,
    *,
    subject: str | None = None,
    description: str | None = None,
) -> int:
    """Write the calendar; ``subject`` (a claimant, a #tag) goes into its name, and
    ``description`` says what it holds when it is not every deadline."""
    calendar = Calendar()
    calendar.add("prodid", "-//claimtrack//deadlines//EN")
    calendar.add("version", "2.0")
    # icalendar knows no type for the X-WR- names and would write them raw: a `,` or `;` in
    # the publishing name would split the value, a newline would break the file. They are
    # TEXT (RFC 5545 §3.3.11) and escaped as such.
    name = _("Deadlines") + "".join(f" — {part}" for part in (subject, publishing.name) if part)
    calendar.add("x-wr-calname", vText(name))
    if description:
        calendar.add("x-wr-caldesc", vText(description))
    count = 0
    for record in records:
        item = event(record, as_of, publishing, produced)
        if item is not None:
            calendar.add_component(item)
            count += 1
    out.write(calendar.to_ical().decode("utf-8"))
    return count


def window_description(chosen: Nearest, today: date) -> str:
    """What a served calendar holds, said in its description, so that a subscriber whose
    calendar shows only some deadlines knows it and knows where the rest are."""
    window = chosen.window
    said = {
        "first": day(window.first),
        "last": day(window.last),
        "day": day(today),
        "shown": number(len(chosen.claim_ids)),
        "held": number(chosen.in_window),
        "num": chosen.in_window,
    }
    if chosen.complete:
        return (
            ngettext(
                "Every deadline from %(first)s to %(last)s: %(held)s deadline.",
                "Every deadline from %(first)s to %(last)s: %(held)s deadlines.",
                chosen.in_window,
            )
            % said
        )
    return (
        _(
            "The %(shown)s deadlines nearest to %(day)s of the %(held)s from %(first)s to "
            "%(last)s; every deadline: claimtrack export --format ics."
        )
        % said
    )
