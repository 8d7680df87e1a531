"""The record as a reader reads it: the history as one line per change in local time, and
statuses in words; the JSON keeps the codes and the full data."""

from __future__ import annotations

import re


def test_the_history_reads_as_prose_and_its_json_keeps_everything(run, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_TZ", "Europe/Paris")
    run(
        "add",
        "Nous partirons",
        "--by",
        "Ministre",
        "--stated",
        "2024-09-27",
        "--due",
        "au plus tard en septembre 2025",
    )
    run("edit", "1", "--text", "Nous partirons bientôt", "--due", "au plus tard en mars 2026")
    out = run("history", "1").out
    lines = [" ".join(entry.split()) for entry in re.split(r"\n(?=\d{4}-)", out.strip())]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T recorded, deadline by 2025-09-30 "
        r"\(“au plus tard en septembre 2025”\) — tester \[created\]",
        lines[0],
    )
    edited = " ".join(lines[1:])
    assert (
        "text changed; deadline changed from by 2025-09-30 (“au plus tard en septembre "
        "2025”) to by 2026-03-31 (“au plus tard en mars 2026”)" in " ".join(edited.split())
    )
    assert "[edited]" in edited
    data = run("history", "1", "--json").json()[1]["data"]
    assert data["changes"]["text"] == {"from": "Nous partirons", "to": "Nous partirons bientôt"}


def test_statuses_read_as_words_with_the_code_in_the_json(run, client):
    run(
        "add",
        "Nous partirons",
        "--by",
        "Ministre",
        "--stated",
        "2024-09-27",
        "--due",
        "au plus tard en septembre 2025",
    )
    page = client.get("/claims/1").text
    assert '<span class="status s-due">awaiting a check</span>' in page
    assert client.get("/api/claims/1").json()["status"] == "due"
    home = client.get("/", params={"status": "due"}).text
    assert "Claims awaiting a check" in home
