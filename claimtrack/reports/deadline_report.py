"""The deadline report: what awaits a check, what comes next, what was judged lately.

Built as data by one function of the database and a moment, then rendered as text for a
terminal, Markdown for email and notes, or JSON for programs.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from claimtrack.deadlines.deadline import due_moment
from claimtrack.records.claims import AsOf, deadline_of, status_of
from claimtrack.records.models import Alert, Claim, Verdict
from claimtrack.records.shapes import claim_json
from claimtrack.records.status_sql import (
    count_by_status,
    has_status,
    live,
    unsettled,
    verdict_counts,
)
from claimtrack.records.store import count_rows
from claimtrack.reports.render import deadline_line

if TYPE_CHECKING:
    from claimtrack.monitor.channels import Message
    from claimtrack.monitor.health import Failing


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
            report.due.append((claim, (as_of.day - deadline.date).days))

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
            left = (deadline.date - as_of.day).days
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
        "limit": report.limit,
        "totals": report.totals,
        "counts": report.counts,
    }


def _who(claim: Claim) -> str:
    return ", ".join(claim.claimants)


def _deadline_line(claim: Claim) -> str:
    return deadline_line(deadline_of(claim), due=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


_WRAP = textwrap.TextWrapper(width=88, initial_indent="      ", subsequent_indent="      ")


def _block(claim: Claim, headline: str) -> list[str]:
    """A claim in a text report: headline, who, the words as said, the deadline."""
    return [
        f"  #{claim.id}  {headline} · {_who(claim)}",
        *_WRAP.wrap(f"“{claim.text}”"),
        f"      deadline: {_deadline_line(claim)}",
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
        lines += _block(claim, f"{_plural(overdue, 'day')} overdue")
    lines += _text_more(report, "due", len(report.due))
    if not report.due:
        lines.append("  nothing")
    lines += ["", f"Deadlines in the next {report.days} days ({totals['upcoming']:,}):"]
    for claim, status, left in report.upcoming:
        lines += _block(claim, f"{_plural(left, 'day')} left ({status})")
    lines += _text_more(report, "upcoming", len(report.upcoming))
    if not report.upcoming:
        lines.append("  nothing")
    lines += ["", f"Verdicts in the last {report.days} days ({totals['recent_verdicts']:,}):"]
    for claim, verdict in report.recent_verdicts:
        lines.append(f"  #{claim.id}  {verdict.verdict} on {verdict.checked_on.isoformat()}")
        lines += _WRAP.wrap(verdict.note)
    lines += _text_more(report, "recent_verdicts", len(report.recent_verdicts))
    if not report.recent_verdicts:
        lines.append("  nothing")
    counts = ", ".join(f"{status} {n}" for status, n in report.counts.items()) or "no claims"
    lines += ["", f"Claims by status: {counts}"]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def render_markdown(report: Report) -> str:
    lines = [f"# Deadline report as of {report.as_of.day.isoformat()}", ""]
    totals = report.totals
    lines += [f"## Awaiting a check ({totals['due']:,})", ""]
    if report.due:
        lines += ["| # | overdue | claimants | claim | deadline |", "|---|---|---|---|---|"]
        lines += [
            f"| {c.id} | {_plural(n, 'day')} | {_md(_who(c))} | {_md(c.text)} | "
            f"{_md(_deadline_line(c))} |"
            for c, n in report.due
        ]
        lines += _markdown_more(report, "due", len(report.due))
    else:
        lines.append("Nothing is awaiting a check.")
    lines += ["", f"## Deadlines in the next {report.days} days ({totals['upcoming']:,})", ""]
    if report.upcoming:
        lines += ["| # | days left | status | claim | deadline |", "|---|---|---|---|---|"]
        lines += [
            f"| {c.id} | {n} | {s} | {_md(c.text)} | {_md(_deadline_line(c))} |"
            for c, s, n in report.upcoming
        ]
        lines += _markdown_more(report, "upcoming", len(report.upcoming))
    else:
        lines.append("No deadline in that window.")
    days = report.days
    lines += ["", f"## Verdicts in the last {days} days ({totals['recent_verdicts']:,})", ""]
    lines += [
        f"- #{c.id} **{v.verdict}** ({v.checked_on.isoformat()}): {_md(v.note)}"
        for c, v in report.recent_verdicts
    ] or ["None."]
    lines += _markdown_more(report, "recent_verdicts", len(report.recent_verdicts))
    lines += ["", "## Claims by status", ""]
    lines += [f"- {status}: {n}" for status, n in report.counts.items()] or ["- no claims"]
    return "\n".join(lines)


def digest_message(report: Report, failing: Sequence[Failing] = ()) -> Message:
    """The periodic digest: the report as the CLI prints it, for every channel, headed by
    the channels that have been failing for long (alerts are waiting on them)."""
    from claimtrack.monitor.channels import Message

    warnings = [
        f"Channel {f.channel} has refused every delivery since {f.since.isoformat()}: {f.error}"
        for f in failing
    ]
    head = [*warnings, ""] if warnings else []
    return Message(
        subject=f"claimtrack digest: {_plural(len(report.due), 'claim')} awaiting a check",
        text="\n".join([*head, render_text(report)]),
        markdown="\n".join(
            [*(f"**{w}**" for w in warnings), *([""] if warnings else []), render_markdown(report)]
        ),
        data={
            "report": "digest",
            **to_json(report),
            "failing_channels": [
                {"channel": f.channel, "since": f.since.isoformat(), "error": f.error}
                for f in failing
            ],
        },
    )


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(report), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return render_markdown(report)
    return render_text(report)


# --- the report of one monitor pass: the alerts it delivers ------------------------------------


@dataclass
class AlertItem:
    """An alert to deliver, with its claim and the claim's status at delivery."""

    alert: Alert
    claim: Claim
    status: str


