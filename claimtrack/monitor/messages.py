"""What the monitor sends: one report per channel and pass with every alert it has not yet
accepted (as text, Markdown and JSON), and the periodic digest (the deadline report,
headed by the channels that keep failing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from html import escape
from typing import Any

from claimtrack import language
from claimtrack.config import Publishing
from claimtrack.deadlines.deadline import days_left, days_overdue
from claimtrack.language import day, ngettext
from claimtrack.language import gettext as _
from claimtrack.monitor.channels import Message
from claimtrack.monitor.health import Failing
from claimtrack.records.claims import deadline_of
from claimtrack.records.models import Alert, Claim
from claimtrack.records.moments import AsOf
from claimtrack.records.shapes import claim_json
from claimtrack.reports.deadline_report import (
    WRAP,
    Report,
    claim_block,
    claim_deadline,
    md,
    render_markdown,
    render_text,
    to_json,
    who,
)
from claimtrack.reports.prose import (
    alert_words,
    left_words,
    moment_text,
    overdue_words,
    status_words,
)

DUE_KINDS = ("due", "repeat")  # a deadline passed: a first flag, or a repeat of it


@dataclass
class AlertItem:
    """An alert to deliver, with its claim and the claim's status at delivery."""

    alert: Alert
    claim: Claim
    status: str


def _alert_days(item: AlertItem, as_of: AsOf) -> tuple[str, int]:
    """Days overdue for ``due``, days left for a reminder: calendar days in the zone."""
    deadline = deadline_of(item.claim)
    due_day = item.alert.due_at.astimezone(as_of.tz).date()  # the day after the last
    last_day = deadline.date if deadline else due_day - timedelta(days=1)
    if item.alert.kind in DUE_KINDS:
        return "overdue_days", days_overdue(last_day, as_of.day)
    return "days_left", days_left(last_day, as_of.day)


def _alert_headline(item: AlertItem, as_of: AsOf) -> str:
    key, n = _alert_days(item, as_of)
    headline = overdue_words(n) if key == "overdue_days" else left_words(n)
    if item.alert.kind == "repeat":
        headline += f" ({alert_words('repeat', item.alert.days_before)})"
    if item.alert.reopening:  # flagged again: the verdict that settled it was retracted
        headline += " (" + _("again: its verdict was retracted") + ")"
    if item.status not in ("due", "pending"):  # it changed since the alert was raised
        headline += " (" + _("now %(status)s") % {"status": status_words(item.status)} + ")"
    return headline


def ordered(items: Sequence[AlertItem], as_of: AsOf) -> list[AlertItem]:
    """Passed deadlines first, most overdue first; then reminders, the nearest first."""

    def key(item: AlertItem) -> tuple[bool, int, int]:
        days = _alert_days(item, as_of)[1]
        due = item.alert.kind in DUE_KINDS
        return (not due, -days if due else days, item.alert.id or 0)

    return sorted(items, key=key)


def alerts_subject(items: list[AlertItem], as_of: AsOf | None = None) -> str:
    """ "claimtrack: 2 deadlines passed, 1 reminder — most overdue #1 (420 days)"."""
    due = [item for item in items if item.alert.kind in DUE_KINDS]
    reminders = len(items) - len(due)
    parts = []
    if due:
        n = len(due)
        parts.append(
            ngettext("%(num)d deadline passed", "%(num)d deadlines passed", n) % {"num": n}
        )
    if reminders:
        parts.append(
            ngettext("%(num)d reminder", "%(num)d reminders", reminders) % {"num": reminders}
        )
    subject = "claimtrack: " + ", ".join(parts)
    if due and as_of is not None:
        first = ordered(due, as_of)[0]
        days = _alert_days(first, as_of)[1]
        which = _("most overdue #%(id)s") if len(due) > 1 else "#%(id)s"
        subject += f" — {which % {'id': first.claim.id}}, {overdue_words(days)}"
    return subject


