"""The database: schema from migrations matching the models, SQLite settings, UTC time stamps."""

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from claimtrack.records import claims, migrations, moments, reading, search, store
from claimtrack.records.models import Claim

ENV_INCLUDE = {
    "include_object": lambda obj, name, type_, *_: (
        not (type_ == "table" and name.startswith("claim_fts"))
    )
}


def test_models_and_migrations_agree(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, **ENV_INCLUDE})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_code_knows_the_newest_migration():
    scripts = ScriptDirectory(str(migrations.migrations_dir()))
    assert scripts.get_current_head() == migrations.SCHEMA_REVISION


def test_downgrade_to_nothing_and_upgrade_again(database, clock):
    with database.write() as session:
        claims.add_claim(session, "x", claimants=["a"], clock=clock)
    migrations.downgrade(database.engine, "base")
    assert migrations.current_revision(database.engine) is None
    migrations.upgrade(database.engine)
    assert migrations.current_revision(database.engine) == migrations.SCHEMA_REVISION
    with database.read() as session:
        assert reading.count_claims(session) == 0


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(database):
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_time_stamps_are_stored_in_utc_and_read_back_aware(database):
    paris_noon = datetime(2024, 9, 27, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    clock = moments.Clock(paris_noon, UTC, "t")
    with database.write() as session:
        claim_id = claims.add_claim(session, "x", claimants=["a"], clock=clock).id
    with database.read() as session:
        created = session.get(Claim, claim_id).created_at
        if database.is_sqlite:
            raw = session.execute(text("SELECT created_at FROM claim")).scalar()
        else:  # timestamptz, shown in UTC whatever the server's or session's time zone
            kind = session.execute(text("SELECT pg_typeof(created_at) FROM claim")).scalar()
            assert kind == "timestamp with time zone"
            utc = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
            raw = session.execute(text(f"SELECT {utc} FROM claim")).scalar()
    assert created == paris_noon
    assert created.tzinfo == UTC
    assert raw.startswith("2024-09-27 10:00:00")


def test_a_failed_change_is_rolled_back_whole(database, clock):
    try:
        with database.write() as session:
            claims.add_claim(session, "first", claimants=["a"], clock=clock)
            raise RuntimeError("crash in the middle of a change")
    except RuntimeError:
        pass
    with database.read() as session:
        assert reading.count_claims(session) == 0


def test_default_database_lives_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("CLAIMTRACK_DB", raising=False)
    monkeypatch.setattr(store, "data_dir", lambda: tmp_path / "data")
    assert store.resolve_url(None) == f"sqlite:///{tmp_path / 'data' / 'claims.db'}"
    monkeypatch.setenv("CLAIMTRACK_DB", str(tmp_path / "env.db"))
    assert store.resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert store.resolve_url(str(tmp_path / "flag.db")) == f"sqlite:///{tmp_path / 'flag.db'}"


@pytest.mark.postgres_only
def test_postgres_search_is_served_by_its_gin_index(database, clock):
    with database.write() as session:
        for n in range(20):
            claims.add_claim(session, f"Engagement {n} sans rapport", claimants=["a"], clock=clock)
        target = claims.add_claim(
            session, "Les troupes se retirent d’Irak", claimants=["b"], clock=clock
        )
    with database.read() as session:
        assert search.matching_ids(session, "retir IRAK") == [target.id]
        session.execute(text("SET LOCAL enable_seqscan = off"))
        wanted = "to_tsquery('simple', 'retir:* & irak:*')"
        plan = "\n".join(
            row[0]
            for row in session.execute(
                text(f"EXPLAIN SELECT rowid FROM claim_fts WHERE document @@ {wanted}")
            )
        )
    assert "ix_claim_fts_document" in plan
    assert "Seq Scan" not in plan


def test_a_database_claimtrack_does_not_support_is_refused_in_one_line(run):
    result = run("list", "--db", "mysql://root@127.0.0.1/test")
    assert result.code == 2
    assert result.err == (
        "claimtrack: error: --db: claimtrack does not support mysql databases; use a file path "
        "or postgresql+psycopg://user@host/dbname\n"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://[::1/x", "'postgresql+psycopg://[::1/x' is not a database URL"),
        ("sqlite://:memory:", "'sqlite://:memory:' is not a database URL"),
        ("postgresql+psycopg://u@127.0.0.1:99999/x", "port 99999 is out of range (1-65535)"),
        ("postgresql+psycopg://u@127.0.0.1:0/x", "port 0 is out of range (1-65535)"),
    ],
)
def test_a_malformed_database_url_is_refused_in_one_line(run, url, message):
    result = run("list", "--db", url)
    assert result.code == 2
    assert result.err == (
        f"claimtrack: error: --db: {message}; use a file path or "
        "postgresql+psycopg://user@host/dbname\n"
    )


