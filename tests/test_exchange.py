"""Moving claims between databases: `claimtrack export` and `claimtrack import` (JSON).

A fact-checker exports a tracker, loads it elsewhere (another desk, a PostgreSQL server),
and gets the same claims back: same ids, quotes, verdicts, evidence and history.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtrack.formats.examples import seed_path
from tests.conftest import ARTICLE_QUOTE, assert_refused, dump, new_database

SEED = str(seed_path())
AS_OF = "2026-11-24"


@pytest.fixture
def tracker(run, seeded) -> None:
    """The seed's claims as a desk would have them a year on: checked, with evidence."""
    result = run(
        "verdict",
        "1",
        "broken",
        "--note",
        "Des troupes de la coalition « restent » en Irak en octobre 2025 😐",
        "--checked-on",
        "2025-10-15",
        "--source",
        "https://example.org/news/coalition-still-there",
        "--quote",
        "Les soldats américains sont toujours à Aïn al-Assad.",
    )
    assert result.code == 0, result.err
    assert run("edit", "2", "--context", "Annonce faite « après des mois »").code == 0
    assert run("source", "3", "https://example.org/briefing", "--quote", "Non.").code == 0


@pytest.fixture
def other_db(backend: str, tmp_path: Path):
    """A second, empty database on the same backend: where the export goes."""
    with new_database(backend, tmp_path / "other.db") as url:
        yield url


def export(run, path: Path, *args: str) -> str:
    result = run("export", "--output", str(path), *args)
    assert result.code == 0, result.err
    return path.read_text(encoding="utf-8")


def test_export_then_import_into_an_empty_database_gives_back_the_same_document(
    run, tracker, other_db, tmp_path
):
    first = export(run, tmp_path / "first.json")
    imported = run("import", str(tmp_path / "first.json"), "--db", other_db)
    assert imported.code == 0, imported.err
    assert "3 added, 0 updated, 0 unchanged, 0 skipped" in imported.out
    second = export(run, tmp_path / "second.json", "--db", other_db)
    assert second == first
    data = json.loads(first)
    assert data["format_version"] == 1
    iraq = data["claims"][0]
    assert iraq["id"] == 1
    assert iraq["deadline"]["text"] == "au plus tard en septembre 2025"
    assert iraq["deadline"]["due_at"] == "2025-10-01T00:00:00+00:00"
    assert iraq["citations"][0]["quote"] == ARTICLE_QUOTE
    assert iraq["verdicts"][0]["evidence"][0]["quote"].startswith("Les soldats américains")
    assert [event["kind"] for event in iraq["history"]] == ["created", "verdict"]
    assert data["sources"][iraq["citations"][0]["source"]]["url"].startswith("https://")


def test_imported_claims_are_searchable_reported_and_shown_as_before(
    run, tracker, other_db, tmp_path
):
    export(run, tmp_path / "claims.json")
    assert run("import", str(tmp_path / "claims.json"), "--db", other_db).code == 0
    for args in (("show", "1"), ("report", "--as-of", AS_OF), ("search", "Aïn")):
        here = run(*args, "--json")
        there = run(*args, "--json", "--db", other_db)
        assert there.code == 0, there.err
        assert there.json() == here.json(), args


def test_importing_the_same_file_again_changes_nothing(run, tracker, db, tmp_path):
    export(run, tmp_path / "claims.json")
    before = dump(db)
    again = run("import", str(tmp_path / "claims.json"))
    assert again.code == 0, again.err
    assert "0 added, 0 updated, 3 unchanged, 0 skipped" in again.out
    assert dump(db) == before


def _changed(path: Path, index: int = 0, **fields: object) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["claims"][index].update(fields)
    changed = path.with_name("changed.json")
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return changed


def test_a_file_that_changes_a_claim_is_refused_by_default_naming_it(run, tracker, db, tmp_path):
    export(run, tmp_path / "claims.json")
    changed = _changed(tmp_path / "claims.json", 1, text="Un autre texte.")
    before = dump(db)
    result = run("import", str(changed))
    assert_refused(result, "claim #2 has this uuid and differs (text)")
    assert "claims[1] (uuid " in result.err
    assert "--on-conflict skip" in result.err
    assert dump(db) == before


