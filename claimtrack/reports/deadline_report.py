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
from claimtrack.reports.prose import left_words, overdue_words, plural
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
    """ "start" for a reading of kind from (it is not a deadline), else "deadline"."""
    return "start" if claim.deadline_kind == "from" else "deadline"


def claim_block(claim: Claim, headline: str) -> list[str]:
    """A claim in a text report: headline, who, the words as said, the deadline."""
    return [
        f"  #{claim.id}  {headline} · {who(claim)}",
        *WRAP.wrap(f"“{claim.text}”"),
        f"      {_label(claim)}: {claim_deadline(claim)}",
    ]


_SEE = {
    "due": "claimtrack list --status due, or ",
    "upcoming": "claimtrack list --due-before DATE, or ",
    "recent_verdicts": "",
}


def _more(report: Report, part: str, shown: int) -> str | None:
    """The line that says a list was cut, and how to see the rest."""
    rest = report.totals.get(part, shown) - shown
    return f"… and {rest:,} more ({_SEE[part]}report --limit 0)" if rest > 0 else None


def _text_more(report: Report, part: str, shown: int) -> list[str]:
    line = _more(report, part, shown)
    return [f"  {line}"] if line else []


def _markdown_more(report: Report, part: str, shown: int) -> list[str]:
    line = _more(report, part, shown)
    return ["", line] if line else []  # after a blank line: not a row of the table above


def render_text(report: Report) -> str:
    totals = report.totals
    lines = [f"Deadline report as of {report.as_of.day.isoformat()} ({report.as_of.tz})", ""]
    lines.append(f"Awaiting a check — deadline passed, no verdict ({totals['due']:,}):")
    for claim, overdue in report.due:
        lines += claim_block(claim, overdue_words(overdue))
    lines += _text_more(report, "due", len(report.due))
    if not report.due:
        lines.append("  nothing")
    lines += ["", f"Deadlines in the next {report.days} days ({totals['upcoming']:,}):"]
    for claim, status, left in report.upcoming:
        lines += claim_block(claim, f"{left_words(left)} ({status})")
    lines += _text_more(report, "upcoming", len(report.upcoming))
    if not report.upcoming:
        lines.append("  nothing")
    lines += ["", f"Verdicts in the last {report.days} days ({totals['recent_verdicts']:,}):"]
    for claim, verdict in report.recent_verdicts:
        lines.append(f"  #{claim.id}  {verdict.verdict} on {verdict.checked_on.isoformat()}")
        lines += WRAP.wrap(verdict.note)
    lines += _text_more(report, "recent_verdicts", len(report.recent_verdicts))
    if not report.recent_verdicts:
        lines.append("  nothing")
    if report.moved:
        lines += ["", f"Deadlines moved in the last {report.days} days ({totals['moved']:,}):"]
        for later, earlier in report.moved:
            lines.append(
                f"  #{later.id} moves #{earlier.id}: {claim_deadline(earlier)} → "
                f"{claim_deadline(later)} (stated {later.stated_on})"
            )
    counts = ", ".join(f"{status} {n}" for status, n in report.counts.items()) or "no claims"
    lines += ["", f"Claims by status: {counts}"]
    return "\n".join(lines)


def md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def render_markdown(report: Report) -> str:
    lines = [f"# Deadline report as of {report.as_of.day.isoformat()}", ""]
    totals = report.totals
    lines += [f"## Awaiting a check ({totals['due']:,})", ""]
    if report.due:
        lines += ["| # | overdue | claimants | claim | deadline |", "|---|---|---|---|---|"]
        lines += [
            f"| {c.id} | {plural(n, 'day')} | {md(who(c))} | {md(c.text)} | "
            f"{md(claim_deadline(c))} |"
            for c, n in report.due
        ]
        lines += _markdown_more(report, "due", len(report.due))
    else:
        lines.append("Nothing is awaiting a check.")
    lines += ["", f"## Deadlines in the next {report.days} days ({totals['upcoming']:,})", ""]
    if report.upcoming:
        lines += ["| # | days left | status | claim | deadline |", "|---|---|---|---|---|"]
        lines += [
            f"| {c.id} | {n} | {s} | {md(c.text)} | {md(claim_deadline(c))} |"
            for c, s, n in report.upcoming
        ]
        lines += _markdown_more(report, "upcoming", len(report.upcoming))
    else:
        lines.append("No deadline in that window.")
    days = report.days
    lines += ["", f"## Verdicts in the last {days} days ({totals['recent_verdicts']:,})", ""]
    lines += [
        f"- #{c.id} **{v.verdict}** ({v.checked_on.isoformat()}): {md(v.note)}"
        for c, v in report.recent_verdicts
    ] or ["None."]
    lines += _markdown_more(report, "recent_verdicts", len(report.recent_verdicts))
    if report.moved:
        lines += ["", f"## Deadlines moved in the last {days} days ({totals['moved']:,})", ""]
        lines += [
            f"- #{later.id} moves #{earlier.id}: {md(claim_deadline(earlier))} → "
            f"{md(claim_deadline(later))} (stated {later.stated_on})"
            for later, earlier in report.moved
        ]
    lines += ["", "## Claims by status", ""]
    lines += [f"- {status}: {n}" for status, n in report.counts.items()] or ["- no claims"]
    return "\n".join(lines)


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(report), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return render_markdown(report)
    return render_text(report)
