"""Nothing a claim holds can drive the terminal: every human-readable output shows control
characters written out, and JSON keeps the exact text (its encoder escapes them)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.terminal import safe

RETITLE = "\x1b]0;PWNED\x07"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_what_a_claim_holds_cannot_drive_the_terminal(run, db, tmp_path):
    text = f"Nous partirons {RETITLE} \x9b2J d’ici fin 2027 \u202eevil"
    added = run(
        "add", text, "--by", f"Ministre{RETITLE}", "--due", "fin 2027", "--tag", "x\x1b[31m"
    )
    assert added.code == 0, added.err
    run("verdict", "1", "in_progress", "--note", f"note {RETITLE}")
    passed = run("add", f"Déjà passé {RETITLE}", "--by", "Ministre", "--due", "2025-01-01")
    assert passed.code == 0, passed.err
    config = tmp_path / "c.toml"
    config.write_text('[[channels]]\ntype = "stdout"\n', encoding="utf-8")
    for args in (
        ["show", "1"],
        ["list"],
        ["search", "partirons"],
        ["history", "1"],
        ["report", "--days", "800"],
        ["report", "--days", "800", "--format", "markdown"],
        ["check", "--config", str(config)],  # the stdout channel prints the alert
        ["verdict", "1", "\x1b[2J", "--note", "n"],  # the refusal quotes what was given
        ["parse-deadline", f"bientôt{RETITLE}"],
    ):
        result = run(*args)
        printed = result.out + result.err
        assert not RAW.search(printed), (args, printed)
        assert "\\x1b" in printed or "\\x9b" in printed, args
    shown = run("show", "1", "--json").json()
    assert shown["text"] == text  # JSON: the exact text
    assert shown["claimants"] == [f"Ministre{RETITLE}"]


@settings(max_examples=200)
@given(st.text())
def test_safe_text_holds_no_control_character_and_keeps_the_rest(text):
    shown = safe(text)
    assert not RAW.search(shown)
    if not RAW.search(text):
        assert shown == text