def _alert_days(item: AlertItem, as_of: AsOf) -> tuple[str, int]:
    """Days overdue for ``due``, days left for a reminder: calendar days in the zone."""
    deadline = deadline_of(item.claim)
    last_day = deadline.date if deadline else item.alert.due_at.astimezone(as_of.tz).date()
    if item.alert.kind == "due":
        return "overdue_days", max(0, (as_of.day - last_day).days)
    return "days_left", max(0, (last_day - as_of.day).days)


def _alert_headline(item: AlertItem, as_of: AsOf) -> str:
    key, n = _alert_days(item, as_of)
    headline = _plural(n, "day") + (" overdue" if key == "overdue_days" else " left")
    if item.alert.reopening:  # flagged again: the verdict that settled it was retracted
        headline += " (again: its verdict was retracted)"
    if item.status not in ("due", "pending"):  # it changed since the alert was raised
        headline += f" (now {item.status})"
    return headline


def alerts_subject(items: list[AlertItem]) -> str:
    due = sum(item.alert.kind == "due" for item in items)
    reminders = len(items) - due
    parts = []
    if due:
        parts.append(f"{due} deadline{'' if due == 1 else 's'} passed")
    if reminders:
        parts.append(_plural(reminders, "reminder"))
    return "claimtrack: " + ", ".join(parts)


def alerts_json(items: list[AlertItem], as_of: AsOf) -> dict[str, Any]:
    alerts = []
    for item in items:
        key, n = _alert_days(item, as_of)
        alerts.append(
            {
                "alert_id": item.alert.id,
                "kind": item.alert.kind,
                "claim_id": item.claim.id,
                "due_at": item.alert.due_at.isoformat(),
                "days_before": item.alert.days_before,
                "fires_at": item.alert.fires_at.isoformat(),
                "flagged_at": item.alert.flagged_at.isoformat(),
                "reopening": item.alert.reopening,
                key: n,
                "claim": claim_json(item.claim, item.status, as_of.tz, as_of),
            }
        )
    return {"report": "alerts", "as_of": as_of.moment.isoformat(), "alerts": alerts}


def alerts_text(items: list[AlertItem], as_of: AsOf) -> str:
    lines = [f"{alerts_subject(items)} — as of {as_of.moment.isoformat()}"]
    due = [item for item in items if item.alert.kind == "due"]
    coming = [item for item in items if item.alert.kind == "reminder"]
    if due:
        lines += ["", f"Deadline passed — awaiting a check ({len(due)}):"]
        for item in due:
            lines += [*_block(item.claim, _alert_headline(item, as_of)), ""]
    if coming:
        lines += ["", f"Deadline coming ({len(coming)}):"]
        for item in coming:
            lines += [*_block(item.claim, _alert_headline(item, as_of)), ""]
    lines.append(f"alerts {', '.join(str(item.alert.id) for item in items)}")
    return "\n".join(lines)


def alerts_markdown(items: list[AlertItem], as_of: AsOf) -> str:
    lines = [f"# {alerts_subject(items)}", "", f"As of {as_of.moment.isoformat()}.", ""]
    lines += ["| alert | # | when | claimants | claim | deadline |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {item.alert.id} | {item.claim.id} | {_alert_headline(item, as_of)} | "
        f"{_md(_who(item.claim))} | {_md(item.claim.text)} | {_md(_deadline_line(item.claim))} |"
        for item in items
    ]
    return "\n".join(lines)


def alerts_message(items: list[AlertItem], as_of: AsOf) -> Message:
    """One report for one channel in one pass: every alert it has not yet accepted."""
    from claimtrack.monitor.channels import Message

    return Message(
        subject=alerts_subject(items),
        text=alerts_text(items, as_of),
        markdown=alerts_markdown(items, as_of),
        data=alerts_json(items, as_of),
        alert_ids=tuple(item.alert.id for item in items if item.alert.id is not None),
    )