def test_on_conflict_skip_keeps_the_database_claim(run, tracker, db, tmp_path):
    export(run, tmp_path / "claims.json")
    changed = _changed(tmp_path / "claims.json", 1, text="Un autre texte.")
    before = dump(db)
    result = run("import", str(changed), "--on-conflict", "skip")
    assert result.code == 0, result.err
    assert "0 added, 0 updated, 2 unchanged, 1 skipped" in result.out
    assert dump(db) == before


def test_on_conflict_update_takes_the_file_and_loses_nothing(run, tracker, tmp_path):
    export(run, tmp_path / "claims.json")
    data = json.loads((tmp_path / "claims.json").read_text(encoding="utf-8"))
    syria = data["claims"][1]
    syria["text"] = "La présence en Syrie continuera jusqu’en septembre 2026."
    syria["tags"] = ["syria", "us-military"]
    syria["verdicts"] = [
        {"verdict": "kept", "note": "Still there in October 2026.", "checked_on": "2026-10-02"}
    ]
    (tmp_path / "update.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run("verdict", "2", "in_progress", "--note", "Troops seen in Hasakah.")  # only here

    result = run("import", str(tmp_path / "update.json"), "--on-conflict", "update")
    assert result.code == 0, result.err
    assert "0 added, 1 updated, 2 unchanged, 0 skipped" in result.out
    shown = run("show", "2", "--json").json()  # now: the verdict just recorded included
    assert shown["text"].startswith("La présence en Syrie continuera")
    assert shown["tags"] == ["syria", "us-military"]
    assert [v["verdict"] for v in shown["verdicts"]] == ["kept", "in_progress"]
    assert shown["status"] == "kept"
    history = run("history", "2", "--json").json()
    imported = history[-1]
    assert imported["kind"] == "imported"
    assert imported["data"]["changes"]["text"]["to"] == syria["text"]
    assert imported["data"]["added"] == {
        "citations": 0,
        "verdicts": 1,
        "retractions": 0,
        "history": 0,
    }


def test_one_bad_record_refuses_the_whole_file_naming_record_and_field(run, seeded, db, tmp_path):
    good = {"text": "Nous partirons.", "claimants": ["Ministre"], "deadline": "fin 2027"}
    bad = {
        "uuid": "2f1c44d2-7d56-4e0a-9a3f-3d7f1f4f0a11",
        "text": "Nous resterons.",
        "claimants": ["Ministre"],
        "stated_on": "27/09/2024",
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format_version": 1, "claims": [good, good | {}, bad, good]}))
    before = dump(db)
    result = run("import", str(path))
    assert result.code == 2
    assert result.err == (
        "claimtrack: error: claims[2] (uuid 2f1c44d2-7d56-4e0a-9a3f-3d7f1f4f0a11): field "
        "'stated_on': '27/09/2024' is not a date; use YYYY-MM-DD, e.g. 2024-09-27\n"
    )
    assert dump(db) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("claims: [1, 2]\n", "is not JSON: Expecting value at line 1 column 1"),
        ("\n", "is empty; give a claimtrack document"),
        ('{"format_version": 1, "claims": [{"text": "Nous', "is it truncated?"),
        ('{"format_version": 7, "claims": []}', "format_version 7; this claimtrack reads"),
        ('{"claims": []}', "no format_version; this claimtrack reads"),
        ("[]", "expected a claimtrack document {...}, found a list"),
        ("[" * 100_000 + "]" * 100_000, "is nested too deep to be a claimtrack document"),
        (
            '{"format_version": 1, "claims": [{"text": "x", "claimants": ["A"], "context": '
            + "[" * 100_000
            + "]" * 100_000
            + "}]}",
            "is nested too deep to be a claimtrack document",
        ),
        ('{"format_version": 1, "claims": {}}', "field 'claims' is missing or not a list"),
        ('{"format_version": 1, "claims": [7]}', "claims[0]: expected an object {...}"),
        ('{"format": "csl", "format_version": 1, "claims": []}', "format 'csl' is not a claim"),
        ('{"format_version": true, "claims": []}', "format_version True; this claimtrack"),
        ('{"format_version": 1.0, "claims": []}', "format_version 1.0; this claimtrack"),
        ('{"format_version": "1", "claims": []}', "format_version '1'; this claimtrack"),
        (
            '{"format_version": 1, "actors": [{"name": "A", "kind": "person"}, {"name": "A", '
            '"kind": "government"}], "claims": []}',
            "actors[1] (A): describes the same actor as actors[0] differently",
        ),
        (
            '{"format_version": 1, "claims": [{"text": "x", "claimants": ["A"], "history": '
            '[{"kind": "hacked", "at": "2024-09-27T18:00:00+00:00"}]}]}',
            "history[0]: field 'kind': 'hacked' is not one of created, edited",
        ),
        (
            '{"format_version": 1, "claims": [{"text": "x", "claimants": ["A"], "history": '
            '[{"at": "2024-09-27T18:00:00+00:00"}]}]}',
            "history[0]: field 'kind': is missing; one of created",
        ),
        (
            '{"format_version": 1, "claims": [{"text": "x", "claimants": ["A"], "deadline": '
            '"bientôt"}]}',
            "field 'deadline': ",
        ),
        (
            '{"format_version": 1, "claims": [{"text": "x", "claimants": ["A"], '
            '"citations": [{"source": "nowhere"}]}]}',
            "citations[0]: field 'source': unknown source key 'nowhere'",
        ),
        (
            '{"format_version": 1, "claims": [{"text": "x", "claimants": ["A"], "kind": '
            '"assertion", "verdicts": [{"verdict": "kept", "note": "n"}]}]}',
            "field 'verdict': 'kept' does not rate an assertion",
        ),
    ],
)
def test_a_malformed_file_is_refused_in_one_line_and_writes_nothing(
    run, seeded, db, tmp_path, content, message
):
    path = tmp_path / "claims.json"
    path.write_text(content, encoding="utf-8")
    before = dump(db)
    assert_refused(run("import", str(path)), message)
    assert dump(db) == before


