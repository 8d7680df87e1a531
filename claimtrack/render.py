"""Plain-text views of claims, lists and histories for a terminal (JSON lives in shapes.py)."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING

from claimtrack.claims import deadline_of, evidence_by_verdict
from claimtrack.dates import Deadline
from claimtrack.models import Claim, ClaimSource, Event

if TYPE_CHECKING:
    from claimtrack.monitor import PassResult


def deadline_line(deadline: Deadline | None, tz: tzinfo = UTC, *, due: bool = True) -> str:
    """ "by 2025-09-30 (month) — “au plus tard en septembre 2025”", with the due moment."""
    if deadline is None:
        return "no deadline"
    line = f"{deadline.kind} {deadline.date.isoformat()} ({deadline.precision}) — “{deadline.text}”"
    return f"{line}, due {deadline.due_at(tz).isoformat()}" if due else line


def _source_line(link: ClaimSource) -> str:
    source = link.source
    parts = [source.title or source.url or "untitled"]
    if source.publisher:
        parts.append(source.publisher)
    if source.published_on:
        parts.append(source.published_on.isoformat())
    line = " — ".join(parts)
    if source.url and source.url != parts[0]:
        line += f" <{source.url}>"
    if source.archive_url:
        line += f" (archive: {source.archive_url})"
    return line


def _indented(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=88, initial_indent=indent, subsequent_indent=indent)


def claim_text(claim: Claim, status: str, tz: tzinfo = UTC) -> str:
    lines = [f"#{claim.id}  {status}  [{claim.kind}, {claim.language}]  {claim.uuid}"]
    lines += _indented(f"“{claim.text}”", "  ")
    if claim.translation:
        lines += _indented(f"translation: {claim.translation}", "  ")
    lines.append(f"  claimants: {', '.join(claim.claimants)}")
    lines.append(f"  stated: {claim.stated_on.isoformat() if claim.stated_on else 'unknown'}")
    lines.append(f"  deadline: {deadline_line(deadline_of(claim), tz)}")
    for label, value in (("criteria", claim.criteria), ("context", claim.context)):
        if value:
            lines += _indented(f"{label}: {value}", "  ")
    if claim.tags:
        lines.append(f"  tags: {', '.join(claim.tags)}")
    origins = [link for link in claim.source_links if link.verdict_id is None]
    if origins:
        lines.append("  sources:")
        for link in origins:
            lines.append(f"    [{link.role}] {_source_line(link)}")
            if link.quote:
                lines += _indented(f"« {link.quote} »", "        ")
    evidence = evidence_by_verdict(claim)
    if claim.verdicts:
        lines.append("  verdicts (oldest first; the latest final one counts):")
        for verdict in claim.verdicts:
            by = f" by {verdict.reviewer}" if verdict.reviewer else ""
            lines.append(f"    {verdict.checked_on.isoformat()}  {verdict.verdict}{by}")
            lines += _indented(verdict.note, "        ")
            for link in evidence.get(verdict.id or 0, []):
                lines.append(f"        evidence: {_source_line(link)}")
                if link.quote:
                    lines += _indented(f"« {link.quote} »", "          ")
    return "\n".join(lines)


def claim_row(claim: Claim, status: str) -> str:
    deadline = deadline_of(claim)
    when = deadline.date.isoformat() if deadline else "—"
    text = textwrap.shorten(claim.text, width=60, placeholder="…")
    return f"{claim.id:>5}  {status:<12} {when:<10}  {', '.join(claim.claimants)[:30]:<30}  {text}"


def list_text(rows: list[tuple[Claim, str]]) -> str:
    if not rows:
        return "no claims match"
    header = f"{'id':>5}  {'status':<12} {'deadline':<10}  {'claimants':<30}  claim"
    return "\n".join([header, *(claim_row(claim, status) for claim, status in rows)])


def history_text(events: list[Event]) -> str:
    lines = []
    for event in events:
        who = f" by {event.actor}" if event.actor else ""
        lines.append(f"{event.at.isoformat()}  {event.kind}{who}")
        lines.append("    " + json.dumps(event.data, ensure_ascii=False, sort_keys=True))
    return "\n".join(lines)


def check_text(result: PassResult, awaiting: int) -> str:
    """What one ``check`` pass did, for a terminal or a cron mail."""
    lines = [f"check as of {result.as_of.isoformat()}"]
    if result.flagged:
        lines.append(f"flagged {len(result.flagged)}:")
        for alert in result.flagged:
            what = "deadline passed" if alert.kind == "due" else f"{alert.days_before} days before"
            lines.append(
                f"  #{alert.claim_id}  {alert.kind}: {what} (due {alert.due_at.isoformat()}; "
                f"alert {alert.alert_id})"
            )
    else:
        lines.append("flagged nothing new")
    delivery = result.delivery
    sent = ", ".join(f"{name} {n}" for name, n in delivery.sent.items()) or "none"
    lines.append(
        f"delivered {len(delivery.delivered)} alerts (accepted by channel: {sent}); "
        f"failed {len(delivery.failed)}"
    )
    lines.append(f"awaiting a check: {awaiting} claim{'' if awaiting == 1 else 's'}")
    wake = result.next_wakeup.isoformat() if result.next_wakeup else "nothing scheduled"
    lines.append(f"next alert or retry: {wake}")
    return "\n".join(lines)
