"""Channels that keep failing: when each began refusing, so that the digest can warn that
alerts are waiting on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from claimtrack.config import Config
from claimtrack.records.models import (
    MonitorState,
)


def health_key(name: str) -> str:
    return f"channel:{name}"


@dataclass(frozen=True)
class Failing:
    channel: str
    since: datetime
    error: str


def failing_channels(session: Session, now: datetime, config: Config) -> list[Failing]:
    """The channels that have refused every delivery for longer than ``alarm_after``."""
    found = []
    prefix = health_key("")
    rows = session.exec(select(MonitorState).where(col(MonitorState.name).startswith(prefix)))
    for state in rows:
        since = datetime.fromisoformat(state.value["since"])
        if now - since >= timedelta(seconds=config.alarm_after):
            found.append(Failing(state.name.removeprefix(prefix), since, state.value["error"]))
    return sorted(found, key=lambda failing: failing.channel)
