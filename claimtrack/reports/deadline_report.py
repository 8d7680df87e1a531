"""The deadline report: what awaits a check, what comes next, what was judged lately.

Built as data by one function of the database and a moment, then rendered as text for a
terminal, Markdown for email and notes, or JSON for programs.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from claimtrack.deadlines.deadline import days_left, days_overdue, due_moment
from claimtrack.language import day, number
from claimtrack.language import gettext as _
from claimtrack.records.claims import deadline_of
from claimtrack.records.models import Claim, ClaimLink, Verdict
from claimtrack.records.moments import AsOf
from claimtrack.records.reading import status_of
from claimtrack.records.shapes import claim_json
from claimtrack.records.sql import count_rows
from claimtrack.records.status_sql import (
    count_by_status,
    has_status,
    live,
    unsettled,
    verdict_counts,
)
from claimtrack.reports.prose import (
    VERDICT_WORDS,
    days_words,
    deadline_label,
    left_words,
    overdue_words,
    status_words,
    word_for,
)
from claimtrack.reports.render import deadline_line

# How many claims each list of a report shows unless asked otherwise: a tracker of a
# hundred thousand claims has tens of thousands awaiting a check, and a report that prints
# them all is read by nobody (and takes seconds). The totals are always given.
LIMIT = 50


@dataclass
class Report:
    as_of: AsOf
    days: int
    limit: int | None = LIMIT  # the most each list shows; None: all
    due: list[tuple[Claim, int]] = field(default_factory=list)  # claim, days overdue
    upcoming: list[tuple[Claim, str, int]] = field(default_factory=list)  # claim, status, left
    recent_verdicts: list[tuple[Claim, Verdict]] = field(default_factory=list)
    moved: list[tuple[Claim, Claim]] = field(default_factory=list)  # later statement, earlier
    totals: dict[str, int] = field(default_factory=dict)  # each list's length before the limit
    counts: dict[str, int] = field(default_factory=dict)


def _first(session: Session, query: Any, limit: int | None) -> tuple[list[Any], int]:
    """The first ``limit`` rows of ``query`` and how many there are in all."""
    rows = list(session.exec(query.limit(limit) if limit is not None else query))
    if limit is None or len(rows) < limit:
        return rows, len(rows)
    return rows, count_rows(session, query)


def build_report(
    session: Session, as_of: AsOf, days: int = 30, limit: int | None = LIMIT
) -> Report:
    """Claims due (deadline passed, no final verdict), deadlines within ``days``, verdicts
    checked within the last ``days``, each list in time order and cut at ``limit`` (None:
    all), with their totals and the counts by status, all as of ``as_of``.

    Each part is one query that reads only the claims it lists; the counts are one grouped
    query: no claim is loaded that the report does not show.
    """
    report = Report(as_of, days, limit)
    since = as_of.day - timedelta(days=days)
    by_deadline = (col(Claim.due_at), col(Claim.id))
    report.counts = count_by_status(session, as_of.moment, as_of.day)

    due = select(Claim).where(has_status("due", as_of.moment, as_of.day)).order_by(*by_deadline)
    claims = list(session.exec(due.limit(limit) if limit is not None else due))
    report.totals["due"] = report.counts.get("due", 0)
    for claim in claims:
        deadline = deadline_of(claim)
        if deadline is not None:
            report.due.append((claim, days_overdue(deadline.date, as_of.day)))

    # Deadlines that pass after the moment and by the end of the window's last day (the
    # moments are indexed; a deadline's last day is the day before its moment, in the zone).
    horizon = due_moment(as_of.day + timedelta(days=days), as_of.tz)
    upcoming = (
        select(Claim)
        .where(col(Claim.due_at) > as_of.moment, col(Claim.due_at) <= horizon)
        .where(live(), unsettled(as_of.day, as_of.moment))
        .order_by(*by_deadline)
    )
    claims, report.totals["upcoming"] = _first(session, upcoming, limit)
    for claim in claims:
        deadline = deadline_of(claim)
        if deadline is not None:
            left = days_left(deadline.date, as_of.day)
            report.upcoming.append((claim, status_of(claim, as_of), left))

    recent = (
        select(Claim, Verdict)
        .join(Verdict, col(Verdict.claim_id) == col(Claim.id))
        .where(col(Verdict.checked_on) > since, col(Verdict.checked_on) <= as_of.day)
        .where(live(), verdict_counts(as_of.moment))
        .order_by(col(Verdict.checked_on), col(Verdict.id))
    )
    rows, report.totals["recent_verdicts"] = _first(session, recent, limit)
    report.recent_verdicts = [(claim, verdict) for claim, verdict in rows]

    # Deadlines moved: statements made in the window that supersede an earlier one.
    moved = (
        select(Claim, ClaimLink.other_id)
        .join(ClaimLink, col(ClaimLink.claim_id) == col(Claim.id))
        .where(ClaimLink.relation == "supersedes", live())
        .where(col(Claim.stated_on) > since, col(Claim.stated_on) <= as_of.day)
        .order_by(col(Claim.stated_on), col(Claim.id))
    )
    rows, report.totals["moved"] = _first(session, moved, limit)
    for later, earlier_id in rows:
        earlier = session.get(Claim, earlier_id)
        if earlier is not None:
            report.moved.append((later, earlier))
    return report


def to_json(report: Report) -> dict[str, Any]:
    tz = report.as_of.tz
    return {
        "as_of": report.as_of.moment.isoformat(),
        "days": report.days,
        "due": [
            claim_json(c, "due", tz, report.as_of) | {"overdue_days": n} for c, n in report.due
        ],
        "upcoming": [
            claim_json(c, s, tz, report.as_of) | {"days_left": n} for c, s, n in report.upcoming
        ],
        "recent_verdicts": [
            {
                "claim_id": claim.id,
                "claim": claim.text,
                "verdict": verdict.verdict,
                "note": verdict.note,
                "checked_on": verdict.checked_on.isoformat(),
                "recorded_at": verdict.recorded_at.isoformat(),
                "reviewer": verdict.reviewer,
            }
            for claim, verdict in report.recent_verdicts
        ],
        "moved": [
            {
                "claim_id": later.id,
                "supersedes": earlier.id,
                "stated_on": later.stated_on.isoformat() if later.stated_on else None,
                "from": _deadline_json(earlier, tz),
                "to": _deadline_json(later, tz),
            }
            for later, earlier in report.moved
        ],
        "limit": report.limit,
        "totals": report.totals,
        "counts": report.counts,
    }


def _deadline_json(claim: Claim, tz: Any) -> dict[str, Any] | None:
    deadline = deadline_of(claim)
    return deadline.to_json(tz) if deadline else None


def who(claim: Claim) -> str:
    return ", ".join(claim.claimants)


def claim_deadline(claim: Claim) -> str:
    return deadline_line(deadline_of(claim), due=False)


WRAP = textwrap.TextWrapper(width=88, initial_indent="      ", subsequent_indent="      ")


def _label(claim: Claim) -> str:
    return deadline_label(claim.deadline_kind).lower()


def claim_block(claim: Claim, headline: str) -> list[str]:
    """A claim in a text report: headline, who, the words as said, the deadline."""
    return [
        f"  #{claim.id}  {headline} · {who(claim)}",
        *WRAP.wrap(f"“{claim.text}”"),
        "      "
        + _("%(label)s: %(value)s") % {"label": _label(claim), "value": claim_deadline(claim)},
    ]


_SEE = {
    "due": "claimtrack list --status due, or ",
    "upcoming": "claimtrack list --due-before DATE, or ",
    "recent_verdicts": "",
}


def _more(report: Report, part: str, shown: int) -> str | None:
    """The line that says a list was cut, and how to see the rest."""
    rest = report.totals.get(part, shown) - shown
    if rest <= 0:
        return None
    see = f"{_SEE[part]}report --limit 0"
    return _("… and %(rest)s more (%(see)s)") % {"rest": number(rest), "see": see}


def _text_more(report: Report, part: str, shown: int) -> list[str]:
    line = _more(report, part, shown)
    return [f"  {line}"] if line else []


def _markdown_more(report: Report, part: str, shown: int) -> list[str]:
    line = _more(report, part, shown)
    return ["", line] if line else []  # after a blank line: not a row of the table above


def _counts(report: Report) -> list[tuple[str, int]]:
    return [(status_words(status), n) for status, n in report.counts.items()]


def render_text(report: Report) -> str:
    totals = report.totals
    day_, days = day(report.as_of.day), report.days
    lines = [_("Deadline report as of %(day)s (%(zone)s)") % {"day": day_, "zone": report.as_of.tz}]
    lines += ["", _("Awaiting a check — deadline passed, no verdict (%(n)s):") % _n(totals["due"])]
    for claim, overdue in report.due:
        lines += claim_block(claim, overdue_words(overdue))
    lines += _text_more(report, "due", len(report.due))
    if not report.due:
        lines.append("  " + _("nothing"))
    upcoming = _("Deadlines in the next %(days)s days (%(n)s):")
    lines += ["", upcoming % {"days": days, **_n(totals["upcoming"])}]
    for claim, status, left in report.upcoming:
        lines += claim_block(claim, f"{left_words(left)} ({status_words(status)})")
    lines += _text_more(report, "upcoming", len(report.upcoming))
    if not report.upcoming:
        lines.append("  " + _("nothing"))
    recent = _("Verdicts in the last %(days)s days (%(n)s):")
    lines += ["", recent % {"days": days, **_n(totals["recent_verdicts"])}]
    for claim, verdict in report.recent_verdicts:
        said = _("%(verdict)s on %(day)s") % {
            "verdict": _verdict(verdict),
            "day": day(verdict.checked_on),
        }
        lines.append(f"  #{claim.id}  {said}")
        lines += WRAP.wrap(verdict.note)
    lines += _text_more(report, "recent_verdicts", len(report.recent_verdicts))
    if not report.recent_verdicts:
        lines.append("  " + _("nothing"))
    if report.moved:
        moved = _("Deadlines moved in the last %(days)s days (%(n)s):")
        lines += ["", moved % {"days": days, **_n(totals["moved"])}]
        for later, earlier in report.moved:
            lines.append(f"  {_moved_line(later, earlier, lambda text: text)}")
    counts = ", ".join(f"{words} {n}" for words, n in _counts(report)) or _("no claims")
    lines += ["", _("Claims by status: %(counts)s") % {"counts": counts}]
    return "\n".join(lines)


def _verdict(verdict: Verdict) -> str:
    return word_for(verdict.verdict, VERDICT_WORDS)


def _n(count: int) -> dict[str, str]:
    return {"n": number(count)}


def _moved_line(later: Claim, earlier: Claim, escape: Any) -> str:
    stated = day(later.stated_on) if later.stated_on else ""
    return _("#%(later)s moves #%(earlier)s: %(before)s → %(after)s (stated %(day)s)") % {
        "later": later.id,
        "earlier": earlier.id,
        "before": escape(claim_deadline(earlier)),
        "after": escape(claim_deadline(later)),
        "day": stated,
    }


def md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def render_markdown(report: Report) -> str:
    lines = [_("# Deadline report as of %(day)s") % {"day": day(report.as_of.day)}, ""]
    totals, days = report.totals, report.days
    lines += [_("## Awaiting a check (%(n)s)") % _n(totals["due"]), ""]
    if report.due:
        header = _("| # | overdue | claimants | claim | deadline |")
        lines += [header, "|---|---|---|---|---|"]
        lines += [
            f"| {c.id} | {days_words(n)} | {md(who(c))} | {md(c.text)} | {md(claim_deadline(c))} |"
            for c, n in report.due
        ]
        lines += _markdown_more(report, "due", len(report.due))
    else:
        lines.append(_("Nothing is awaiting a check."))
    upcoming = _("## Deadlines in the next %(days)s days (%(n)s)")
    lines += ["", upcoming % {"days": days, **_n(totals["upcoming"])}, ""]
    if report.upcoming:
        lines += [_("| # | days left | status | claim | deadline |"), "|---|---|---|---|---|"]
        lines += [
            f"| {c.id} | {n} | {md(status_words(s))} | {md(c.text)} | {md(claim_deadline(c))} |"
            for c, s, n in report.upcoming
        ]
        lines += _markdown_more(report, "upcoming", len(report.upcoming))
    else:
        lines.append(_("No deadline in that window."))
    recent = _("## Verdicts in the last %(days)s days (%(n)s)")
    lines += ["", recent % {"days": days, **_n(totals["recent_verdicts"])}, ""]
    lines += [
        f"- #{c.id} **{md(_verdict(v))}** ({day(v.checked_on)}): {md(v.note)}"
        for c, v in report.recent_verdicts
    ] or [_("None.")]
    lines += _markdown_more(report, "recent_verdicts", len(report.recent_verdicts))
    if report.moved:
        moved = _("## Deadlines moved in the last %(days)s days (%(n)s)")
        lines += ["", moved % {"days": days, **_n(totals["moved"])}, ""]
        lines += [f"- {_moved_line(later, earlier, md)}" for later, earlier in report.moved]
    lines += ["", _("## Claims by status"), ""]
    lines += [f"- {md(words)}: {n}" for words, n in _counts(report)] or ["- " + _("no claims")]
    return "\n".join(lines)


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(report), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return render_markdown(report)
    return render_text(report)