def test_an_actor_described_twice_alike_is_one_actor(run, db, tmp_path):
    actor = {"name": "Ministre", "kind": "person", "role": "Minister"}
    claim = {"text": "Nous resterons.", "claimants": ["Ministre"]}
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({"format_version": 1, "actors": [actor, actor], "claims": [claim]}))
    assert run("import", str(path)).code == 0
    assert run("show", "1", "--json").json()["claimants"] == ["Ministre"]


def test_the_seed_file_is_an_importable_document_and_its_deadlines_come_due(run):
    result = run("import", SEED)
    assert result.code == 0, result.err
    assert "7 added" in result.out
    report = run("report", "--as-of", AS_OF, "--json").json()
    due = {claim["deadline"]["text"] for claim in report["due"]}
    assert {"au plus tard en septembre 2025", "au moins jusqu’en septembre 2026"} <= due
    history = run("history", "1", "--json").json()
    assert [event["kind"] for event in history] == ["created"]
    assert history[0]["data"]["via"] == "import"


def test_imported_deadlines_are_flagged_once_by_the_monitor(run, tmp_path):
    config = tmp_path / "quiet.toml"
    config.write_text(f'[[channels]]\ntype = "file"\npath = "{tmp_path / "alerts.log"}"\n')
    assert run("import", SEED).code == 0
    first = run("check", "--as-of", AS_OF, "--config", str(config), "--json").json()
    assert run("import", SEED).code == 0
    second = run("check", "--as-of", AS_OF, "--config", str(config), "--json").json()
    assert len(first["flagged"]) >= 3
    assert second["flagged"] == []


def test_a_claim_keeps_its_id_when_free_and_gets_a_new_one_otherwise(run, seeded, tmp_path, db):
    path = tmp_path / "claims.json"
    fresh = [
        {"id": 2, "text": "Pris.", "claimants": ["A"]},
        {"id": 40, "text": "Libre.", "claimants": ["A"]},
        {"text": "Sans id.", "claimants": ["A"]},
    ]
    path.write_text(json.dumps({"format_version": 1, "claims": fresh}), encoding="utf-8")
    assert run("import", str(path)).code == 0
    listed = {c["text"]: c["id"] for c in run("list", "--json").json()}
    assert listed["Libre."] == 40
    assert listed["Pris."] not in (1, 2, 3, 40)
    assert listed["Sans id."] not in (1, 2, 3, 40)
    added = run("add", "Après l'import.", "--by", "B", "--json").json()
    assert added["id"] > 40


