"""The schema's revisions: where the Alembic scripts are (and the example data beside them
in db/), which revision a database is at, and the upgrade to head (or a downgrade) that
opening a database runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

from claimtrack.errors import DatabaseUnavailable

# The newest migration this code knows; a test checks it against db/migrations.
SCHEMA_REVISION = "0012"


def migrations_dir() -> Path:
    """The Alembic scripts: inside the wheel as claimtrack/_db, or db/ in a source checkout."""
    here = Path(__file__).resolve().parents[1]  # the claimtrack package
    for candidate in (here / "_db" / "migrations", here.parent / "db" / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise DatabaseUnavailable("the migrations are missing from this installation; reinstall it")


def examples_dir() -> Path:
    return migrations_dir().parent / "examples"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (head by default)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config