def _facts(item: AlertItem) -> list[str]:
    """What one needs to check the claim: the translation, when it was said, the source and
    its quote, and the criteria; one string each (the text wraps them, HTML does not)."""
    claim = item.claim
    facts = []
    if claim.translation:
        facts.append(_("translation: %(text)s") % {"text": claim.translation})
    if claim.stated_on:
        facts.append(_("said on %(day)s") % {"day": day(claim.stated_on)})
    for link in (s for s in claim.source_links if s.verdict_id is None):
        source = link.source
        where = " — ".join(filter(None, (source.title, source.publisher, source.url)))
        quoted = f" « {link.quote} »" if link.quote else ""
        facts.append(_("source: %(source)s") % {"source": where} + quoted)
    if claim.criteria:
        facts.append(_("how it is checked: %(criteria)s") % {"criteria": claim.criteria})
    return facts


def _details(item: AlertItem, publishing: Publishing | None) -> list[str]:
    """The facts as the text report's indented lines, then the claim's page."""
    lines = [line for fact in _facts(item) for line in WRAP.wrap(fact)]
    page = publishing.link(item.claim.id, item.claim.uuid) if publishing else None
    if page:
        lines.append(f"      {page}")
    return lines


def alerts_json(
    items: list[AlertItem], as_of: AsOf, publishing: Publishing | None = None
) -> dict[str, Any]:
    alerts = []
    for item in ordered(items, as_of):
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
                "page": publishing.link(item.claim.id, item.claim.uuid) if publishing else None,
                "claim": claim_json(item.claim, item.status, as_of.tz, as_of),
            }
        )
    return {"report": "alerts", "as_of": as_of.moment.isoformat(), "alerts": alerts}


def alerts_text(items: list[AlertItem], as_of: AsOf, publishing: Publishing | None = None) -> str:
    when = moment_text(as_of.moment, as_of.tz)
    lines = [
        _("%(subject)s — as of %(moment)s")
        % {"subject": alerts_subject(items, as_of), "moment": when}
    ]
    items = ordered(items, as_of)
    due = [item for item in items if item.alert.kind in DUE_KINDS]
    coming = [item for item in items if item.alert.kind == "reminder"]
    if due:
        lines += ["", _("Deadline passed — awaiting a check (%(n)s):") % {"n": len(due)}]
        for item in due:
            block = claim_block(item.claim, _alert_headline(item, as_of))
            lines += [*block, *_details(item, publishing), ""]
    if coming:
        lines += ["", _("Deadline coming (%(n)s):") % {"n": len(coming)}]
        for item in coming:
            block = claim_block(item.claim, _alert_headline(item, as_of))
            lines += [*block, *_details(item, publishing), ""]
    ids = ", ".join(str(item.alert.id) for item in items)
    lines.append(_("alerts %(ids)s") % {"ids": ids})
    return "\n".join(lines)


def alerts_markdown(items: list[AlertItem], as_of: AsOf) -> str:
    items = ordered(items, as_of)
    lines = [f"# {md(alerts_subject(items, as_of))}", ""]
    lines += [_("As of %(moment)s.") % {"moment": moment_text(as_of.moment, as_of.tz)}, ""]
    lines += [_("| alert | # | when | claimants | claim | deadline |"), "|---|---|---|---|---|---|"]
    lines += [
        f"| {item.alert.id} | {item.claim.id} | {_alert_headline(item, as_of)} | "
        f"{md(who(item.claim))} | {md(item.claim.text)} | {md(claim_deadline(item.claim))} |"
        for item in items
    ]
    return "\n".join(lines)