def test_import_reads_standard_input(run, monkeypatch):
    import io
    import sys

    data = json.dumps({"format_version": 1, "claims": [{"text": "Oui.", "claimants": ["A"]}]})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    result = run("import", "-", "--json")
    assert result.code == 0, result.err
    assert result.json() == {"added": 1, "updated": 0, "unchanged": 0, "skipped": 0}


def test_a_failed_export_leaves_no_file_behind(run, seeded, tmp_path):
    target = tmp_path / "reviews.json"
    result = run("export", "--format", "claimreview", "--output", str(target))
    assert result.code == 2
    assert "[publishing] name" in result.err
    assert list(tmp_path.glob("*reviews*")) == []


def test_an_export_to_a_folder_that_does_not_exist_says_so(run, seeded, tmp_path):
    result = run("export", "--output", str(tmp_path / "missing" / "claims.json"))
    assert_refused(result, "--output: cannot write ")
    assert "No such file or directory" in result.err


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (
            {"text": "end of 2025", "date": "2030-01-01", "due_at": "2030-01-02T00:00:00+00:00"},
            "field 'date': '2030-01-01' contradicts its phrase 'end of 2025', which reads as "
            "2025-12-31",
        ),
        (
            {"text": "2025-12-31", "date": "2025-12-31", "due_at": "2019-01-01T00:00:00+00:00"},
            "field 'due_at': 2019-01-01T00:00:00+00:00 is not the end of 2025-12-31 in any "
            "time zone",
        ),
        ({"text": "end of 2025", "date": "2025-12-31", "kind": "until"}, "field 'kind': 'until'"),
    ],
)
def test_an_imported_reading_that_contradicts_itself_is_refused(
    run, db, tmp_path, deadline, message
):
    assert run("init").code == 0
    claim = {"text": "Withdrawal complete", "claimants": ["Pentagon"], "deadline": deadline}
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({"format_version": 1, "claims": [claim]}))
    before = dump(db)
    assert_refused(run("import", str(path)), message)
    assert dump(db) == before


def test_an_imported_reading_of_a_phrase_the_reader_cannot_read_is_kept(run, db, tmp_path):
    deadline = {"text": "avant la fin du quinquennat", "date": "2027-05-13", "kind": "by"}
    claim = {"text": "La réforme sera faite", "claimants": ["Président"], "deadline": deadline}
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({"format_version": 1, "claims": [claim]}))
    assert run("import", str(path)).code == 0
    shown = run("show", "1", "--json").json()["deadline"]
    assert (shown["date"], shown["due_at"]) == ("2027-05-13", "2027-05-14T00:00:00+00:00")


@pytest.mark.postgres_only
def test_a_bulk_import_leaves_fresh_statistics_and_a_visibility_map(
    run, tracker, other_db, tmp_path, monkeypatch
):
    """PostgreSQL plans the monitor's sweep from statistics, and answers a count from an
    index alone only where the visibility map says so; after a bulk load both are made at
    once rather than whenever autovacuum comes by."""
    from sqlalchemy import create_engine, text

    from claimtrack.formats import importing

    export(run, tmp_path / "claims.json")
    monkeypatch.setattr(importing, "ANALYZE_AFTER", 1)  # three claims count as a bulk load
    assert run("import", str(tmp_path / "claims.json"), "--db", other_db).code == 0
    engine = create_engine(other_db)
    with engine.connect() as connection:
        analyzed = connection.execute(
            text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'claim'")
        ).scalar()
        visible = connection.execute(
            text("SELECT relallvisible FROM pg_class WHERE relname = 'claim'")
        ).scalar()
    engine.dispose()
    assert analyzed is not None
    assert visible > 0  # the claims' page is marked all-visible: VACUUM ran
