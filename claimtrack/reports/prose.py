"""The record in words a reader expects: statuses ("awaiting a check", "in progress"), the
moments of changes in the tracker's local time without microseconds, and each history
entry as one line ("deadline changed from by 2025-09-30 to by 2026-09-30"). The codes stay
in the JSON; this is for pages and terminals."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from claimtrack.language import day, ngettext
from claimtrack.language import gettext as _
from claimtrack.records.models import Event


def N_(message: str) -> str:
    return message


STATUS_WORDS = {
    "due": N_("awaiting a check"),
    "pending": N_("deadline to come"),
    "unrated": N_("no deadline"),
    "in_progress": N_("in progress"),
    "stalled": N_("stalled"),
    "kept": N_("kept"),
    "broken": N_("broken"),
    "partial": N_("partly kept"),
    "true": N_("true"),
    "false": N_("false"),
    "misleading": N_("misleading"),
    "unverifiable": N_("unverifiable"),
    "withdrawn": N_("withdrawn"),
}
FIELD_WORDS = {
    "stated_on": N_("stated date"),
    "language": N_("language"),
    "translation": N_("translation"),
}


def status_words(status: str) -> str:
    """The status in the language in force; the code itself stays in data."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status.replace("_", " ")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def overdue_words(days: int) -> str:
    """ "0 days overdue" on the day a deadline passes, "1 day overdue" the next."""
    return ngettext("%(num)d day overdue", "%(num)d days overdue", days) % {"num": days}


def left_words(days: int) -> str:
    """ "7 days left" a week before; "due today" on the last day."""
    if days <= 1:
        return _("due today")
    return ngettext("%(num)d day left", "%(num)d days left", days) % {"num": days}


def deadline_label(kind: str | None) -> str:
    """What to call a deadline in prose: a ``from`` reading is a start."""
    return _("Start") if kind == "from" else _("Deadline")


READINGS = {
    "by": N_("by %(day)s"),
    "until": N_("until %(day)s"),
    "on": N_("on %(day)s"),
    "from": N_("from %(day)s"),
}


VERDICT_WORDS = {
    "kept": N_("kept"),
    "broken": N_("broken"),
    "partial": N_("partial"),
    "in_progress": N_("in progress"),
    "stalled": N_("stalled"),
    "true": N_("true"),
    "false": N_("false"),
    "misleading": N_("misleading"),
    "unverifiable": N_("unverifiable"),
    "withdrawn": N_("withdrawn"),
}
KIND_WORDS = {
    "commitment": N_("commitment"),
    "prediction": N_("prediction"),
    "assertion": N_("assertion"),
}
PRECISION_WORDS = {
    "day": N_("day"),
    "week": N_("week"),
    "month": N_("month"),
    "half": N_("half"),
    "quarter": N_("quarter"),
    "season": N_("season"),
    "year": N_("year"),
    "decade": N_("decade"),
}
CAUSE_WORDS = {
    "no-majority": N_("no majority"),
    "changed-position": N_("changed position"),
    "not-prioritised": N_("not prioritised"),
    "outside-events": N_("outside events"),
    "other": N_("other"),
}


RELATION_WORDS = {  # a link as read from either side (records.links.related)
    "supersedes": N_("supersedes"),
    "superseded by": N_("superseded by"),
    "contradicts": N_("contradicts"),
    "contradicted by": N_("contradicted by"),
    "repeats": N_("repeats"),
    "repeated by": N_("repeated by"),
    "part-of": N_("part of"),
    "has as a part": N_("has as a part"),
}


def word_for(code: str, words: dict[str, str]) -> str:
    """A code of the record (a verdict, a kind, a precision, a cause) in the language in
    force; a code it does not know stays as it is."""
    return _(words[code]) if code in words else code


def reading_words(kind: str, last_day: date) -> str:
    """ "by 2025-09-30" in English; "au plus tard le 30 septembre 2025" in French. The kind
    stays a code in data; here it is prose."""
    return _(READINGS.get(kind, kind + " %(day)s")) % {"day": day(last_day)}


def days_words(n: int) -> str:
    """ "1 day", "7 days"; "1 jour", "7 jours"."""
    return ngettext("%(num)d day", "%(num)d days", n) % {"num": n}


