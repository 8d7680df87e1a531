"""Correcting the record: retractions, corrections, removals, the corrections log, and the
guards on what may be recorded. Each runs on SQLite and PostgreSQL through the CLI, as a
desk would."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from claimtrack.records.models import Alert
from tests.conftest import IRAQ, JOINT_STATEMENT, assert_refused, dump
from tests.processes import file_channel, reports_in, write_config

CHECKED = "2025-10-15"  # before today: the tests' verdicts can be dated then
BEFORE_RETRACTION = "2025-11-01"  # between the verdict's check and its retraction (today)


PUBLISHING = (
    '[publishing]\nname = "Le Desk"\nurl = "https://desk.example"\n'
    'claim_url = "https://desk.example/claims/{id}"\n'
)


def verdict_ids(run, claim_id: int) -> list[int]:
    return [v["id"] for v in run("show", str(claim_id), "--json").json()["verdicts"]]


def due_flags(database, claim_id: int) -> list[tuple[str, int]]:
    with database.read() as session:
        alerts = session.exec(select(Alert).where(Alert.claim_id == claim_id)).all()
        return sorted((a.kind, a.reopening) for a in alerts)


def test_a_retracted_only_final_verdict_makes_the_claim_due_and_flagged_once_more(
    run, seeded, database, tmp_path
):
    iraq = seeded[0]["id"]
    config = write_config(tmp_path / "c.toml", file_channel(tmp_path / "out.jsonl"))
    assert run("check", "--config", str(config)).code == 0  # flagged: deadline passed
    assert due_flags(database, iraq) == [("due", 0)]
    run("verdict", str(iraq), "kept", "--note", "Mission ended.", "--checked-on", CHECKED)
    assert run("status", str(iraq)).out.split() == ["#1", "kept"]
    (wrong,) = verdict_ids(run, iraq)

    retracted = run("retract", str(iraq), str(wrong), "--reason", "It had not ended.")
    assert retracted.code == 0, retracted.err
    assert retracted.out == f"claim #{iraq}: verdict {wrong} retracted → due\n"
    assert run("status", str(iraq)).out.split() == ["#1", "due"]
    # before the retraction the record said kept, and --as-of shows it as it stood then
    then = run("show", str(iraq), "--json", "--as-of", BEFORE_RETRACTION).json()
    assert then["status"] == "kept"
    assert then["verdicts"][0]["retracted"] is None
    now = run("show", str(iraq), "--json").json()
    assert now["verdicts"][0]["retracted"]["reason"] == "It had not ended."
    assert "RETRACTED on" in run("show", str(iraq)).out

    first = run("check", "--config", str(config), "--json")
    assert first.code == 0, first.err
    assert [(f["claim_id"], f["kind"], f["reopening"]) for f in first.json()["flagged"]] == [
        (iraq, "due", 1)
    ]
    again = run("check", "--config", str(config), "--json")
    assert again.json()["flagged"] == []
    assert due_flags(database, iraq) == [("due", 0), ("due", 1)]
    alerts = [r for r in reports_in(tmp_path / "out.jsonl") if r["report"] == "alerts"]
    assert [len(r["alerts"]) for r in alerts] == [2, 1]  # the seed's two, then this one again
    assert alerts[1]["alerts"][0]["reopening"] == 1
    text = write_config(tmp_path / "text.toml", '[[channels]]\ntype = "stdout"\n')
    run("verdict", str(iraq), "kept", "--note", "Ended after all.", "--checked-on", CHECKED)
    again_wrong = verdict_ids(run, iraq)[-1]
    run("retract", str(iraq), str(again_wrong), "--reason", "Still not.")
    said = run("check", "--config", str(text))
    assert "(again: its verdict was retracted)" in said.out


def test_a_retracted_verdict_counts_nowhere(run, seeded, tmp_path):
    iraq = seeded[0]["id"]
    run("verdict", str(iraq), "broken", "--note", "Still there.", "--checked-on", CHECKED)
    (wrong,) = verdict_ids(run, iraq)
    assert run("retract", str(iraq), str(wrong), "--reason", "Wrong claim.").code == 0

    assert [c["id"] for c in run("list", "--status", "broken", "--json").json()] == []
    assert iraq in [c["id"] for c in run("list", "--status", "due", "--json").json()]
    report = run("report", "--json", "--days", "800").json()
    assert report["counts"].get("broken") is None
    assert report["recent_verdicts"] == []
    config = write_config(tmp_path / "c.toml", PUBLISHING)
    run("verdict", str(iraq), "partial", "--note", "Half gone.", "--checked-on", CHECKED)
    exported = run("export", "--format", "claimreview", "--config", str(config))
    assert exported.code == 0, exported.err
    assert "Half gone." in exported.out
    assert "Still there." not in exported.out
    (half,) = verdict_ids(run, iraq)[1:]
    assert run("retract", str(iraq), str(half), "--reason", "Not checked yet.").code == 0
    run("export", "--format", "csv", "--output", str(tmp_path / "all.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "all.csv").read_text(encoding="utf-8"))))
    assert rows[0]["verdict"] == ""
    assert rows[0]["status"] == "due"
    # the record keeps it: the history and the JSON export
    history = run("history", str(iraq), "--json").json()
    reasons = [e["data"]["reason"] for e in history if e["kind"] == "retracted"]
    assert reasons == ["Wrong claim.", "Not checked yet."]
    run("export", "--output", str(tmp_path / "all.json"))
    kept = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))["claims"][0]
    assert kept["verdicts"][0]["note"] == "Still there."
    assert kept["verdicts"][0]["retracted"]["reason"] == "Wrong claim."


def test_a_retraction_is_refused_for_a_wrong_or_retracted_verdict(run, seeded, db):
    iraq, syria = seeded[0]["id"], seeded[1]["id"]
    run("verdict", str(iraq), "broken", "--note", "n", "--checked-on", CHECKED)
    (verdict,) = verdict_ids(run, iraq)
    before = dump(db)
    assert_refused(run("retract", str(syria), str(verdict), "--reason", "x"), "has no verdict")
    assert_refused(run("retract", str(iraq), "99", "--reason", "x"), "has no verdict 99")
    assert_refused(run("retract", str(iraq), str(verdict), "--reason", " "), "needs its reason")
    assert dump(db) == before
    assert run("retract", str(iraq), str(verdict), "--reason", "x").code == 0
    assert_refused(run("retract", str(iraq), str(verdict), "--reason", "x"), "already retracted")


def test_a_correction_retracts_and_records_in_one_change(run, seeded, db):
    iraq = seeded[0]["id"]
    run("verdict", str(iraq), "kept", "--note", "Ended.", "--checked-on", CHECKED)
    (wrong,) = verdict_ids(run, iraq)
    before = dump(db)
    refused = run("verdict", str(iraq), "partial", "--note", "n", "--corrects", "77")
    assert_refused(refused, "has no verdict 77")
    assert dump(db) == before  # the new verdict was not written either

    fixed = run(
        "verdict",
        str(iraq),
        "partial",
        "--note",
        "Ended in federal Iraq, not in Kurdistan.",
        "--checked-on",
        CHECKED,
        "--corrects",
        str(wrong),
    )
    assert fixed.code == 0, fixed.err
    assert "correcting verdict" in fixed.out
    shown = run("show", str(iraq), "--json").json()
    assert shown["status"] == "partial"
    assert [(v["verdict"], v["retracted"] is not None) for v in shown["verdicts"]] == [
        ("kept", True),
        ("partial", False),
    ]
    log = run("corrections", "--json").json()
    assert [(e["kind"], e["verdict_id"], e["corrected_by"]) for e in log] == [
        ("correction", wrong, shown["verdicts"][1]["id"])
    ]
    assert log[0]["reason"] == f"corrected by verdict {shown['verdicts'][1]['id']}"


def test_a_removed_claim_leaves_every_list_and_the_monitor_until_restored(run, seeded, database):
    iraq, syria, pentagon = (c["id"] for c in seeded)
    removed = run("remove", str(syria), "--reason", "Duplicate of #1.")
    assert removed.code == 0, removed.err
    assert (
        removed.out == f"claim #{syria} removed; bring it back with: claimtrack restore {syria}\n"
    )
    assert [c["id"] for c in run("list", "--json").json()] == [iraq, pentagon]
    assert [c["id"] for c in run("list", "--status", "due", "--json").json()] == [iraq]
    assert run("search", "Syrie", "--json").json() == []
    report = run("report", "--json").json()
    assert report["counts"] == {"due": 1, "unrated": 1}
    assert [c["id"] for c in report["due"]] == [iraq]
    assert_refused(run("show", str(syria)), f"restore {syria}")
    assert_refused(run("status", str(syria)), "was removed on")
    assert_refused(run("verdict", str(syria), "kept", "--note", "n"), "was removed on")
    assert_refused(run("remove", str(syria), "--reason", "again"), "was removed on")
    # the history keeps it; the monitor leaves it alone
    assert run("history", str(syria), "--json").json()[-1]["kind"] == "removed"
    flagged = run("check", "--json").json()["flagged"]
    assert [f["claim_id"] for f in flagged] == [iraq]
    assert due_flags(database, syria) == []
    assert [e["kind"] for e in run("corrections", "--json").json()] == ["removal"]

    restored = run("restore", str(syria))
    assert restored.code == 0, restored.err
    assert restored.out == f"claim #{syria} restored (due)\n"
    assert [c["id"] for c in run("list", "--json").json()] == [iraq, syria, pentagon]
    assert [f["claim_id"] for f in run("check", "--json").json()["flagged"]] == [syria]
    assert [e["kind"] for e in run("corrections", "--json").json()] == ["restoration", "removal"]
    assert_refused(run("restore", str(syria)), "is not removed")


def test_a_removed_claim_leaves_the_public_exports_but_not_the_backup(run, seeded, tmp_path):
    syria = seeded[1]["id"]
    run("verdict", str(syria), "kept", "--note", "Toujours là.")
    config = write_config(tmp_path / "c.toml", PUBLISHING)
    formats = ("csv", "claimreview", "ics")
    before = {fmt: run("export", "--format", fmt, "--config", str(config)).out for fmt in formats}
    assert run("remove", str(syria), "--reason", "Duplicate of #1.").code == 0
    for fmt in formats:
        assert "Syrie" in before[fmt], fmt
        exported = run("export", "--format", fmt, "--config", str(config))
        assert exported.code == 0, exported.err
        assert exported.out, fmt
        assert "Syrie" not in exported.out, fmt
    backup = json.loads(run("export").out)
    gone = next(c for c in backup["claims"] if c["id"] == syria)
    assert gone["removed"]["reason"] == "Duplicate of #1."
    assert gone["verdicts"][0]["note"] == "Toujours là."


def test_purge_prints_what_goes_then_erases_only_what_the_claim_owns(run, seeded, db):
    iraq, syria, pentagon = (c["id"] for c in seeded)
    before = dump(db)
    assert_refused(run("remove", str(pentagon), "--purge", "--reason", "x"), "no reason is kept")
    assert_refused(run("remove", str(pentagon), "--yes"), "--yes confirms --purge")
    assert_refused(run("remove", str(pentagon)), "say why the claim is removed")
    shown = run("remove", str(pentagon), "--purge")
    assert shown.code == 0, shown.err
    assert shown.out.startswith("would erase (run again with --yes to erase):")
    assert "claimant of no other claim: Sabrina Singh" in shown.out
    assert dump(db) == before  # without --yes: nothing
    erased = run("remove", str(pentagon), "--purge", "--yes", "--json")
    assert erased.code == 0, erased.err
    assert erased.json()["claimants"] == ["Sabrina Singh"]
    after = dump(db)
    assert [row[0] for row in after["claim"]] == [iraq, syria]
    assert "Sabrina Singh" not in json.dumps(after, default=str)
    assert pentagon not in {row[0] for row in after["claim_fts"]}
    # the joint statement's claimants and source stay: other claims name them
    run("remove", str(syria), "--purge", "--yes")
    assert {row[1] for row in dump(db)["actor"]} >= {"Government of Iraq"}
    assert len(dump(db)["source"]) == 1


def test_the_corrections_log_lists_every_correction_newest_first(run, seeded):
    iraq, syria, _ = (c["id"] for c in seeded)
    assert run("corrections").out == "no corrections\n"
    run("verdict", str(iraq), "broken", "--note", "n", "--checked-on", CHECKED)
    (verdict,) = verdict_ids(run, iraq)
    run("retract", str(iraq), str(verdict), "--reason", "Checked the wrong claim.")
    run("remove", str(syria), "--reason", "Test data.")
    text = run("corrections").out
    assert text.index("claim removed") < text.index(f"verdict {verdict} (broken) retracted")
    assert "reason: Checked the wrong claim." in text
    assert run("corrections", "--since", "2099-01-01", "--json").json() == []
    assert len(run("corrections", "--since", "2024-01-01", "--json").json()) == 2
    assert_refused(run("corrections", "--since", "yesterday"), "--since")


# --- guards on what is recorded -----------------------------------------------------------------


def test_a_commitment_due_before_it_was_stated_is_refused(run, database, db):
    before = dump(db)
    refused = run(
        "add", "We will leave.", "--by", "A", "--stated", "2026-01-01", "--due", "by 2020"
    )
    assert_refused(refused, "ends on 2020-12-31, before the commitment was stated on 2026-01-01")
    assert dump(db) == before
    # an assertion may be about the past
    past = run("add", "We left.", "--by", "A", "--kind", "assertion", "--stated", "2026-01-01")
    assert past.code == 0, past.err
    added = run("add", "We will leave.", "--by", "A", "--stated", "2026-01-01", "--json")
    assert_refused(run("edit", str(added.json()["id"]), "--due", "2020"), "before the commitment")


def test_a_verdict_checked_before_the_claim_was_stated_is_refused(run, seeded, db):
    before = dump(db)
    refused = run("verdict", "1", "kept", "--note", "n", "--checked-on", "2024-09-26")
    assert_refused(refused, "2024-09-26 is before the claim was stated on 2024-09-27")
    assert dump(db) == before
    # nor can the stated date move after a check already recorded
    run("verdict", "1", "in_progress", "--note", "n", "--checked-on", "2024-10-01")
    before = dump(db)
    moved = run("edit", "1", "--stated", "2024-11-01")
    assert_refused(moved, "2024-11-01 is after the claim's check of 2024-10-01")
    assert dump(db) == before


def test_the_same_claim_by_the_same_claimants_is_refused_unless_asked(run, seeded, db):
    iraq = seeded[0]["id"]
    again = IRAQ.upper().replace(" ; ", "; ").replace("É", "E") + "!"
    before = dump(db)
    refused = run("add", again, *JOINT_STATEMENT)
    assert_refused(refused, f"claim {iraq} already records this text")
    assert "--duplicate-ok" in refused.err
    assert dump(db) == before
    other = run("add", again, "--by", "Government of Iraq")  # not the same claimants
    assert other.code == 0, other.err
    forced = run("add", again, *JOINT_STATEMENT, "--duplicate-ok")
    assert forced.code == 0, forced.err


def test_show_as_of_lists_only_the_verdicts_checked_by_then(run, seeded):
    iraq = seeded[0]["id"]
    run("verdict", str(iraq), "in_progress", "--note", "Drawdown.", "--checked-on", "2025-06-01")
    run("verdict", str(iraq), "partial", "--note", "Half.", "--checked-on", CHECKED)
    then = run("show", str(iraq), "--json", "--as-of", "2025-07-01").json()
    assert [v["verdict"] for v in then["verdicts"]] == ["in_progress"]
    assert "Half." not in run("show", str(iraq), "--as-of", "2025-07-01").out
    assert [v["verdict"] for v in run("show", str(iraq), "--json").json()["verdicts"]] == [
        "in_progress",
        "partial",
    ]


def test_demo_keep_only_creates_a_new_database(run, seeded, db, tmp_path):
    path = tmp_path / "mine.db"
    path.write_bytes(b"")
    assert_refused(run("demo", "--keep", str(path)), "exists already")
    assert path.read_bytes() == b""
    assert_refused(run("demo", "--keep", db), "--keep")
    assert len(run("list", "--json").json()) == 3  # the seed's claims were not added
    fresh = run("demo", "--keep", str(tmp_path / "new.db"))
    assert fresh.code == 0, fresh.err


# --- import: corrections travel, never a silent extra verdict ------------------------------------


def test_a_csv_update_with_a_corrected_verdict_retracts_and_replaces_it(run, seeded, tmp_path):
    iraq = seeded[0]["id"]
    run("verdict", str(iraq), "broken", "--note", "Troops stayed.", "--checked-on", CHECKED)
    run("export", "--format", "csv", "--output", str(tmp_path / "all.csv"))
    text = (tmp_path / "all.csv").read_text(encoding="utf-8")
    (tmp_path / "fixed.csv").write_text(
        text.replace("Troops stayed.", "Troops stayed in Erbil."), encoding="utf-8"
    )
    result = run("import", str(tmp_path / "fixed.csv"), "--on-conflict", "update")
    assert result.code == 0, result.err
    verdicts = run("show", str(iraq), "--json").json()["verdicts"]
    assert [(v["note"], v["retracted"] is not None) for v in verdicts] == [
        ("Troops stayed.", True),
        ("Troops stayed in Erbil.", False),
    ]
    assert [e["kind"] for e in run("corrections", "--json").json()] == ["correction"]
    # importing it again changes nothing
    again = run("import", str(tmp_path / "fixed.csv"), "--on-conflict", "update")
    assert "0 updated" in again.out


def test_a_json_document_carries_a_retraction_into_another_database(run, seeded, tmp_path):
    iraq = seeded[0]["id"]
    run("verdict", str(iraq), "kept", "--note", "Ended.", "--checked-on", CHECKED)
    run("export", "--output", str(tmp_path / "before.json"))
    (wrong,) = verdict_ids(run, iraq)
    run("retract", str(iraq), str(wrong), "--reason", "It had not ended.")
    run("export", "--output", str(tmp_path / "after.json"))
    copy = str(tmp_path / "copy.db")
    assert run("import", str(tmp_path / "before.json"), "--db", copy).code == 0
    assert run("status", "1", "--db", copy).out.split() == ["#1", "kept"]
    updated = run("import", str(tmp_path / "after.json"), "--db", copy, "--on-conflict", "update")
    assert updated.code == 0, updated.err
    assert run("status", "1", "--db", copy).out.split() == ["#1", "due"]
    assert run("export", "--db", copy).out.count('"retracted": {"on"') == 1


def test_retractions_and_removals_are_refused_in_the_future_of_an_import(run, db, tmp_path):
    future = datetime(2099, 1, 1, tzinfo=UTC).isoformat()
    claim = {
        "text": "Nous partirons.",
        "claimants": ["Ministre"],
        "removed": {"on": future, "reason": "x"},
    }
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"format_version": 1, "claims": [claim]}), encoding="utf-8")
    assert_refused(run("import", str(path)), "removed: field 'on'")
    later = claim | {"removed": None, "history": [{"kind": "created", "at": future}]}
    path.write_text(json.dumps({"format_version": 1, "claims": [later]}), encoding="utf-8")
    assert_refused(
        run("import", str(path)), "history[0]: field 'at': 2099-01-01T00:00:00+00:00 is after now"
    )
    assert_refused(run("import", str(Path(tmp_path / "missing.json"))), "cannot read")
