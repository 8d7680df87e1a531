"""The record in words a reader expects: statuses ("awaiting a check", "in progress"), the
moments of changes in the tracker's local time without microseconds, and each history
entry as one line ("deadline changed from by 2025-09-30 to by 2026-09-30"). The codes stay
in the JSON; this is for pages and terminals."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from claimtrack.records.models import Event

STATUS_WORDS = {
    "due": "awaiting a check",
    "pending": "deadline to come",
    "unrated": "no deadline",
    "in_progress": "in progress",
    "stalled": "stalled",
    "kept": "kept",
    "broken": "broken",
    "partial": "partly kept",
    "true": "true",
    "false": "false",
    "misleading": "misleading",
    "unverifiable": "unverifiable",
    "withdrawn": "withdrawn",
}
FIELD_WORDS = {"stated_on": "stated date", "language": "language", "translation": "translation"}


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("_", " "))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def overdue_words(days: int) -> str:
    """ "0 days overdue" on the day a deadline passes, "1 day overdue" the next."""
    return f"{plural(days, 'day')} overdue"


def left_words(days: int) -> str:
    """ "7 days left" a week before; "due today" on the last day."""
    return "due today" if days <= 1 else f"{plural(days, 'day')} left"


def span_words(minutes: int) -> str:
    """ "7 days", "12 hours", "90 minutes": a repeat's time since the first alert."""
    if minutes and minutes % 1440 == 0:
        return plural(minutes // 1440, "day")
    if minutes and minutes % 60 == 0:
        return plural(minutes // 60, "hour")
    return plural(minutes, "minute")


def alert_words(kind: str, days_before: int) -> str:
    """What an alert is about: a passed deadline, a repeat of it, or a reminder before."""
    if kind == "due":
        return "deadline passed"
    if kind == "repeat":  # keyed by minus the minutes since the first flag
        return f"still awaiting a check, {span_words(-days_before)} after the first alert"
    return f"{plural(days_before, 'day')} before"


def moment_text(at: datetime, tz: tzinfo) -> str:
    """ "2026-11-24 13:00 CET": local to the tracker, to the minute."""
    local = at.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()


def _deadline(value: Any) -> str:
    if not value:
        return "none"
    return f"{value.get('kind')} {value.get('date')} (“{value.get('text')}”)"


def _value(name: str, value: Any) -> str:
    if name == "deadline":
        return _deadline(value)
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return "none" if value in (None, "") else str(value)


def _edited(data: dict[str, Any]) -> str:
    parts = []
    for name, change in (data.get("changes") or {}).items():
        words = FIELD_WORDS.get(name, name)
        if name in ("text", "criteria", "context", "translation"):
            parts.append(f"{words} changed")
        else:
            before, after = _value(name, change.get("from")), _value(name, change.get("to"))
            parts.append(f"{words} changed from {before} to {after}")
    return "; ".join(parts) or "edited"


def event_text(event: Event) -> str:
    """One history entry in words, without its moment and author."""
    data: dict[str, Any] = event.data or {}
    kind = event.kind
    if kind == "created":
        return f"recorded, deadline {_deadline(data.get('deadline'))}"
    if kind == "edited":
        return _edited(data)
    if kind == "source_added":
        return f"source added: {data.get('url') or data.get('title') or 'a source'}"
    if kind == "verdict":
        return (
            f"verdict {data.get('verdict')} (checked {data.get('checked_on')}): {data.get('note')}"
        )
    if kind == "retracted":
        which = f"verdict {data.get('verdict_id')} ({data.get('verdict')})"
        return f"{which} retracted: {data.get('reason')}"
    if kind == "removed":
        return f"removed: {data.get('reason')}"
    if kind == "restored":
        return "restored"
    if kind == "flagged":
        days_before = int(data.get("days_before") or 0)
        return f"flagged by the monitor: {alert_words(str(data.get('kind')), days_before)}"
    if kind == "imported":
        return "imported"
    if kind in ("linked", "unlinked"):
        relation, other = data.get("relation"), data.get("other")
        said = (
            f"{relation} #{other}"
            if data.get("direction") == "to"
            else f"#{other} {relation} this claim"
        )
        return f"{'linked' if kind == 'linked' else 'link removed'}: {said}"
    return kind.replace("_", " ")


def event_line(event: Event, tz: tzinfo) -> str:
    """ "2026-11-24 13:00 UTC  verdict kept (checked 2026-11-20): … — desk [verdict]"."""
    who = f" — {event.actor}" if event.actor else ""
    return f"{moment_text(event.at, tz)}  {event_text(event)}{who}  [{event.kind}]"
