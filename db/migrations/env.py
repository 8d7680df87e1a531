"""Alembic environment: runs the migrations on the engine claimtrack hands over.

The whole upgrade is one transaction (SQLite included: claimtrack emits its own BEGIN), so a
crash mid-upgrade leaves the previous schema, and two processes initialising one database
at once queue on the write lock instead of creating the tables twice.
"""

from alembic import context
from sqlmodel import SQLModel

import claimtrack.records.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from claimtrack.records import store

# Tables kept by the database itself for full-text search; the models do not describe them.
MANAGED_OUTSIDE_MODELS = ("claim_fts",)


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name and name.startswith(MANAGED_OUTSIDE_MODELS))


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:  # run from the alembic command line: use claimtrack's own settings
        engine = store.make_engine(store.resolve_url(None))
    engine = engine.execution_options(claimtrack_write=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            include_object=include_object,
            render_as_batch=True,
            compare_type=True,
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("claimtrack migrations run online only: use `claimtrack init`")
run_migrations_online()
