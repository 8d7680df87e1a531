"""Plain-text views of claims, lists and histories for a terminal (JSON lives in shapes.py)."""

from __future__ import annotations

import textwrap
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING

from claimtrack.deadlines.deadline import Deadline, term_text
from claimtrack.language import day, ngettext
from claimtrack.language import gettext as _
from claimtrack.records.claims import deadline_of
from claimtrack.records.links import related
from claimtrack.records.models import Claim, ClaimSource, Event, Verdict
from claimtrack.records.moments import AsOf
from claimtrack.records.reading import evidence_by_verdict, verdicts_at
from claimtrack.records.scorecards import days_left
from claimtrack.records.verdicts import days_late
from claimtrack.reports.prose import (
    PRECISION_WORDS,
    deadline_label,
    event_line,
    plural,
    reading_words,
    word_for,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from claimtrack.records.corrections import Correction
    from claimtrack.records.links import Move
    from claimtrack.records.scorecards import Line, Scorecard


def deadline_line(deadline: Deadline | None, tz: tzinfo = UTC, *, due: bool = True) -> str:
    """ "by 2025-09-30 (month) — “au plus tard en septembre 2025”", with the due moment."""
    if deadline is None:
        return _("no deadline")
    start = ", " + _("a start") if deadline.kind == "from" else ""
    hand = ", " + _("read by hand") if deadline.by_hand else ""
    precision = word_for(deadline.precision, PRECISION_WORDS)
    line = (
        f"{reading_words(deadline.kind, deadline.date)} ({precision}{start}) — "
        f"“{deadline.text}”{hand}"
    )
    if not due:
        return line
    return line + ", " + _("due %(moment)s") % {"moment": deadline.due_at(tz).isoformat()}


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


def claim_text(
    claim: Claim,
    status: str,
    tz: tzinfo = UTC,
    as_of: AsOf | None = None,
    moves: Sequence[Move] = (),
) -> str:
    """A claim for a terminal; with ``as_of``, its verdicts as the record stood then; with
    ``moves``, the chain of statements that moved its deadline."""
    lines = [f"#{claim.id}  {status}  [{claim.kind}, {claim.language}]  {claim.uuid}"]
    lines += _indented(f"“{claim.text}”", "  ")
    if claim.translation:
        lines += _indented(f"translation: {claim.translation}", "  ")
    lines.append(f"  claimants: {', '.join(claim.claimants)}")
    lines.append(f"  stated: {claim.stated_on.isoformat() if claim.stated_on else 'unknown'}")
    deadline = deadline_of(claim)
    label = deadline_label(deadline.kind if deadline else None).lower()
    lines.append(f"  {label}: {deadline_line(deadline, tz)}")
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
    shown = verdicts_at(claim, as_of)
    if shown:
        lines.append("  verdicts (oldest first; the latest final one not retracted counts):")
        for verdict, retracted in shown:
            by = f" by {verdict.reviewer}" if verdict.reviewer else ""
            day = verdict.checked_on.isoformat()
            lines.append(
                f"    {day}  {verdict_words(verdict, deadline)}{by}  [verdict {verdict.id}]"
            )
            if retracted and verdict.retracted_at is not None:
                lines += _indented(
                    f"RETRACTED on {verdict.retracted_at.date().isoformat()}: "
                    f"{verdict.retraction_reason}",
                    "        ",
                )
            lines += _indented(verdict.note, "        ")
            for link in evidence.get(verdict.id or 0, []):
                lines.append(f"        evidence: {_source_line(link)}")
                if link.quote:
                    lines += _indented(f"« {link.quote} »", "          ")
    lines += links_text(claim)
    if len(moves) > 1:
        lines += _indented(moves_line(moves), "  ")
    return "\n".join(lines)


def verdict_words(verdict: Verdict, deadline: Deadline | None) -> str:
    """ "kept, 12 days late (happened 2025-10-12)", "broken (cause: no-majority)", "kept"."""
    words = verdict.verdict
    late = days_late(verdict, deadline.date if deadline else None)
    if late:
        words += f", {late} day{'' if late == 1 else 's'} late"
    if verdict.happened_on:
        words += f" (happened {verdict.happened_on.isoformat()})"
    if verdict.cause:
        words += f" (cause: {verdict.cause})"
    return words


def links_text(claim: Claim) -> list[str]:
    """The claim's links from both sides: "supersedes #1", "superseded by #5"."""
    found = related(claim)
    if not found:
        return []
    lines = ["  links:"]
    for words, other, made in found:
        lines += _indented(f"{words} #{other}" + (f" — {made.note}" if made.note else ""), "    ")
    return lines


def moves_line(moves: Sequence[Move]) -> str:
    """ "deadline moved twice: by 2025-09-30 → by 2026-09-30 → …, by the statements of …"."""
    n = len(moves) - 1
    times = {1: _("once"), 2: _("twice")}.get(n) or ngettext("%(num)d time", "%(num)d times", n) % {
        "num": n
    }
    steps = " → ".join(
        reading_words(m.deadline.kind, m.deadline.date) if m.deadline else _("no deadline")
        for m in moves
    )
    said = ", ".join(
        f"{day(m.stated_on) if m.stated_on else _('a date not known')} (#{m.claim_id})"
        for m in moves
    )
    return _("deadline moved %(times)s: %(steps)s, by the statements of %(said)s") % {
        "times": times,
        "steps": steps,
        "said": said,
    }


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


def history_text(events: list[Event], tz: tzinfo = UTC) -> str:
    """The history in words, one line per change (``history --json`` has the full data)."""
    lines: list[str] = []
    for event in events:
        lines += textwrap.wrap(event_line(event, tz), width=88, subsequent_indent="    ")
    return "\n".join(lines)


def corrections_text(entries: list[Correction], tz: tzinfo = UTC) -> str:
    """The corrections log for a terminal: one entry per paragraph, newest first."""
    if not entries:
        return "no corrections"
    lines: list[str] = []
    for entry in entries:
        when = entry.at.astimezone(tz).date().isoformat()
        by = f" by {entry.by}" if entry.by else ""
        what = {
            "retraction": f"verdict {entry.verdict_id} ({entry.verdict}) retracted",
            "correction": f"verdict {entry.verdict_id} ({entry.verdict}) corrected by verdict "
            f"{entry.corrected_by}",
            "removal": "claim removed",
            "restoration": "claim restored",
        }[entry.kind]
        lines.append(f"{when}  #{entry.claim_id}  {what}{by}")
        lines += _indented(f"“{textwrap.shorten(entry.claim_text, 80, placeholder='…')}”", "    ")
        if entry.reason:
            lines += _indented(f"reason: {entry.reason}", "    ")
    return "\n".join(lines)


def _line_text(line: Line, as_of: AsOf) -> str:
    counts = line.counts
    parts = [
        plural(line.total, "claim"),
        f"awaiting a check {line.awaiting}",
        f"kept {counts.get('kept', 0)}" + (f" ({line.kept_late} late)" if line.kept_late else ""),
        *(f"{word} {counts.get(word, 0)}" for word in ("broken", "partial")),
        f"next deadline {line.next_deadline.isoformat() if line.next_deadline else 'none'}",
    ]
    left = days_left(line.term_end, as_of)
    if left is not None:
        parts.append(f"{plural(left, 'day')} left in the term")
    return " · ".join(parts)


def scorecard_lines(found: list[Line], as_of: AsOf) -> str:
    """The claimants' index for a terminal: one line each."""
    if not found:
        return "no claimant has a claim yet"
    head = f"Claimants as of {as_of.day.isoformat()}, most awaiting a check first:"
    return "\n".join([head, *(f"  {line.name}: {_line_text(line, as_of)}" for line in found)])


def scorecard_text(card: Scorecard, as_of: AsOf) -> str:
    """One claimant's scorecard for a terminal."""
    actor = card.actor
    lines = [f"{actor.name} — {_line_text(card.line, as_of)}"]
    described = ", ".join(filter(None, (actor.kind, actor.role, actor.affiliation)))
    if described:
        lines.append(f"  {described}")
    if actor.term_start or actor.term_end:
        lines.append(f"  term: {term_text(actor.term_start, actor.term_end)}")
    for status, claims in card.claims.items():
        lines += ["", f"{status} ({len(claims)}):"]
        for claim in claims:
            lines += _indented(f"#{claim.id} “{claim.text}”", "    ")
            lines.append(f"      {deadline_line(deadline_of(claim), as_of.tz, due=False)}")
    lines += ["", "Verdicts, in the order they were checked:"]
    lines += [
        f"  {v.checked_on.isoformat()}  {v.verdict}  #{c.id}: {v.note}" for v, c in card.timeline
    ] or ["  none yet"]
    return "\n".join(lines)