def alerts_html(items: list[AlertItem], as_of: AsOf, publishing: Publishing | None) -> str:
    """The report as an HTML email's part, every value escaped."""
    rows = []
    for item in ordered(items, as_of):
        claim, page = (
            item.claim,
            publishing.link(item.claim.id, item.claim.uuid) if publishing else None,
        )
        number = f'<a href="{escape(page)}">#{claim.id}</a>' if page else f"#{claim.id}"
        details = "".join(f"<br>{escape(fact)}" for fact in _facts(item))
        rows.append(
            f"<li><b>{number}</b> {escape(_alert_headline(item, as_of))} · "
            f"{escape(who(claim))}<br>“{escape(claim.text)}”<br>"
            f"{escape(claim_deadline(claim))}{details}</li>"
        )
    head = escape(alerts_subject(items, as_of))
    when = escape(_("As of %(moment)s.") % {"moment": moment_text(as_of.moment, as_of.tz)})
    lang = escape(language.current())
    return (
        f'<html lang="{lang}"><body><h1>{head}</h1><p>{when}</p>'
        f"<ol>{''.join(rows)}</ol></body></html>"
    )


def alerts_message(
    items: list[AlertItem], as_of: AsOf, publishing: Publishing | None = None
) -> Message:
    """One report for one channel in one pass: every alert it has not yet accepted."""
    return Message(
        subject=alerts_subject(items, as_of),
        text=alerts_text(items, as_of, publishing),
        markdown=alerts_markdown(items, as_of),
        data=alerts_json(items, as_of, publishing),
        alert_ids=tuple(item.alert.id for item in items if item.alert.id is not None),
        html=alerts_html(items, as_of, publishing),
    )


def repeats_message(
    items: list[AlertItem], as_of: AsOf, publishing: Publishing | None = None
) -> Message:
    """The repeats a digest carries: one line a claim, its latest repeat (a daily repeat in a
    weekly digest is news once), though every repeat it stands for is delivered with it."""
    latest: dict[int, AlertItem] = {}
    for item in items:
        held = latest.get(item.alert.claim_id)
        if held is None or item.alert.days_before < held.alert.days_before:
            latest[item.alert.claim_id] = item
    shown = alerts_message(list(latest.values()), as_of, publishing)
    every = tuple(sorted(item.alert.id for item in items if item.alert.id is not None))
    return replace(shown, alert_ids=every)


def digest_message(
    report: Report, failing: Sequence[Failing] = (), repeats: Message | None = None
) -> Message:
    """The periodic digest: the report as the CLI prints it, for every channel, headed by
    the channels that have been failing for long (alerts are waiting on them) and, when
    digests are on, the repeats that came due since the last one (``repeats``, that
    channel's alerts message: the digest carries them instead of a message each)."""
    warnings = [
        _("Channel %(channel)s has refused every delivery since %(since)s: %(error)s")
        % {"channel": f.channel, "since": f.since.isoformat(), "error": f.error}
        for f in failing
    ]
    head = [*warnings, ""] if warnings else []
    n = len(report.due)
    subject = ngettext(
        "claimtrack digest: %(num)d claim awaiting a check",
        "claimtrack digest: %(num)d claims awaiting a check",
        n,
    ) % {"num": n}
    markdown_head = [*(f"**{w}**" for w in warnings), *([""] if warnings else [])]
    first: list[str] = []  # the repeats, above the report
    first_markdown: list[str] = []
    if repeats is not None:
        repeated = len(repeats.data["alerts"])
        subject += ", " + _("%(n)s still unchecked after a repeat") % {"n": repeated}
        first, first_markdown = [repeats.text, ""], [repeats.markdown, ""]
    text = [*head, *first, render_text(report)]
    markdown = [*markdown_head, *first_markdown, render_markdown(report)]
    return Message(
        subject=subject,
        text="\n".join(text),
        markdown="\n".join(markdown),
        data={
            "report": "digest",
            **to_json(report),
            "failing_channels": [
                {"channel": f.channel, "since": f.since.isoformat(), "error": f.error}
                for f in failing
            ],
            "repeats": repeats.data["alerts"] if repeats is not None else [],
        },
        alert_ids=repeats.alert_ids if repeats is not None else (),
    )