def test_a_time_zone_name_of_any_length_is_refused_in_one_line(run, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_TZ", "A" * 5000)
    result = run("list")
    assert result.code == 2
    assert result.err.startswith("claimtrack: error: CLAIMTRACK_TZ: 'AAAA")
    assert result.err.endswith("...' is not a time zone; use an IANA name, e.g. Europe/Paris\n")


@pytest.mark.postgres_only
def test_an_unreachable_postgres_server_is_one_line_and_exit_3(run):
    result = run("list", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert result.code == 3
    assert result.err.startswith("claimtrack: error: cannot open database postgresql+psycopg://")
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_another_applications_database_is_refused_and_left_untouched(backend, tmp_path, run):
    """`list --db other.db` on a database holding another application's tables must not
    fill it with claimtrack's: exit 3, one line, not a byte written."""
    from sqlalchemy import create_engine, inspect, text

    from tests.conftest import new_database

    with new_database(backend, tmp_path / "other.db") as url:
        target = url if backend == "postgresql" else f"sqlite:///{url}"
        engine = create_engine(target)
        with engine.begin() as connection:
            connection.execute(
                text("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")
            )
            connection.execute(text("INSERT INTO invoices VALUES (1, 42)"))
        engine.dispose()
        before = Path(url).read_bytes() if backend == "sqlite" else None
        for args in (["list"], ["init"], ["add", "x", "--by", "a"]):
            result = run(*args, "--db", url)
            assert result.code == 3, (args, result.err)
            assert "holds tables that are not claimtrack's (invoices)" in result.err
            assert result.err.count("\n") == 1
        if backend == "sqlite":
            assert Path(url).read_bytes() == before
            assert not Path(url + "-wal").exists()
        engine = create_engine(target)
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == ["invoices"]
        engine.dispose()


def test_an_empty_db_option_is_refused_not_taken_for_the_default(run, db):
    result = run("list", "--db", "")
    assert result.code == 2
    assert "--db: is empty; give a file path or a database URL" in result.err


def test_a_bulk_insert_that_breaks_a_unique_key_is_a_conflict(database, seeded):
    """On PostgreSQL the rows go by COPY, outside SQLAlchemy's statements; its errors are
    wrapped as a statement's, so a concurrent import's row becomes a Conflict (one line,
    exit 3) and not a driver's exception (tests/test_concurrency.py)."""
    from claimtrack.errors import Conflict
    from claimtrack.records.models import ClaimTag
    from claimtrack.records.sql import bulk_insert

    existing = {"claim_id": 1, "tag": seeded[0]["tags"][0]}
    with pytest.raises(Conflict), database.write() as session:
        bulk_insert(session, ClaimTag.__table__, [existing])


def test_a_bulk_update_sets_each_row_to_its_own_values_nulls_included(database, seeded):
    """The monitor's pass updates a batch of claims and alerts in one statement on
    PostgreSQL (UPDATE … FROM unnest(…)); each row gets its own value, a NULL among them,
    and rows not named are left alone."""
    from sqlmodel import select

    from claimtrack.records.sql import bulk_update

    later = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    with database.read() as session:
        before = dict(session.execute(select(Claim.id, Claim.watch_at)).all())
    with database.write() as session:
        bulk_update(
            session,
            Claim.__table__,
            [{"id": 1, "watch_at": later}, {"id": 2, "watch_at": None}],
        )
        bulk_update(session, Claim.__table__, [{"id": 3, "watch_at": None}])  # NULLs alone
    with database.read() as session:
        after = dict(session.execute(select(Claim.id, Claim.watch_at)).all())
    assert after[1] == later
    assert after[2] is None
    assert after[3] is None
    assert {k: v for k, v in after.items() if k > 3} == {k: v for k, v in before.items() if k > 3}


def test_an_insert_of_rows_some_already_there_adds_and_returns_only_the_new_ones(database, seeded):
    """How the monitor flags exactly once (one statement per batch, ``unnest`` arrays on
    PostgreSQL): a row already there on its unique key is skipped, not doubled and not
    an error, and only the rows this call added come back."""
    from sqlmodel import select

    from claimtrack.records.models import ClaimTag
    from claimtrack.records.sql import insert_absent

    table = ClaimTag.__table__
    there = {"claim_id": 1, "tag": seeded[0]["tags"][0]}
    new = [{"claim_id": 1, "tag": "zz-new"}, {"claim_id": 2, "tag": "zz-new"}]
    with database.write() as session:
        added = insert_absent(
            session, table, [there, *new], ["claim_id", "tag"], [table.c.claim_id]
        )
        again = insert_absent(session, table, new, ["claim_id", "tag"], [table.c.claim_id])
        nothing = insert_absent(session, table, [], ["claim_id", "tag"], [table.c.claim_id])
    assert sorted(row[0] for row in added) == [1, 2]
    assert again == []
    assert nothing == []
    with database.read() as session:
        tags = session.exec(select(ClaimTag.claim_id, ClaimTag.tag)).all()
    assert sorted(t for t in tags if t[1] == "zz-new") == [(1, "zz-new"), (2, "zz-new")]
    assert tags.count((1, there["tag"])) == 1


def test_reads_together_share_one_session_until_the_block_ends_even_by_an_error(database, seeded):
    """A publish answers a batch of addresses with every read in one session (the claims
    loaded once); another thread meanwhile, reads outside the block, and reads after a
    block that failed each have their own session."""
    from claimtrack.records.claims import get_claim, load_claims

    with database.reading_together() as shared:
        loaded = load_claims(shared, [1, 2])
        with database.read() as first, database.read() as second:
            assert first is shared
            assert second is shared
            assert get_claim(first, 2) is loaded[1]
        elsewhere: list[Session] = []  # another thread (a monitor's digest, say)

        def read_elsewhere() -> None:
            with database.read() as session:
                elsewhere.append(session)

        thread = threading.Thread(target=read_elsewhere)
        thread.start()
        thread.join()
        assert elsewhere
        assert elsewhere[0] is not shared
    with pytest.raises(RuntimeError), database.reading_together():
        raise RuntimeError("a page failed")
    with database.read() as first, database.read() as second:
        assert first is not second
        assert first is not shared


def test_one_of_a_list_of_ids_picks_those_rows_and_none_for_an_empty_list(database, seeded):
    """The outbox reads its alerts and claims by id (``= ANY(array)`` on PostgreSQL, ``IN``
    on SQLite): the same rows either way, and an empty list matches nothing."""
    from sqlmodel import col, select

    from claimtrack.records.sql import one_of

    with database.read() as session:
        picked = session.exec(select(Claim.id).where(one_of(session, col(Claim.id), [3, 1, 99])))
        empty = session.exec(select(Claim.id).where(one_of(session, col(Claim.id), [])))
        assert sorted(picked.all()) == [1, 3]
        assert empty.all() == []


def test_a_claims_number_moves_with_its_rows_and_its_deadline_and_nothing_else(
    database, seeded, run
):
    """What a publish keeps a claim's files by (records/fingerprints.py): a verdict moves
    that claim's number only; the monitor's own column moves none; the deadline passing
    moves the claim's; two linked claims have none (each shows the other: always rendered)."""
    from sqlalchemy import update

    from claimtrack.records.fingerprints import claim_numbers

    with database.read() as session:
        due = session.get(Claim, 2).due_at
        at = due - timedelta(hours=1)
        before = claim_numbers(session, at)
        assert claim_numbers(session, at) == before  # the same rows, the same numbers
        passed = claim_numbers(session, due)
    assert set(before) == {1, 2, 3}
    assert all(before.values())
    assert passed[2] != before[2]
    assert {k: passed[k] for k in (1, 3)} == {k: before[k] for k in (1, 3)}
    verdict = ("verdict", "1", "broken", "--note", "Still there.", "--checked-on", "2025-10-15")
    assert run(*verdict).code == 0
    with database.write() as session:
        session.execute(update(Claim).values(watch_at=datetime(2031, 1, 1, tzinfo=UTC)))
    with database.read() as session:
        after = claim_numbers(session, at)
    assert after[1] != before[1]
    assert {k: after[k] for k in (2, 3)} == {k: before[k] for k in (2, 3)}
    assert run("link", "3", "2", "--as", "contradicts").code == 0
    with database.read() as session:
        linked = claim_numbers(session, at)
    assert (linked[2], linked[3]) == (None, None)
    assert linked[1] == after[1]
