"""The deadline report: what awaits a check, what comes next, what was judged lately.

Built as data by one function of the database and a moment, then rendered as text for a
terminal, Markdown for email and notes, or JSON for programs.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from claimtrack.claims import AsOf, deadline_of, list_claims
from claimtrack.models import Claim, Verdict
from claimtrack.render import deadline_line
from claimtrack.shapes import claim_json
from claimtrack.status import STATUSES, is_final


@dataclass
class Report:
    as_of: AsOf
    days: int
    due: list[tuple[Claim, int]] = field(default_factory=list)  # claim, days overdue
    upcoming: list[tuple[Claim, str, int]] = field(default_factory=list)  # claim, status, left
    recent_verdicts: list[tuple[Claim, Verdict]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def build_report(session: Session, as_of: AsOf, days: int = 30) -> Report:
    """Claims due (deadline passed, no final verdict), deadlines within ``days``, verdicts
    checked within the last ``days``, and counts by status, all as of ``as_of``."""
    report = Report(as_of, days)
    counts: Counter[str] = Counter()
    horizon = as_of.day + timedelta(days=days)
    since = as_of.day - timedelta(days=days)
    for claim, status in list_claims(session, as_of):
        counts[status] += 1
        deadline = deadline_of(claim)
        if status == "due" and deadline:
            report.due.append((claim, (as_of.day - deadline.date).days))
        elif deadline and not _has_final(claim, as_of) and as_of.day <= deadline.date <= horizon:
            report.upcoming.append((claim, status, (deadline.date - as_of.day).days))
        for verdict in claim.verdicts:
            if since < verdict.checked_on <= as_of.day:
                report.recent_verdicts.append((claim, verdict))
    report.due.sort(key=lambda item: (-item[1], item[0].id or 0))
    report.recent_verdicts.sort(key=lambda item: (item[1].checked_on, item[1].id or 0))
    report.counts = {status: counts[status] for status in STATUSES if counts[status]}
    return report


def _has_final(claim: Claim, as_of: AsOf) -> bool:
    return any(is_final(v.verdict) and v.checked_on <= as_of.day for v in claim.verdicts)


def to_json(report: Report) -> dict[str, Any]:
    tz = report.as_of.tz
    return {
        "as_of": report.as_of.moment.isoformat(),
        "days": report.days,
        "due": [claim_json(c, "due", tz) | {"overdue_days": n} for c, n in report.due],
        "upcoming": [claim_json(c, s, tz) | {"days_left": n} for c, s, n in report.upcoming],
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
        "counts": report.counts,
    }


def _who(claim: Claim) -> str:
    return ", ".join(claim.claimants)


def _deadline_line(claim: Claim) -> str:
    return deadline_line(deadline_of(claim), due=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(report: Report) -> str:
    lines = [f"Deadline report as of {report.as_of.day.isoformat()} ({report.as_of.tz})", ""]
    wrap = textwrap.TextWrapper(width=88, initial_indent="      ", subsequent_indent="      ")

    def block(claim: Claim, headline: str) -> list[str]:
        return [
            f"  #{claim.id}  {headline} · {_who(claim)}",
            *wrap.wrap(f"“{claim.text}”"),
            f"      deadline: {_deadline_line(claim)}",
        ]

    lines.append(f"Awaiting a check — deadline passed, no verdict ({len(report.due)}):")
    for claim, overdue in report.due:
        lines += block(claim, f"{_plural(overdue, 'day')} overdue")
    if not report.due:
        lines.append("  nothing")
    lines += ["", f"Deadlines in the next {report.days} days ({len(report.upcoming)}):"]
    for claim, status, left in report.upcoming:
        lines += block(claim, f"{_plural(left, 'day')} left ({status})")
    if not report.upcoming:
        lines.append("  nothing")
    lines += ["", f"Verdicts in the last {report.days} days ({len(report.recent_verdicts)}):"]
    for claim, verdict in report.recent_verdicts:
        lines.append(f"  #{claim.id}  {verdict.verdict} on {verdict.checked_on.isoformat()}")
        lines += wrap.wrap(verdict.note)
    if not report.recent_verdicts:
        lines.append("  nothing")
    counts = ", ".join(f"{status} {n}" for status, n in report.counts.items()) or "no claims"
    lines += ["", f"Claims by status: {counts}"]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def render_markdown(report: Report) -> str:
    lines = [f"# Deadline report as of {report.as_of.day.isoformat()}", ""]
    lines += [f"## Awaiting a check ({len(report.due)})", ""]
    if report.due:
        lines += ["| # | overdue | claimants | claim | deadline |", "|---|---|---|---|---|"]
        lines += [
            f"| {c.id} | {_plural(n, 'day')} | {_md(_who(c))} | {_md(c.text)} | "
            f"{_md(_deadline_line(c))} |"
            for c, n in report.due
        ]
    else:
        lines.append("Nothing is awaiting a check.")
    lines += ["", f"## Deadlines in the next {report.days} days ({len(report.upcoming)})", ""]
    if report.upcoming:
        lines += ["| # | days left | status | claim | deadline |", "|---|---|---|---|---|"]
        lines += [
            f"| {c.id} | {n} | {s} | {_md(c.text)} | {_md(_deadline_line(c))} |"
            for c, s, n in report.upcoming
        ]
    else:
        lines.append("No deadline in that window.")
    lines += ["", f"## Verdicts in the last {report.days} days ({len(report.recent_verdicts)})", ""]
    lines += [
        f"- #{c.id} **{v.verdict}** ({v.checked_on.isoformat()}): {_md(v.note)}"
        for c, v in report.recent_verdicts
    ] or ["None."]
    lines += ["", "## Claims by status", ""]
    lines += [f"- {status}: {n}" for status, n in report.counts.items()] or ["- no claims"]
    return "\n".join(lines)


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(report), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return render_markdown(report)
    return render_text(report)
