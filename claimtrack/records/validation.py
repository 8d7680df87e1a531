"""Checks on what a user gives before anything is written: web addresses, language tags,
choices, verdicts for a kind of claim, dates in the right order, tags, duplicates. Each
refusal names the field and the accepted form.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from claimtrack.deadlines.deadline import Deadline
from claimtrack.errors import BadInput
from claimtrack.language import gettext as _
from claimtrack.records import search
from claimtrack.records.models import (
    ALL_VERDICTS,
    FINAL_VERDICTS,
    INTERIM_VERDICTS,
    Actor,
    Claim,
    ClaimActor,
)
from claimtrack.records.moments import Clock
from claimtrack.records.status_sql import live

_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*")


# --- validation -----------------------------------------------------------------------------


def check_url(url: str, field: str) -> str:
    """An http(s) URL with a host; anything else is refused, naming the accepted form."""
    value = url.strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # a malformed IPv6 host, "https://[::1/"
        raise BadInput(field, f"'{url}' is not a web address; use http(s)://host/path") from None
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise BadInput(field, f"'{url}' is not a web address; use http(s)://host/path")
    if "@" in parts.netloc:
        raise BadInput(
            field,
            f"'{url}' holds a user or password (user:pass@host); give the address without them",
        )
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 (a port out of range raises here)
    except ValueError:
        raise BadInput(field, f"'{url}' is not a web address; use http(s)://host/path") from None
    if "." not in host and host != "localhost":
        raise BadInput(field, f"'{url}' has no valid host; use http(s)://host/path")
    return value


def check_choice(value: str, choices: Sequence[str], field: str) -> str:
    if value not in choices:
        said = _("'%(value)s' is not one of %(choices)s")
        raise BadInput(field, said % {"value": value, "choices": ", ".join(choices)})
    return value


def check_language(value: str, field: str = "--lang") -> str:
    if not _LANGUAGE.fullmatch(value):
        raise BadInput(field, f"'{value}' is not a language tag; use BCP 47, e.g. fr, en, pt-BR")
    return value


def clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def check_verdict(verdict: str, claim_kind: str) -> str:
    """Commitments are kept or broken, assertions true or false; interim values fit all."""
    accepted = (*FINAL_VERDICTS[claim_kind], *INTERIM_VERDICTS)
    if verdict not in ALL_VERDICTS:
        raise BadInput("verdict", f"'{verdict}' is not a verdict; use one of {', '.join(accepted)}")
    if verdict not in accepted:
        article = "an" if claim_kind[0] in "aeiou" else "a"
        raise BadInput(
            "verdict",
            f"'{verdict}' does not rate {article} {claim_kind}; use one of {', '.join(accepted)}",
        )
    return verdict


def check_deadline_after_stated(
    kind: str, deadline: Deadline | None, stated_on: date | None, field: str = "--due"
) -> None:
    """A commitment or prediction is about the future of the day it was made: its deadline
    cannot end before that day (an assertion may be about any time)."""
    if kind == "assertion" or deadline is None or stated_on is None:
        return
    if deadline.date < stated_on:
        raise BadInput(
            field,
            f"the deadline “{deadline.text}” ends on {deadline.date.isoformat()}, before the "
            f"{kind} was stated on {stated_on.isoformat()}; give the deadline as said, or "
            "correct --stated",
        )


def check_checked_after_stated(checked_on: date, stated_on: date | None, field: str) -> None:
    """A claim cannot have been checked before it was made."""
    if stated_on is not None and checked_on < stated_on:
        raise BadInput(
            field,
            f"{checked_on.isoformat()} is before the claim was stated on "
            f"{stated_on.isoformat()}; give a check date on or after it",
        )


def normalised(text: str) -> str:
    """A claim's text as compared for duplicates: case, accents, spacing and punctuation
    set aside."""
    return " ".join(re.findall(r"[^\W_]+", search.fold(text)))


def find_duplicate(session: Session, text: str, claimants: Sequence[str]) -> int | None:
    """The id of a claim not removed whose normalised text and claimants are those given.

    The search index narrows the candidates to the claims holding every word of the text,
    and the first claimant narrows them again, so this costs a few index lookups whatever
    the size of the database.
    """
    wanted = normalised(text)
    if not wanted or not claimants:
        return None
    people = {name.casefold() for name in claimants}
    by_first = (
        select(ClaimActor.claim_id)
        .join(Actor, col(Actor.id) == col(ClaimActor.actor_id))
        .where(func.lower(Actor.name) == claimants[0].lower())
    )
    candidates = (
        select(Claim)
        .where(col(Claim.id).in_(search.matching(session, wanted)), live())
        .where(col(Claim.id).in_(by_first))
        .order_by(col(Claim.id))
    )
    for claim in session.exec(candidates):
        if normalised(claim.text) == wanted and {n.casefold() for n in claim.claimants} == people:
            return claim.id
    return None


def check_not_future(day: date | None, clock: Clock, field: str) -> None:
    if day is not None and day > clock.today:
        raise BadInput(field, f"{day.isoformat()} is after today ({clock.today.isoformat()})")


def check_tags(tags: Sequence[str]) -> list[str]:
    cleaned = []
    for tag in tags:
        value = tag.strip().lower()
        if not value or "," in value:
            raise BadInput("--tag", f"'{tag}' is not a tag; use a word such as iraq or us-military")
        cleaned.append(value)
    return list(dict.fromkeys(cleaned))
