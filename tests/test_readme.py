"""The README's tour, run from the README's own text: every ```console block, in order, on a
new database, must print what the README shows, so the two cannot drift apart."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from claimtrack.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
ANY = "..."  # in an expected line: any text; alone on a line: any lines


def sessions(text: str) -> list[tuple[str, list[str]]]:
    """Each ``$ command`` of the README's console blocks (continuation lines joined) with
    the lines it is shown to print."""
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        lines = block.splitlines()
        index = 0
        while index < len(lines):
            line = lines[index]
            assert line.startswith("$ "), f"a console block starts with a command: {line!r}"
            command = line[2:]
            while command.endswith("\\"):
                index += 1
                command = command[:-1] + lines[index].strip()
            index += 1
            shown = []
            while index < len(lines) and not lines[index].startswith("$ "):
                shown.append(lines[index])
                index += 1
            found.append((command, shown))
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is what ``expected`` shows, ``...`` standing for what varies."""
    pattern = "".join(
        "(?:.*\n)*?" if line == ANY else ".*".join(map(re.escape, line.split(ANY))) + "\n"
        for line in expected
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


def test_the_console_blocks_are_found():
    found = sessions(README.read_text(encoding="utf-8"))
    assert len(found) >= 25
    assert {command.split()[1] for command, _ in found} >= {
        "add",
        "verdict",
        "retract",
        "remove",
        "restore",
        "corrections",
        "check",
    }


def test_the_wildcard_stands_for_what_varies_and_nothing_else():
    assert matches(["a ... c"], ["a bb c"])
    assert matches(["x", ANY, "z"], ["x", "1", "2", "z"])
    assert matches(["x", ANY, "z"], ["x", "z"])
    assert not matches(["a ... c"], ["a bb d"])
    assert not matches(["x", "z"], ["x", "y", "z"])


@pytest.mark.sqlite_only
def test_every_command_of_the_tour_prints_what_the_readme_shows(db, backend, capsys, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_USER", "desk")  # the reviewer the README shows
    for command, shown in sessions(README.read_text(encoding="utf-8")):
        words = shlex.split(command)
        given = {}  # NAME=value before the command, as a shell reads it
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            name, _, value = words.pop(0).partition("=")
            given[name] = value
        assert words[0] == "claimtrack", command
        capsys.readouterr()
        with monkeypatch.context() as scoped:
            for name, value in given.items():
                scoped.setenv(name, value)
            main(words[1:])
        captured = capsys.readouterr()
        printed = (captured.out + captured.err).splitlines()
        assert matches(shown, printed), (
            f"$ {command}\nshown:\n" + "\n".join(shown) + "\nprinted:\n" + "\n".join(printed)
        )
