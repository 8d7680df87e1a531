"""What the monitor sends: one report per channel and pass with every alert it has not yet
accepted (as text, Markdown and JSON), and the periodic digest (the deadline report,
headed by the channels that keep failing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from claimtrack.monitor.channels import Message
from claimtrack.monitor.health import Failing
from claimtrack.records.claims import deadline_of
from claimtrack.records.models import Alert, Claim
from claimtrack.records.moments import AsOf
from claimtrack.records.shapes import claim_json
from claimtrack.reports.deadline_report import (
    Report,
    claim_block,
    claim_deadline,
    md,
    plural,
    render_markdown,
    render_text,
    to_json,
    who,
)


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
    headline = plural(n, "day") + (" overdue" if key == "overdue_days" else " left")
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
        parts.append(plural(reminders, "reminder"))
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
            lines += [*claim_block(item.claim, _alert_headline(item, as_of)), ""]
    if coming:
        lines += ["", f"Deadline coming ({len(coming)}):"]
        for item in coming:
            lines += [*claim_block(item.claim, _alert_headline(item, as_of)), ""]
    lines.append(f"alerts {', '.join(str(item.alert.id) for item in items)}")
    return "\n".join(lines)


def alerts_markdown(items: list[AlertItem], as_of: AsOf) -> str:
    lines = [f"# {alerts_subject(items)}", "", f"As of {as_of.moment.isoformat()}.", ""]
    lines += ["| alert | # | when | claimants | claim | deadline |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {item.alert.id} | {item.claim.id} | {_alert_headline(item, as_of)} | "
        f"{md(who(item.claim))} | {md(item.claim.text)} | {md(claim_deadline(item.claim))} |"
        for item in items
    ]
    return "\n".join(lines)


def alerts_message(items: list[AlertItem], as_of: AsOf) -> Message:
    """One report for one channel in one pass: every alert it has not yet accepted."""
    return Message(
        subject=alerts_subject(items),
        text=alerts_text(items, as_of),
        markdown=alerts_markdown(items, as_of),
        data=alerts_json(items, as_of),
        alert_ids=tuple(item.alert.id for item in items if item.alert.id is not None),
    )


def digest_message(report: Report, failing: Sequence[Failing] = ()) -> Message:
    """The periodic digest: the report as the CLI prints it, for every channel, headed by
    the channels that have been failing for long (alerts are waiting on them)."""
    warnings = [
        f"Channel {f.channel} has refused every delivery since {f.since.isoformat()}: {f.error}"
        for f in failing
    ]
    head = [*warnings, ""] if warnings else []
    return Message(
        subject=f"claimtrack digest: {plural(len(report.due), 'claim')} awaiting a check",
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
