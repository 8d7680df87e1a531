"""The seed article's claims as shipped in db/examples, loaded through the service layer."""

import json

import pytest

from claimtrack.deadlines.days import parse_moment
from claimtrack.errors import BadInput
from claimtrack.formats import examples
from claimtrack.records import moments, reading
from claimtrack.records.migrations import examples_dir


@pytest.fixture
def seed():
    return json.loads(examples.seed_path().read_text(encoding="utf-8"))


def test_every_quote_from_the_article_is_verbatim(seed):
    article = (examples_dir() / "iraq-2024-article.fr.txt").read_text(encoding="utf-8")
    quotes = [
        citation["quote"]
        for claim in seed["claims"]
        for citation in claim["citations"]
        + [e for v in claim.get("verdicts", []) for e in v["evidence"]]
        if citation["source"] == "article" and citation.get("quote")
    ]
    assert len(quotes) >= 8
    for quote in quotes:
        assert quote in article


def test_seed_loads_with_the_statuses_the_article_implies(database, clock):
    with database.write() as session:
        loaded = examples.load(session, examples.seed_path(), clock)
    as_of = moments.AsOf(parse_moment("2026-11-24", "--as-of"))
    with database.read() as session:
        by_text = {
            c.translation: (reading.status_of(c, as_of), c)
            for c, _ in reading.list_claims(session, as_of)
        }
    assert len(loaded) == 7
    iraq_status, iraq = next(v for k, v in by_text.items() if k.startswith("Washington will end"))
    assert iraq_status == "due"
    assert iraq.deadline_date.isoformat() == "2025-09-30"
    assert iraq.claimants == ["Government of the United States", "Government of Iraq"]
    assert iraq.stated_on.isoformat() == "2024-09-27"
    syria_status, syria = next(v for k, v in by_text.items() if "Syria" in k)
    assert syria_status == "due"
    assert syria.deadline_kind == "until"
    assert syria.deadline_date.isoformat() == "2026-09-30"
    wmd_status, wmd = next(v for k, v in by_text.items() if "weapons of mass destruction" in k)
    assert wmd_status == "false"
    assert (
        wmd.verdicts[0].evidence[0].quote == "une affirmation qui s’est par la suite révélée fausse"
    )
    pentagon_status, pentagon = next(v for k, v in by_text.items() if "not withdrawing" in k)
    assert pentagon_status == "unrated"
    assert pentagon.claimants == ["Sabrina Singh"]


def test_an_example_file_of_another_version_is_refused(database, clock, tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps({"format_version": 99, "claims": []}))
    with pytest.raises(BadInput, match="format_version"), database.write() as session:
        examples.load(session, path, clock)
