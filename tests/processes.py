"""Helpers for tests that run claimtrack in child processes and watch what they log."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from datetime import UTC
from pathlib import Path
from typing import Any

from claimtrack.formats import examples
from claimtrack.records import moments, store
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parent.parent


class Lines:
    """A child's stderr, read line by line in a thread, so a test can wait for a line."""

    def __init__(self, stream: Any) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            self._queue.put(line)

    def wait_for(self, needle: str, timeout: float = 60) -> str:
        while True:
            line = self._queue.get(timeout=timeout)
            self.seen.append(line)
            if needle in line:
                return line


def seed_database(db: str) -> None:
    """The seed's claims, loaded as `claimtrack demo` loads them."""
    opened = store.open_database(db)
    try:
        with opened.write() as session:
            examples.load(session, examples.seed_path(), moments.Clock(NOW, UTC, "tester"))
    finally:
        opened.dispose()


def write_config(path: Path, *parts: str) -> Path:
    """A configuration file for a child process, from TOML fragments."""
    path.write_text("".join(parts), encoding="utf-8")
    return path


def file_channel(path: Path) -> str:
    """The TOML of a file channel writing one JSON report per line to ``path``."""
    return f'[[channels]]\ntype = "file"\npath = "{path}"\nformat = "json"\n'


def reports_in(path: Path) -> list[dict[str, Any]]:
    """The JSON reports a file channel wrote, in order. A last line without its newline is
    a report torn by a kill, never accepted (its alerts stay in the outbox), which the channel
    cuts off at its next write (channels._drop_torn_tail); every complete line must parse."""
    text = path.read_text(encoding="utf-8")
    complete = text[: text.rfind("\n") + 1]
    return [json.loads(line) for line in complete.splitlines()]


def env_for(db: str, config: Path) -> dict[str, str]:
    """The environment of a claimtrack process on the test's database and configuration."""
    return {**os.environ, "CLAIMTRACK_DB": db, "CLAIMTRACK_CONFIG": str(config)}


def start(command: list[str], db: str, config: Path) -> subprocess.Popen[str]:
    """A claimtrack process on the test's database and configuration, its output piped."""
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env_for(db, config),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
