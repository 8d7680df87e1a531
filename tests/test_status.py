"""Status derivation (DESIGN.md, Status): a pure function of deadline, verdicts and a moment."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from claimtrack.records.status import Standing, derive_status, standing
from claimtrack.records.status_sql import any_stale

DUE = datetime(2025, 10, 1, tzinfo=UTC)


@dataclass
class V:
    verdict: str
    checked_on: date
    recorded_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    id: int | None = None
    retracted_at: datetime | None = None


def at(day: str) -> tuple[datetime, date]:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=UTC), d


@pytest.mark.parametrize(
    ("due_at", "verdicts", "day", "expected"),
    [
        (DUE, [], "2025-09-30", "pending"),
        (DUE, [], "2025-10-01", "due"),
        (None, [], "2030-01-01", "unrated"),
        (DUE, [V("in_progress", date(2025, 5, 1))], "2025-06-01", "in_progress"),
        (DUE, [V("stalled", date(2025, 5, 1))], "2025-10-02", "due"),  # interim does not hide due
        (DUE, [V("kept", date(2025, 9, 1))], "2025-10-02", "kept"),
        (DUE, [V("kept", date(2025, 11, 1))], "2025-10-02", "due"),  # not yet checked then
        (None, [V("false", date(2004, 9, 30))], "2004-09-30", "false"),
        (None, [V("false", date(2004, 9, 30))], "2004-09-29", "unrated"),
        (
            DUE,
            [V("broken", date(2025, 10, 5), id=1), V("in_progress", date(2025, 12, 1), id=2)],
            "2026-01-01",
            "broken",  # the latest *final* verdict wins over a later interim one
        ),
        (
            DUE,
            [V("broken", date(2025, 10, 5), id=1), V("kept", date(2025, 10, 20), id=2)],
            "2025-10-10",
            "broken",
        ),
        (
            DUE,
            [V("broken", date(2025, 10, 5), id=1), V("kept", date(2025, 10, 20), id=2)],
            "2025-10-20",
            "kept",
        ),
    ],
)
def test_status_follows_the_design_rules(due_at, verdicts, day, expected):
    moment, as_of_day = at(day)
    assert derive_status(due_at, verdicts, moment, as_of_day) == expected


def test_same_day_verdicts_are_ordered_by_when_they_were_recorded():
    first = V("kept", date(2025, 10, 5), datetime(2025, 10, 5, 9, tzinfo=UTC), 2)
    correction = V("partial", date(2025, 10, 5), datetime(2025, 10, 5, 17, tzinfo=UTC), 1)
    moment, day = at("2025-10-06")
    assert derive_status(DUE, [correction, first], moment, day) == "partial"


def test_a_claims_standing_is_its_deciding_verdict_and_latest_check():
    assert standing([]) == Standing(None, None, None)
    interim = [V("in_progress", date(2025, 5, 1), id=1), V("stalled", date(2025, 6, 1), id=2)]
    assert standing(interim) == Standing("stalled", date(2025, 6, 1), None)
    later_interim = [V("broken", date(2025, 10, 5), id=1), V("in_progress", date(2025, 12, 1))]
    assert standing(later_interim) == Standing("broken", date(2025, 12, 1), None)
    first = V("kept", date(2025, 10, 5), datetime(2025, 10, 5, 9, tzinfo=UTC), 2)
    correction = V("partial", date(2025, 10, 5), datetime(2025, 10, 5, 17, tzinfo=UTC), 1)
    assert standing([correction, first]) == Standing("partial", date(2025, 10, 5), None)


RETRACTED = datetime(2025, 10, 20, 15, tzinfo=UTC)


def test_a_retracted_verdict_counts_until_its_retraction_and_never_after():
    mistake = V("kept", date(2025, 10, 10), id=2, retracted_at=RETRACTED)
    earlier = V("in_progress", date(2025, 5, 1), id=1)
    verdicts = [earlier, mistake]
    assert derive_status(DUE, verdicts, *at("2025-10-15")) == "kept"  # as it stood then
    assert derive_status(DUE, verdicts, RETRACTED - timedelta(seconds=1), date(2025, 10, 20)) == (
        "kept"
    )
    assert derive_status(DUE, verdicts, RETRACTED, date(2025, 10, 20)) == "due"
    assert derive_status(DUE, verdicts, *at("2026-01-01")) == "due"
    # the standing leaves it out, and remembers when it was retracted
    assert standing(verdicts) == Standing("in_progress", date(2025, 5, 1), RETRACTED)
    assert standing([mistake]) == Standing(None, None, RETRACTED)


def test_verdicts_recorded_by_the_cli_and_by_import_keep_the_standing(run, seeded, tmp_path):
    from claimtrack.records import store
    from claimtrack.records.models import Claim

    for value, day in (
        ("in_progress", "2025-03-01"),
        ("broken", "2025-10-02"),
        ("stalled", "2025-11-01"),
    ):
        assert run("verdict", "1", value, "--note", value, "--checked-on", day).code == 0
    assert (
        run("verdict", "3", "false", "--note", "They stayed.", "--checked-on", "2024-10-01").code
        == 0
    )
    assert run("export", "--output", str(tmp_path / "all.json")).code == 0
    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    assert run("import", str(tmp_path / "all.json"), "--db", copy).code == 0
    expected = {
        1: ("broken", date(2025, 11, 1)),
        2: (None, None),
        3: ("false", date(2024, 10, 1)),
    }
    for where in (None, copy):
        opened = store.open_database(where)
        with opened.read() as session:
            found = session.execute(select(Claim.id, Claim.verdict, Claim.last_checked_on))
            assert {i: (v, d) for i, v, d in found} == expected, where
        opened.dispose()


def _varied_claims(database) -> tuple[list[date], list[datetime], set[int]]:
    """400 claims: deadlines on 30 days (many sharing one) or none, 0 to 3 verdicts each,
    some retracted, 20 claims removed; two claims in three tagged "common", five "rare".
    Returns the days, the record moments, the removed."""
    import random
    import uuid
    from datetime import timedelta

    from sqlalchemy import insert

    from claimtrack.records import verdicts
    from claimtrack.records.models import Claim, ClaimTag, Verdict

    rng = random.Random(5)
    start = date(2025, 1, 1)
    days = [start + timedelta(days=n) for n in range(0, 360, 12)]
    stamps = [datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 2, tzinfo=UTC)]
    claim_rows, verdict_rows = [], []
    # Some verdicts retracted (at noon or midnight of a day: the moments asked about fall
    # on either side), and some claims removed: those are in no list and no count.
    retractions = [None, None, None, *(datetime(d.year, d.month, d.day, tzinfo=UTC) for d in days)]
    retractions += [datetime(d.year, d.month, d.day, 13, tzinfo=UTC) for d in days[::3]]
    removed = set(rng.sample(range(1, 401), 20))
    for n in range(1, 401):
        due = rng.choice([None, *days])
        claim_rows.append(
            {
                "id": n,
                "uuid": str(uuid.UUID(int=n)),
                "text": f"claim {n}",
                "due_at": None
                if due is None
                else datetime(due.year, due.month, due.day, tzinfo=UTC),
                "created_at": stamps[0],
                "updated_at": stamps[0],
                "removed_at": stamps[0] if n in removed else None,
                "removal_reason": "test data" if n in removed else None,
            }
        )
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            retracted = rng.choice(retractions) if rng.random() < 0.3 else None
            verdict_rows.append(
                {
                    "claim_id": n,
                    "verdict": rng.choice(["kept", "broken", "in_progress", "stalled", "false"]),
                    "note": "n",
                    "checked_on": rng.choice(days),
                    "recorded_at": rng.choice(stamps),
                    "retracted_at": retracted,
                    "retraction_reason": "mistake" if retracted else None,
                }
            )
    with database.write() as session:
        session.execute(insert(Claim), claim_rows)
        session.execute(insert(Verdict), verdict_rows)
        tags = [{"claim_id": n, "tag": "common"} for n in range(1, 401) if n % 3]
        tags += [{"claim_id": n, "tag": "rare"} for n in (7, 77, 177, 277, 377)]
        session.execute(insert(ClaimTag), tags)
        verdicts.restand(session, [row["id"] for row in claim_rows])  # as every writer does
    return days, stamps, removed


def test_the_sql_status_filter_agrees_with_derive_status(database):
    """`list --status S` and the report's counts work in SQL, from each claim's stored
    standing, or from its verdicts for a moment before its latest check; on varied claims
    and moments they must agree with the derived statuses (ties of check day and record
    time included)."""
    from collections import Counter

    from sqlalchemy import func

    from claimtrack.records import reading
    from claimtrack.records.models import Verdict
    from claimtrack.records.moments import AsOf
    from claimtrack.records.status import STATUSES
    from claimtrack.reports import deadline_report

    days, stamps, removed = _varied_claims(database)
    with database.read() as session:
        everything = reading.list_claims(session, AsOf(stamps[0]))
        assert len(everything) == 380
        assert not {c.id for c, _ in everything} & removed
        seen = set()
        moments = [datetime(d.year, d.month, d.day, 12, tzinfo=UTC) for d in days[::3]]
        moments += [datetime(d.year, d.month, d.day, 14, tzinfo=UTC) for d in days[::3]]
        moments.append(datetime(2030, 1, 1, tzinfo=UTC))  # after every check: none stale
        # Lists read from the standing alone when no claim's is stale, else claim by claim
        # from the verdicts: both ways are asked here.
        assert {any_stale(session, m, m.date()) for m in moments} == {True, False}
        for moment in moments:
            day = moment.date()
            as_of = AsOf(moment)
            derived = {c.id: reading.status_of(c, as_of) for c, _ in everything}
            seen |= set(derived.values())
            for status in STATUSES:
                filtered = reading.list_claims(session, as_of, status=status)
                assert {c.id for c, _ in filtered} == {
                    i for i, s in derived.items() if s == status
                }, (status, day)
                assert all(s == status for _, s in filtered)
            counted = deadline_report.build_report(session, as_of).counts
            assert counted == dict(Counter(derived.values())), moment
        assert {"due", "pending", "unrated", "kept", "in_progress", "stalled"} <= seen
        retracted = session.execute(
            select(func.count()).where(Verdict.retracted_at.is_not(None))
        ).scalar_one()
        assert retracted > 50  # the retractions were really exercised


def test_a_list_walked_page_by_page_either_way_is_the_list_in_order(database):
    """The pages' links name the claim a page starts after (ends before), so a page deep in
    a large list is read from the index where it starts: walking the whole list, or one
    status's, by those links, forwards or back, gives every claim once, in the list's order
    (deadline, then id for a shared deadline, then the claims without one)."""
    from claimtrack.errors import NotFound
    from claimtrack.records import reading
    from claimtrack.records.moments import AsOf

    _, _, removed = _varied_claims(database)
    # A moment some claims were checked after (statuses read from the verdicts), and one
    # after every check (from the standing, through the (verdict, due_at) index).
    past, later = (AsOf(datetime(y, 7, 1, 12, tzinfo=UTC)) for y in (2025, 2030))
    lists = [{"status": s} for s in (None, "due", "pending", "unrated", "kept")]
    lists += [{"tag": "common"}, {"tag": "rare"}]  # read claim by claim, and from the tag
    lists += [{"status": "due", "tag": "common"}, {"status": "kept", "tag": "common"}]
    with database.read() as session:
        assert any_stale(session, past.moment, past.day)
        assert not any_stale(session, later.moment, later.day)
        _walk_each(session, past, lists)
        # Nothing is pending once every check is past: the checks fall on the deadlines' days.
        _walk_each(session, later, [x for x in lists if x.get("status") != "pending"])
        # a removed claim still marks its place; a claim never recorded is refused
        gone = min(removed)
        after = reading.list_claims(session, past, limit=3, after=gone)
        assert all(c.id not in removed for c, _ in after)
        with pytest.raises(NotFound, match="after: no claim 999999 to page from"):
            reading.list_claims(session, past, limit=3, after=999999)


def _walk_each(session, as_of, lists) -> None:
    """Each list walked by pages of three, forwards and back, is the whole list in order."""
    from claimtrack.records import reading

    statuses = {c.id: s for c, s in reading.list_claims(session, as_of)}  # in list order
    tagged = {
        "common": {i for i in statuses if i % 3},
        "rare": {i for i in statuses if i in (7, 77, 177, 277, 377)},
    }
    for listed in lists:
        whole = [c.id for c, _ in reading.list_claims(session, as_of, **listed)]
        assert len(whole) > 3  # pages of 3: two pages at least
        status, tag = listed.get("status"), listed.get("tag")
        assert whole == [  # the claims of that status (as derived) and tag, in order
            i
            for i, s in statuses.items()
            if status in (None, s) and (tag is None or i in tagged[tag])
        ], listed
        forwards, page = [], reading.list_claims(session, as_of, **listed, limit=3)
        while page:
            forwards += [c.id for c, _ in page]
            last = page[-1][0].id
            page = reading.list_claims(session, as_of, **listed, limit=3, after=last)
        assert forwards == whole
        backwards, first = [], whole[-1]
        page = reading.list_claims(session, as_of, **listed, limit=3, before=first)
        while page:
            backwards = [c.id for c, _ in page] + backwards
            first = page[0][0].id
            page = reading.list_claims(session, as_of, **listed, limit=3, before=first)
        assert [*backwards, whole[-1]] == whole
        assert reading.ids_before(session, as_of, whole[-1], 2, **listed) == whole[-3:-1]
