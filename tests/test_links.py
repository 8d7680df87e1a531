"""Relations between claims and moved goalposts: link, unlink, revise, the chain of
deadlines, the report's "deadlines moved", and links through export and import."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import assert_refused, dump

SEED = Path(__file__).resolve().parents[1] / "db" / "examples" / "iraq-2024.json"


def story(run):
    assert run("import", str(SEED)).code == 0
    return run


def test_a_revision_supersedes_the_original_which_keeps_its_deadline(run):
    story(run)
    before = run("show", "1", "--json").json()
    revised = run(
        "revise",
        "1",
        "--due",
        "au plus tard en septembre 2026",
        "--stated",
        "2025-06-01",
        "--source",
        "https://example.org/new",
        "--quote",
        "La mission se terminera en septembre 2026.",
        "--note",
        "pushed back a year",
    )
    assert revised.code == 0, revised.err
    assert "added claim #8, which supersedes #1" in revised.out
    assert (
        "deadline moved once: by 2025-09-30 → by 2026-09-30, by the statements of "
        "2024-09-27 (#1), 2025-06-01 (#8)"
    ) in revised.out
    original = run("show", "1", "--json", "--as-of", "2026-11-24").json()
    assert original["deadline"] == before["deadline"]
    assert original["status"] == "due"  # a deadline pushed back was not kept on time
    assert original["links"] == [
        {
            "relation": "supersedes",
            "direction": "from",
            "claim_id": 8,
            "note": "pushed back a year",
            "source": None,
            "quote": None,
        }
    ]
    new = run("show", "8", "--json").json()
    assert new["text"] == before["text"]
    assert new["claimants"] == before["claimants"]
    assert new["stated_on"] == "2025-06-01"
    assert new["sources"][0]["quote"] == "La mission se terminera en septembre 2026."
    assert new["links"][0] == {
        "relation": "supersedes",
        "direction": "to",
        "claim_id": 1,
        "note": "pushed back a year",
        "source": None,
        "quote": None,
    }


def test_every_view_of_either_shows_the_chain(run, client):
    story(run)
    run("revise", "1", "--due", "au plus tard en septembre 2026", "--stated", "2025-06-01")
    run("revise", "8", "--due", "by March 2027", "--stated", "2026-01-10")
    chain = (
        "deadline moved twice: by 2025-09-30 → by 2026-09-30 → by 2027-03-31, by the "
        "statements of 2024-09-27 (#1), 2025-06-01 (#8), 2026-01-10 (#9)"
    )
    for claim_id in ("1", "8", "9"):
        shown = " ".join(run("show", claim_id).out.split())
        assert chain in shown, claim_id
        page = " ".join(client.get(f"/claims/{claim_id}").text.split())
        assert chain.capitalize() in page, claim_id
    report = run("report", "--as-of", "2026-01-20", "--days", "30", "--json").json()
    assert [(m["claim_id"], m["supersedes"]) for m in report["moved"]] == [(9, 8)]
    assert report["moved"][0]["to"]["date"] == "2027-03-31"
    text = run("report", "--as-of", "2026-01-20", "--days", "30").out
    assert "Deadlines moved in the last 30 days (1):" in text
    assert "#9 moves #8:" in text


def test_links_show_from_both_sides_and_unlink_keeps_the_history(run, client):
    story(run)
    linked = run("link", "5", "1", "--as", "contradicts", "--note", "says no withdrawal")
    assert linked.out.strip() == "#5 contradicts #1"
    assert "contradicted by #5 — says no withdrawal" in run("show", "1").out
    assert "contradicts #1 — says no withdrawal" in run("show", "5").out
    assert "contradicted by" in client.get("/claims/1").text
    assert run("unlink", "5", "1").out.strip() == "#5 no longer contradicts #1"
    assert run("show", "1", "--json").json()["links"] == []
    kinds = [e["kind"] for e in run("history", "1", "--json").json()]
    assert kinds[-2:] == ["linked", "unlinked"]


def test_a_link_to_itself_a_loop_or_a_second_time_is_refused_and_writes_nothing(run, db):
    story(run)
    run("revise", "1", "--due", "by 2026", "--stated", "2025-06-01")
    before = dump(db)
    assert_refused(run("link", "1", "1", "--as", "repeats"), "cannot be linked to itself")
    assert_refused(run("link", "1", "8", "--as", "supersedes"), "cannot loop")
    assert_refused(run("link", "8", "1", "--as", "supersedes"), "is recorded already")
    assert_refused(run("link", "8", "1", "--as", "causes"), "'causes' is not one of supersedes")
    assert_refused(run("link", "8", "99", "--as", "repeats"), "99")
    assert_refused(run("unlink", "5", "1"), "#5 has no link to #1")
    assert_refused(
        run("revise", "1", "--due", "by 2026", "--stated", "2020-01-01"),
        "a revision comes after what it revises",
    )
    assert dump(db) == before


def test_links_survive_export_and_import_and_a_bad_one_is_refused(run, tmp_path):
    story(run)
    run("revise", "1", "--due", "by 2026", "--stated", "2025-06-01")
    run(
        "link",
        "5",
        "1",
        "--as",
        "contradicts",
        "--source",
        "https://example.org/p",
        "--quote",
        "Non, les États-Unis ne se retirent pas d’Irak.",
    )
    out = tmp_path / "all.json"
    run("export", "--output", str(out))
    fresh = tmp_path / "fresh.db"
    assert run("import", str(out), "--db", str(fresh)).code == 0
    again = tmp_path / "again.json"
    run("export", "--output", str(again), "--db", str(fresh))
    first, second = json.loads(out.read_text()), json.loads(again.read_text())
    assert [c["links"] for c in first["claims"]] == [c["links"] for c in second["claims"]]
    assert (
        run("show", "1", "--db", str(fresh), "--json").json()["links"]
        == run("show", "1", "--json").json()["links"]
    )
    document = json.loads(out.read_text())
    document["claims"][0]["links"] = [
        {"relation": "repeats", "claim": "00000000-0000-4000-8000-000000000000"}
    ]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    assert_refused(
        run("import", str(bad), "--db", str(tmp_path / "bad.db")),
        "no claim has uuid 00000000-0000-4000-8000-000000000000",
    )
