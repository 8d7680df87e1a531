"""The CLI as a fact-checker uses it, on the seed's story (README's tour)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ARTICLE_QUOTE, IRAQ, dump


def test_add_echoes_how_the_french_deadline_was_read(run):
    result = run(
        "add",
        IRAQ,
        "--by",
        "Government of the United States",
        "--lang",
        "fr",
        "--stated",
        "2024-09-27",
        "--due",
        "au plus tard en septembre 2025",
    )
    assert result.code == 0, result.err
    assert "added claim #1" in result.out
    assert "by 2025-09-30 (month)" in result.out
    assert "due 2025-10-01T00:00:00+00:00" in result.out


def test_add_json_is_the_claim_shape_with_claimants_sources_and_quote(seeded):
    iraq, _, _ = seeded
    assert iraq["id"] == 1
    assert iraq["claimants"] == ["Government of the United States", "Government of Iraq"]
    assert iraq["language"] == "fr"
    assert iraq["deadline"] == {
        "text": "au plus tard en septembre 2025",
        "kind": "by",
        "date": "2025-09-30",
        "precision": "month",
        "due_at": "2025-10-01T00:00:00+00:00",
        "read_by": "reader",
    }
    assert iraq["sources"][0]["url"] == "https://www.state.gov/joint-statement"
    assert iraq["sources"][0]["quote"] == ARTICLE_QUOTE
    assert iraq["sources"][0]["role"] == "origin"
    assert iraq["tags"] == ["coalition", "iraq"]
    assert iraq["status"] == "due"  # September 2025 is past
    assert len(iraq["uuid"]) == 36


def test_parse_deadline_json_prints_exactly_the_deadline_shape(run):
    result = run(
        "parse-deadline", "au cours des douze prochains mois", "--stated", "2024-09-27", "--json"
    )
    assert result.code == 0
    assert result.json() == {
        "text": "au cours des douze prochains mois",
        "kind": "by",
        "date": "2025-09-27",
        "precision": "day",
        "due_at": "2025-09-28T00:00:00+00:00",
        "read_by": "reader",
    }


def test_parse_deadline_reads_in_the_trackers_time_zone(run, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_TZ", "Europe/Paris")
    result = run("parse-deadline", "by September 2025", "--json")
    assert result.json()["due_at"] == "2025-09-30T22:00:00+00:00"


@pytest.mark.sqlite_only
def test_parse_deadline_stores_nothing(run, db_path):
    run("parse-deadline", "fin 2025")
    assert not db_path.exists()


def test_show_has_everything_attached(run, seeded):
    result = run("show", "1")
    assert result.code == 0
    for expected in (
        IRAQ[:40],
        "Government of Iraq",
        "au plus tard en septembre 2025",
        ARTICLE_QUOTE[:40],
        "coalition",
        "Kept if",
    ):
        assert expected in result.out


def test_status_of_several_claims_as_of_past_and_future_dates(run, seeded):
    before = run("status", "1", "2", "3", "--as-of", "2025-09-30", "--json").json()
    assert [(s["id"], s["status"]) for s in before] == [
        (1, "pending"),
        (2, "pending"),
        (3, "unrated"),
    ]
    after = run("status", "1", "2", "--as-of", "2025-10-01", "--json").json()
    assert [s["status"] for s in after] == ["due", "pending"]
    later = run("status", "1", "2", "--as-of", "2026-10-01").out
    assert "#1  due" in later
    assert "#2  due" in later
    assert before[0]["as_of"] == "2025-09-30T23:59:59.999999+00:00"


def test_verdicts_are_kept_in_history_and_the_latest_counts(run, seeded):
    first = run(
        "verdict", "1", "in_progress", "--note", "Drawdown announced", "--checked-on", "2025-06-01"
    )
    assert first.code == 0, first.err
    final = run(
        "verdict",
        "1",
        "partial",
        "--note",
        "Mission ended in federal Iraq, not in Kurdistan",
        "--checked-on",
        "2025-10-15",
        "--source",
        "https://example.org/evidence",
        "--quote",
        "ended",
    )
    assert final.code == 0, final.err
    statuses = {
        day: run("status", "1", "--as-of", day, "--json").json()[0]["status"]
        for day in ("2025-05-01", "2025-07-01", "2025-10-02", "2025-10-15")
    }
    assert statuses == {
        "2025-05-01": "pending",
        "2025-07-01": "in_progress",
        "2025-10-02": "due",
        "2025-10-15": "partial",
    }
    claim = run("show", "1", "--json").json()
    assert [v["verdict"] for v in claim["verdicts"]] == ["in_progress", "partial"]
    assert claim["verdicts"][1]["evidence"][0]["url"] == "https://example.org/evidence"
    assert claim["verdicts"][1]["evidence"][0]["quote"] == "ended"


def test_list_filters_by_status_claimant_tag_and_deadline(run, seeded):
    def ids(*args):
        result = run("list", "--as-of", "2025-11-01", "--json", *args)
        assert result.code == 0, result.err
        return [claim["id"] for claim in result.json()]

    assert ids() == [1, 2, 3]  # soonest deadline first, no deadline last
    assert ids("--status", "due") == [1]
    assert ids("--status", "pending") == [2]
    assert ids("--status", "unrated") == [3]
    assert ids("--by", "singh") == [3]
    assert ids("--tag", "iraq") == [1, 3]
    assert ids("--due-before", "2026-01-01") == [1]
    assert ids("--limit", "1", "--offset", "1") == [2]
    assert run("add", "Undated", "--by", "X").code == 0  # 4
    assert run("add", "Dated", "--by", "X", "--due", "2030-01-01").code == 0  # 5
    everything = ids()
    assert everything == [1, 2, 5, 3, 4]
    for size in (1, 2, 3):  # pages, across the dated claims and into the undated ones
        for start in range(7):
            assert ids("--limit", str(size), "--offset", str(start)) == everything[start:][:size]


def test_search_finds_words_without_accents_and_in_quotes(run, seeded):
    assert sorted(c["id"] for c in run("search", "etats unis", "--json").json()) == [1, 3]
    assert [c["id"] for c in run("search", "élimination", "--json").json()] == [1]  # in the quote
    assert [c["id"] for c in run("search", "Syrie", "--json").json()] == [2]
    run(
        "verdict", "2", "kept", "--note", "Troops remained at al-Tanf", "--checked-on", "2026-10-02"
    )
    assert [c["id"] for c in run("search", "tanf", "--json").json()] == [2]
    assert run("search", "withdrawal").out.strip() == "no claims match"


def test_history_shows_every_change(run, seeded):
    run(
        "source",
        "1",
        "https://example.org/article",
        "--quote",
        "au plus tard",
        "--published",
        "2024-09-28",
    )
    run("edit", "1", "--due", "within twelve months", "--untag", "coalition")
    run("verdict", "1", "kept", "--note", "Mission ended", "--checked-on", "2025-09-30")
    events = run("history", "1", "--json").json()
    assert [e["kind"] for e in events] == ["created", "source_added", "edited", "verdict"]
    assert all(e["actor"] == "tester" for e in events)
    edited = events[2]["data"]["changes"]
    assert edited["deadline"]["from"]["date"] == "2025-09-30"
    assert edited["deadline"]["to"]["date"] == "2025-09-27"
    assert edited["tags"] == {"from": ["coalition", "iraq"], "to": ["iraq"]}
    assert "source_added" in run("history", "1").out


def test_edit_moves_the_due_moment_and_no_deadline_makes_it_unrated(run, seeded):
    moved = run("edit", "2", "--due", "fin 2026", "--json").json()
    assert moved["deadline"]["date"] == "2026-12-31"
    cleared = run("edit", "2", "--no-deadline", "--json").json()
    assert cleared["deadline"] is None
    assert cleared["status"] == "unrated"


def test_report_json_lists_due_claims_with_days_overdue_and_counts(run, seeded):
    report = run("report", "--as-of", "2026-09-15", "--days", "30", "--json").json()
    assert report["as_of"].startswith("2026-09-15T23:59:59")
    assert [(c["id"], c["overdue_days"]) for c in report["due"]] == [(1, 349)]
    assert [(c["id"], c["days_left"]) for c in report["upcoming"]] == [(2, 16)]
    assert report["counts"] == {"pending": 1, "due": 1, "unrated": 1}
    markdown = run("report", "--as-of", "2026-09-15", "--format", "markdown").out
    assert "# Deadline report as of 2026-09-15" in markdown
    assert "| 1 | 349 days |" in markdown


def test_report_lists_are_cut_at_the_limit_with_their_totals(run, seeded):
    for month in range(1, 6):  # five more claims past their deadline, two more coming
        assert run("add", f"Promise {month}", "--by", "X", "--due", f"2025-0{month}-01").code == 0
    for day in ("2026-09-20", "2026-09-25"):
        assert run("add", f"Soon {day}", "--by", "X", "--due", day).code == 0
    as_of = ("--as-of", "2026-09-15", "--days", "30")
    report = run("report", *as_of, "--limit", "2", "--json").json()
    assert [c["id"] for c in report["due"]] == [4, 5]  # longest overdue first
    assert [c["id"] for c in report["upcoming"]] == [9, 10]  # soonest first
    assert report["totals"] == {"due": 6, "upcoming": 3, "recent_verdicts": 0, "moved": 0}
    assert report["limit"] == 2
    assert report["counts"]["due"] == 6
    text = run("report", *as_of, "--limit", "2").out
    assert "Awaiting a check — deadline passed, no verdict (6):" in text
    assert "… and 4 more (claimtrack list --status due, or report --limit 0)" in text
    assert "Deadlines in the next 30 days (3):" in text
    assert "… and 1 more" in text
    markdown = run("report", *as_of, "--limit", "2", "--format", "markdown").out
    assert "\n| 5 |" in markdown  # the row of claim 5 (the first column is the claim)
    assert "\n| 6 |" not in markdown
    assert "\n\n… and 4 more" in markdown  # below the table, not a row of it
    everything = run("report", *as_of, "--limit", "0", "--json").json()
    assert [c["id"] for c in everything["due"]] == [4, 5, 6, 7, 8, 1]
    assert everything["limit"] is None
    assert "more" not in run("report", *as_of, "--limit", "0").out


def test_report_and_demo_limit_by_default_as_the_library_and_the_api_do(run, seeded):
    """The CLI repeats deadline_report.LIMIT as a literal so that --help loads no SQLAlchemy."""
    from claimtrack.cli import cli
    from claimtrack.reports import deadline_report

    for name in ("report", "demo"):
        limit = next(p for p in cli.commands[name].params if p.name == "limit")
        assert limit.default == deadline_report.LIMIT, name
    assert run("report", "--json").json()["limit"] == deadline_report.LIMIT


def test_actor_command_describes_a_claimant(run, seeded):
    result = run("actor", "Sabrina Singh", "--kind", "person", "--role", "Pentagon spokesperson")
    assert result.code == 0
    assert "Pentagon spokesperson" in result.out


def test_init_is_idempotent_and_keeps_data(run, seeded, db):
    before = dump(db)
    assert run("init").code == 0
    first = dump(db)
    # The first init notes the time zone the due moments are planned in (monitor
    # bookkeeping); every claim, verdict and history entry is as it was.
    assert first.pop("monitor_state") == [("timezone", "UTC")]
    assert first == {name: rows for name, rows in before.items() if name != "monitor_state"}
    assert run("init").code == 0
    assert dump(db) == first | {"monitor_state": [("timezone", "UTC")]}


BAD_INPUT = [
    (
        ["add", "x", "--by", "a", "--source", "https://user:pass@example.org/a"],
        "holds a user or password (user:pass@host)",
    ),
    (["verdict", "1", "kept", "--note", "n", "--source", "https://u@ex.org/"], "holds a user"),
    (["source", "1", "https://[::1/"], "is not a web address"),
    (["source", "1", "https://example.org:99999/"], "is not a web address"),
    (["show", "42"], "no claim with id 42; list them with: claimtrack list"),
    (["status", "1", "42"], "no claim with id 42"),
    (["verdict", "42", "kept", "--note", "x"], "no claim with id 42"),
    (
        ["add", "x", "--by", "a", "--stated", "2024-13-45"],
        "--stated: '2024-13-45' is not a real date; use YYYY-MM-DD",
    ),
    (["add", "x", "--by", "a", "--due", "soon"], "deadline: cannot read 'soon'"),
    (["add", "x", "--by", "a", "--due", "bientôt"], "accepted forms include"),
    (
        ["add", "x", "--by", "a", "--kind", "promise"],
        "--kind: 'promise' is not one of commitment, prediction, assertion",
    ),
    (["add", "   ", "--by", "a"], "empty claim text"),
    (["add", "x", "--by", "a", "--source", "htp:/nowhere"], "is not a web address; use http(s)://"),
    (["add", "x", "--by", "a", "--lang", "french!"], "not a language tag"),
    (["verdict", "1", "maybe", "--note", "x"], "'maybe' is not a verdict"),
    (["verdict", "3", "kept", "--note", "x"], "does not rate an assertion; use one of true, false"),
    (["verdict", "1", "kept", "--note", "x", "--checked-on", "2999-01-01"], "is after today"),
    (["source", "1", "not a url"], "not a web address"),
    (["list", "--status", "lost"], "'lost' is not one of"),
    (["list", "--as-of", "tomorrow"], "--as-of: 'tomorrow' is not a date"),
    (["search", "!!!"], "no word to search for"),
    (["add", "x"], "Missing option '--by'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_gets_one_line_exit_2_and_writes_nothing(run, seeded, db, args, message):
    before = dump(db)
    result = run(*args)
    assert result.code == 2
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert result.out == ""
    assert dump(db) == before


@pytest.mark.sqlite_only
def test_database_in_a_missing_folder_is_refused_and_nothing_is_created(run, tmp_path):
    result = run("list", "--db", str(tmp_path / "nowhere" / "claims.db"))
    assert result.code == 2
    assert "does not exist" in result.err
    assert len(result.err.splitlines()) == 1
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.sqlite_only
def test_database_under_a_file_is_refused(run, tmp_path):
    (tmp_path / "file").write_text("x")
    result = run("list", "--db", str(tmp_path / "file" / "claims.db"))
    assert result.code == 2
    assert "is not a folder" in result.err


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_gets_exit_3(run, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not a database, it is a shopping list\n" * 100)
    result = run("list", "--db", str(path))
    assert result.code == 3
    assert "cannot open database" in result.err
    assert len(result.err.splitlines()) == 1
    assert path.read_text().startswith("this is not a database")


@pytest.mark.sqlite_only
def test_refused_first_command_leaves_no_database_file(run, db_path):
    result = run("add", "x", "--by", "a", "--due", "soon")
    assert result.code == 2
    assert not db_path.exists()


def test_demo_reports_both_seed_deadlines_as_awaiting_a_check(run):
    result = run("demo", "--as-of", "2026-11-24")
    assert result.code == 0, result.err
    awaiting = result.out.split("Awaiting a check")[1].split("Deadlines in the next")[0]
    assert "by 2025-09-30 (month) — “au plus tard en septembre 2025”" in awaiting
    assert "until 2026-09-30 (month) — “au moins jusqu’en septembre 2026”" in awaiting
    assert "419 days overdue" in awaiting
    assert "54 days overdue" in awaiting
    assert "Claims by status: awaiting a check 3, no deadline 3, false 1" in result.out


def test_demo_as_of_october_2025_shows_iraq_due_and_syria_still_pending(run):
    report = run("demo", "--as-of", "2025-10-15", "--json").json()
    due = {c["deadline"]["date"] for c in report["due"]}
    assert "2025-09-30" in due
    assert "2026-09-30" not in due
    assert report["counts"]["pending"] == 1


@pytest.mark.sqlite_only
def test_database_in_a_folder_that_is_not_writable_is_refused(run, tmp_path, monkeypatch):
    import claimtrack.records.store

    real_access = claimtrack.records.store.os.access
    folder = tmp_path / "read-only"
    folder.mkdir()

    def access(path, mode):  # the suite may run as root, for whom every folder is writable
        return False if str(path) == str(folder) else real_access(path, mode)

    monkeypatch.setattr(claimtrack.records.store.os, "access", access)
    result = run("add", "x", "--by", "a", "--db", str(folder / "claims.db"))
    assert result.code == 2
    assert "is not writable" in result.err
    assert list(folder.iterdir()) == []


def _in_a_read_only_folder(folder, *commands: str) -> list[subprocess.CompletedProcess]:
    """Run claimtrack commands with ``folder`` mounted read-only, in a mount namespace of
    their own: the suite may run as root, whom file modes do not stop."""
    script = f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && " + (
        " ; ".join(f'{sys.executable} -m claimtrack {c}; echo "rc=$?"' for c in commands)
    )
    done = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True
    )
    if "rc=" not in done.stdout:
        pytest.skip(f"cannot mount a folder read-only here: {done.stderr.strip()}")
    return done


@pytest.mark.sqlite_only
def test_a_database_in_a_read_only_folder_serves_reads_and_refuses_writes(run, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / "claims.db"
    added = run(
        "add",
        "Nous partirons.",
        "--by",
        "Ministre",
        "--due",
        "fin 2025",
        "--stated",
        "2024-09-27",
        "--db",
        str(path),
    )
    assert added.code == 0, added.err
    before = sorted(p.name for p in folder.iterdir())
    done = _in_a_read_only_folder(
        folder,
        f"list --db {path}",
        f"show 1 --db {path}",
        f"report --as-of 2026-01-01 --db {path}",
        f"add Encore --by Ministre --db {path}",
    )
    outputs = done.stdout.split("rc=")
    assert [part.split("\n", 1)[0] for part in outputs[1:]] == ["0", "0", "0", "2"], done.stderr
    assert "Nous partirons." in outputs[0]  # list
    assert "Awaiting a check" in outputs[2]  # report
    assert done.stderr.strip() == (
        f"claimtrack: error: --db: folder {folder} is not writable; this command writes "
        "(reading commands still work)"
    )
    assert sorted(p.name for p in folder.iterdir()) == before