def span_words(minutes: int) -> str:
    """ "7 days", "12 hours", "90 minutes": a repeat's time since the first alert."""
    if minutes and minutes % 1440 == 0:
        return days_words(minutes // 1440)
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(num)d hour", "%(num)d hours", hours) % {"num": hours}
    return ngettext("%(num)d minute", "%(num)d minutes", minutes) % {"num": minutes}


def alert_words(kind: str, days_before: int) -> str:
    """What an alert is about: a passed deadline, a repeat of it, or a reminder before."""
    if kind == "due":
        return _("deadline passed")
    if kind == "repeat":  # keyed by minus the minutes since the first flag
        since = span_words(-days_before)
        return _("still awaiting a check, %(span)s after the first alert") % {"span": since}
    return ngettext("%(num)d day before", "%(num)d days before", days_before) % {"num": days_before}


def moment_text(at: datetime, tz: tzinfo) -> str:
    """ "2026-11-24 13:00 CET": local to the tracker, to the minute."""
    local = at.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()


def _deadline(value: Any) -> str:
    if not value:
        return _("none")
    kind, day_ = value.get("kind"), value.get("date")
    try:
        reading = reading_words(str(kind), date.fromisoformat(str(day_)))
    except ValueError:  # a history entry written by hand or by an older version
        reading = f"{kind} {day_}"
    return f"{reading} (“{value.get('text')}”)"


def _value(name: str, value: Any) -> str:
    if name == "deadline":
        return _deadline(value)
    if isinstance(value, list):
        return ", ".join(map(str, value)) or _("none")
    return _("none") if value in (None, "") else str(value)


def _edited(data: dict[str, Any]) -> str:
    parts = []
    for name, change in (data.get("changes") or {}).items():
        words = _(FIELD_WORDS[name]) if name in FIELD_WORDS else name
        if name in ("text", "criteria", "context", "translation"):
            parts.append(_("%(field)s changed") % {"field": words})
        else:
            before, after = _value(name, change.get("from")), _value(name, change.get("to"))
            parts.append(
                _("%(field)s changed from %(before)s to %(after)s")
                % {"field": words, "before": before, "after": after}
            )
    return "; ".join(parts) or _("edited")


def event_text(event: Event) -> str:
    """One history entry in words, without its moment and author."""
    data: dict[str, Any] = event.data or {}
    kind = event.kind
    if kind == "created":
        return _("recorded, deadline %(deadline)s") % {"deadline": _deadline(data.get("deadline"))}
    if kind == "edited":
        return _edited(data)
    if kind == "source_added":
        where = data.get("url") or data.get("title") or _("a source")
        return _("source added: %(source)s") % {"source": where}
    if kind == "verdict":
        return _("verdict %(verdict)s (checked %(day)s): %(note)s") % {
            "verdict": word_for(str(data.get("verdict")), VERDICT_WORDS),
            "day": data.get("checked_on"),
            "note": data.get("note"),
        }
    if kind == "retracted":
        return _("verdict %(id)s (%(verdict)s) retracted: %(reason)s") % {
            "id": data.get("verdict_id"),
            "verdict": word_for(str(data.get("verdict")), VERDICT_WORDS),
            "reason": data.get("reason"),
        }
    if kind == "removed":
        return _("removed: %(reason)s") % {"reason": data.get("reason")}
    if kind == "restored":
        return _("restored")
    if kind == "flagged":
        days_before = int(data.get("days_before") or 0)
        said = alert_words(str(data.get("kind")), days_before)
        return _("flagged by the monitor: %(what)s") % {"what": said}
    if kind == "imported":
        return _("imported")
    if kind in ("linked", "unlinked"):
        relation, other = data.get("relation"), data.get("other")
        if data.get("direction") == "to":
            said = f"{relation} #{other}"
        else:
            said = _("#%(other)s %(relation)s this claim") % {"other": other, "relation": relation}
        if kind == "linked":
            return _("linked: %(link)s") % {"link": said}
        return _("link removed: %(link)s") % {"link": said}
    return kind.replace("_", " ")


def event_line(event: Event, tz: tzinfo) -> str:
    """ "2026-11-24 13:00 UTC  verdict kept (checked 2026-11-20): … — desk [verdict]"."""
    who = f" — {event.actor}" if event.actor else ""
    return f"{moment_text(event.at, tz)}  {event_text(event)}{who}  [{event.kind}]"
