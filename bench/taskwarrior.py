"""The same synthetic items in Taskwarrior, the to-do manager many trackers start with.

Each claim becomes a task: its text as the description, its deadline as ``due``, its
claimant as the project, its tag as a tag; a claim with a final verdict is a completed task
(ended on the day it was checked), as a to-do list would keep it. Each size gets its own
data folder and rc file, so the user's own Taskwarrior data is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

FINALS = ("kept", "broken", "partial", "true", "false", "misleading", "unverifiable", "withdrawn")


def installed() -> str | None:
    return shutil.which("task")


def _stamp(text: str) -> str:
    """'2025-10-01 00:00:00.000000' or '2025-10-01' as Taskwarrior's 20251001T000000Z."""
    day, _, clock = text.partition(" ")
    return day.replace("-", "") + "T" + (clock[:8].replace(":", "") or "000000") + "Z"


def write_tasks(db: Path, out: Path) -> int:
    """Every claim of the synthetic database as a Taskwarrior import file (a JSON array)."""
    connection = sqlite3.connect(db)
    marks = ", ".join("?" * len(FINALS))
    rows = connection.execute(
        f"""
        SELECT claim.uuid, claim.text, claim.due_at, claim.created_at, actor.name,
               (SELECT tag FROM claim_tag WHERE claim_id = claim.id LIMIT 1),
               (SELECT max(checked_on) FROM verdict
                 WHERE claim_id = claim.id AND verdict IN ({marks}))
        FROM claim
        JOIN claim_actor ON claim_actor.claim_id = claim.id AND claim_actor.position = 0
        JOIN actor ON actor.id = claim_actor.actor_id
        ORDER BY claim.id
        """,
        FINALS,
    )
    tasks: list[dict[str, Any]] = []
    for uuid, text, due_at, created_at, name, tag, ended in rows:
        task: dict[str, Any] = {
            "uuid": uuid,
            "description": text,
            "entry": _stamp(created_at),
            "status": "completed" if ended else "pending",
            "project": name.replace(" ", "_"),
        }
        if due_at:
            task["due"] = _stamp(due_at)
        if tag:
            task["tags"] = [tag]
        if ended:
            task["end"] = _stamp(ended)
        tasks.append(task)
    connection.close()
    out.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return len(tasks)


def environment(folder: Path) -> dict[str, str]:
    """An rc file and data folder of their own; no hooks, no confirmations, no colour."""
    data = folder / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    rc = folder / "taskrc"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\ncolor=off\n"
        "gc=on\nrecurrence=off\n",
        encoding="utf-8",
    )
    return {**os.environ, "TASKRC": str(rc)}
