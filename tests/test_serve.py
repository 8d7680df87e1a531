"""`claimtrack serve` as a user starts it: the real command in its own process."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.conftest import TOKEN, assert_refused

pytestmark = pytest.mark.sqlite_only


def _start(db: str, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """The server, and its address as it announces it on stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "claimtrack", "serve", "--db", db, "--port", "0", *args],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    line = process.stderr.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
    if not found:
        process.kill()
        raise AssertionError(f"no address announced: {line!r}")
    return process, found.group(1)


def _post(url: str, body: dict, token: str | None) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_serve_answers_until_stopped_and_says_it_is_read_only(db, seeded):
    process, address = _start(db)
    try:
        with urllib.request.urlopen(address + "api/report", timeout=10) as answer:
            assert json.load(answer)["counts"]["due"] >= 1
        with urllib.request.urlopen(address, timeout=10) as answer:
            assert "Awaiting a check" in answer.read().decode()
        assert _post(address + "api/claims", {"text": "x", "claimants": ["y"]}, TOKEN) == 403
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0


def test_serve_with_a_token_takes_writes_that_carry_it(db, run):
    process, address = _start(db, env={"CLAIMTRACK_TOKEN": TOKEN})
    try:
        body = {"text": "We will open the bridge in 2027.", "claimants": ["Mayor"]}
        assert _post(address + "api/claims", body, None) == 401
        assert _post(address + "api/claims", body, TOKEN) == 201
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
    assert run("show", "1", "--json").json()["claimants"] == ["Mayor"]


def test_a_port_in_use_is_one_line_of_error(run, db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert_refused(run("serve", "--port", str(port)), f"cannot listen on 127.0.0.1:{port}")


@pytest.mark.parametrize("token", ["secret", "a token with spaces in it, long enough"])
def test_a_weak_or_spaced_token_is_refused_before_serving(run, monkeypatch, token):
    monkeypatch.setenv("CLAIMTRACK_TOKEN", token)
    assert_refused(run("serve", "--port", "0"), "CLAIMTRACK_TOKEN: a write token needs at least")


def test_an_unknown_host_is_refused(run):
    assert_refused(run("serve", "--host", "no-such-host.invalid"), "--host: 'no-such-host")


def test_an_unreachable_database_is_one_line_and_exit_3(run):
    result = run("serve", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    assert result.code == 3
    assert result.err.startswith("claimtrack: error: cannot open database")
    assert result.err.count("\n") == 1


def test_serve_with_workers_answers_from_several_processes_and_stops_cleanly(db, seeded):
    process, address = _start(db, "--workers", "2")
    try:
        for _ in range(4):
            with urllib.request.urlopen(address + "api/report", timeout=10) as answer:
                assert json.load(answer)["counts"]["due"] >= 1
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        workers = [pid for pid in children if "spawn_main" in _command_line(pid)]
        assert len(workers) == 2, [_command_line(pid) for pid in children]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0


def _command_line(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as found:
            return found.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""
