"""A database made by the first release, with claims in it, brought to today's schema.

On both databases: every row survives the upgrade, the monitor then flags the old claims'
deadlines, search finds them, downgrade and upgrade again work, and the models and the
migrations agree (test_store checks that on a new database too).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, func, insert, select, text
from sqlmodel import SQLModel

from claimtrack.config import Config
from claimtrack.monitor import passes
from claimtrack.records import claims, migrations, search, store, verdicts
from claimtrack.records.models import LOOK_NOW, Claim
from tests.conftest import IRAQ, NOW, SYRIA
from tests.test_monitor import FakeChannel
from tests.test_store import ENV_INCLUDE

FIRST = "0001"
STATED = datetime(2024, 9, 27, 10, 0, tzinfo=UTC)
DENIAL = "Non, les États-Unis ne se retirent pas d’Irak."
NOTE = "Troops left Iraqi bases in 2025."
FTS = {
    "claim_fts",
    "claim_fts_config",
    "claim_fts_content",
    "claim_fts_data",
    "claim_fts_docsize",
    "claim_fts_idx",
}


def moment(engine: Engine, value: datetime) -> datetime:
    """A UTC moment as 0001 stored it: naive on SQLite, with its zone on PostgreSQL."""
    return value.replace(tzinfo=None) if engine.dialect.name == "sqlite" else value


def fill_first_release(engine: Engine) -> None:
    """Claims as claimtrack 0001 wrote them: claimants, a source with a quote, a tag, a
    verdict, history, and (on SQLite, the only search 0001 had) the search rows."""
    at = moment(engine, STATED)
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables

    def claim(uuid: str, text: str, kind: str = "commitment", **deadline: object) -> dict:
        empty = dict.fromkeys(("deadline_text", "deadline_kind", "deadline_date", "due_at"))
        return {
            **empty,
            "deadline_precision": "month" if deadline else None,
            **deadline,
            "uuid": uuid,
            "text": text,
            "language": "fr",
            "kind": kind,
            "stated_on": date(2024, 9, 27),
            "created_at": at,
            "updated_at": at,
        }

    rows = {
        "actor": [
            {"name": "Government of Iraq", "created_at": at},
            {"name": "Sabrina Singh", "created_at": at},
        ],
        "claim": [
            claim(
                "0001-iraq",
                IRAQ,
                deadline_text="au plus tard en septembre 2025",
                deadline_kind="by",
                deadline_date=date(2025, 9, 30),
                due_at=moment(engine, datetime(2025, 10, 1, tzinfo=UTC)),
            ),
            claim(
                "0001-syria",
                SYRIA,
                deadline_text="au moins jusqu'en septembre 2026",
                deadline_kind="until",
                deadline_date=date(2026, 9, 30),
                due_at=moment(engine, datetime(2026, 10, 1, tzinfo=UTC)),
            ),
            claim("0001-denial", DENIAL, kind="assertion"),
        ],
        "claim_actor": [
            {"claim_id": claim_id, "actor_id": actor_id, "position": 0}
            for claim_id, actor_id in ((1, 1), (2, 1), (3, 2))
        ],
        "claim_tag": [{"claim_id": 1, "tag": "iraq"}, {"claim_id": 2, "tag": "syria"}],
        "source": [
            {
                "uuid": "0001-source",
                "url": "https://www.state.gov/joint-statement",
                "title": "Joint statement",
                "created_at": at,
            }
        ],
        "verdict": [
            {
                "claim_id": 3,
                "verdict": "false",
                "note": NOTE,
                "checked_on": date(2025, 12, 1),
                "recorded_at": at,
                "reviewer": "desk",
            }
        ],
        "claim_source": [
            {
                "claim_id": 1,
                "source_id": 1,
                "verdict_id": None,
                "role": "statement",
                "quote": "se terminera au plus tard en septembre 2025",
                "created_at": at,
            },
            {
                "claim_id": 3,
                "source_id": 1,
                "verdict_id": 1,
                "role": "evidence",
                "quote": None,
                "created_at": at,
            },
        ],
        "event": [
            {"claim_id": n, "kind": "created", "at": at, "actor": "desk", "data": {"n": n}}
            for n in (1, 2, 3)
        ],
    }
    with engine.begin() as connection:
        for name, values in rows.items():
            connection.execute(insert(t[name]), values)
        if engine.dialect.name == "sqlite":
            bodies = [IRAQ, SYRIA, DENIAL]
            connection.execute(
                insert(search.claim_fts),
                [{"rowid": n, "body": body} for n, body in enumerate(bodies, 1)],
            )


def rows_of(engine: Engine, first: MetaData, names: list[str]) -> dict[str, list[str]]:
    """The rows of these tables, in the columns the first release had (its reflected
    tables, so that the values are read the same way before and after)."""
    with engine.connect() as connection:
        return {
            name: sorted(repr(tuple(row)) for row in connection.execute(select(first.tables[name])))
            for name in names
        }


def all_kept(before: dict[str, list[str]], after: dict[str, list[str]]) -> bool:
    return all(set(rows) <= set(after[name]) for name, rows in before.items())


def test_a_first_release_database_with_claims_upgrades_keeping_every_row(db):
    engine = store.make_engine(store.resolve_url(db))
    try:
        migrations.upgrade(engine, FIRST)
        fill_first_release(engine)
        tables = MetaData()
        tables.reflect(engine)
        names = sorted(set(tables.tables) - {"alembic_version"} - FTS)
        before = rows_of(engine, tables, names)  # reflected now: the first release's columns only
        assert sum(map(len, before.values())) == 17

        migrations.upgrade(engine)
        assert migrations.current_revision(engine) == migrations.SCHEMA_REVISION
        assert rows_of(engine, tables, names) == before
    finally:
        engine.dispose()

    opened = store.open_database(db)
    try:
        with opened.read() as session:
            watch = dict(session.execute(select(Claim.uuid, Claim.watch_at)).all())
            assert watch == {"0001-iraq": LOOK_NOW, "0001-syria": LOOK_NOW, "0001-denial": None}
            standing = {u: (v, d) for u, v, d in session.execute(
                select(Claim.uuid, Claim.verdict, Claim.last_checked_on)
            )}  # fmt: skip
            assert standing == {  # 0004 worked it out from the verdicts already there
                "0001-iraq": (None, None),
                "0001-syria": (None, None),
                "0001-denial": ("false", date(2025, 12, 1)),
            }
            assert set(search.matching_ids(session, "Etats Irak")) == {1, 3}
            assert search.matching_ids(session, "retir") == [3]
            assert search.matching_ids(session, "coalition syrie") == [2]
        result = passes.run_pass(opened, Config(), NOW, [FakeChannel("desk")])
        assert sorted((a.claim_id, a.kind) for a in result.flagged) == [(1, "due"), (2, "due")]
        with opened.read() as session:
            assert (
                claims.get_claim(session, 3).verdicts[0].note == "Troops left Iraqi bases in 2025."
            )

        # The pass added history (flagged, delivered); every first-release row is still there.
        migrations.downgrade(opened.engine, FIRST)
        assert all_kept(before, rows_of(opened.engine, tables, names))
        migrations.upgrade(opened.engine)
        assert all_kept(before, rows_of(opened.engine, tables, names))
        with opened.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, **ENV_INCLUDE}
            )
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        opened.dispose()


def test_0005_keeps_alerts_and_deliveries_through_upgrade_and_downgrade(db, clock):
    """The corrections migration rebuilds the alert table's unique key (SQLite copies the
    table, with its deliveries set aside and brought back): every flag and delivery made
    before it survives; a downgrade drops only the flags of reopened claims, which the older
    key cannot hold."""
    from claimtrack.records import corrections
    from claimtrack.records.models import Alert, Delivery

    opened = store.open_database(db)
    try:
        with opened.write() as session:
            claim = claims.add_claim(
                session,
                IRAQ,
                claimants=["Government of Iraq"],
                clock=clock,
                stated_on=date(2024, 9, 27),
                deadline="au plus tard en septembre 2025",
            )
        passes.run_pass(opened, Config(), NOW, [FakeChannel("desk")])
        migrations.downgrade(opened.engine, "0004")
        migrations.upgrade(opened.engine)  # 0004 -> 0005 with a flag and its delivery in place
        with opened.write() as session:
            judged = verdicts.record_verdict(
                session, claim.id, "kept", note=NOTE, clock=clock, checked_on=date(2025, 10, 2)
            )
            corrections.retract_verdict(session, claim.id, judged.id, reason="no", clock=clock)
        again = passes.run_pass(opened, Config(), NOW, [FakeChannel("desk")])
        assert [(a.kind, a.reopening) for a in again.flagged] == [("due", 1)]
        with opened.read() as session:
            assert len(session.exec(select(Delivery)).all()) == 2

        migrations.downgrade(opened.engine, "0004")
        with opened.engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(text("alert"))).scalar() == 1
            assert (
                connection.execute(select(func.count()).select_from(text("delivery"))).scalar() == 1
            )
            assert (
                connection.execute(select(func.count()).select_from(text("verdict"))).scalar() == 1
            )
        migrations.upgrade(opened.engine)
        with opened.read() as session:
            (kept,) = session.exec(select(Alert)).scalars().all()
            assert (kept.kind, kept.reopening, kept.delivered_at) == ("due", 0, NOW)
            # the retraction's columns went with the downgrade; the verdict stayed
            assert session.exec(select(Claim.verdict)).scalar_one() == "kept"
    finally:
        opened.dispose()
