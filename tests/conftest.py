"""Each test gets its own database file, and a `run` helper that calls the CLI as a user would."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from claimtrack import claims, store
from claimtrack.cli import main
from claimtrack.search import claim_fts

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "claims.db"
    monkeypatch.setenv("CLAIMTRACK_DB", str(path))
    monkeypatch.setenv("CLAIMTRACK_USER", "tester")
    monkeypatch.delenv("CLAIMTRACK_TZ", raising=False)
    monkeypatch.delenv("CLAIMTRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))  # no user config
    return path


@pytest.fixture
def run(db_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run `claimtrack ARGS…` in-process against the test's database."""

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def database(db_path: Path):
    opened = store.open_database(str(db_path))
    yield opened
    opened.dispose()


@pytest.fixture
def clock() -> claims.Clock:
    return claims.Clock(NOW, UTC, "tester")


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, search index included: proof that a refusal wrote nothing."""
    from sqlmodel import SQLModel

    engine = store.make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
            rows = {
                name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for name, table in tables.items()
            }
            rows["claim_fts"] = sorted(
                map(tuple, connection.execute(select(claim_fts.c.rowid, claim_fts.c.body)))
            )
            return rows
    finally:
        engine.dispose()


IRAQ = (
    "Washington conclura la mission internationale dirigée par les États-Unis en Irak au cours "
    "des douze prochains mois ; elle se terminera au plus tard en septembre 2025."
)
SYRIA = (
    "La présence des forces de la coalition en Syrie se poursuivra au moins jusqu’en "
    "septembre 2026."
)
ARTICLE_QUOTE = (
    "Cette élimination progressive aura lieu au cours des douze prochains mois et se terminera "
    "au plus tard en septembre 2025."
)


# Who made the seed's joint statement, in which language, and when.
JOINT_STATEMENT = (
    "--by",
    "Government of the United States",
    "--by",
    "Government of Iraq",
    "--lang",
    "fr",
    "--stated",
    "2024-09-27",
)


@pytest.fixture
def seeded(run) -> Any:
    """The seed's two deadline claims, added through the CLI as a user would."""
    iraq = run(
        "add",
        IRAQ,
        *JOINT_STATEMENT,
        "--due",
        "au plus tard en septembre 2025",
        "--source",
        "https://www.state.gov/joint-statement",
        "--quote",
        ARTICLE_QUOTE,
        "--title",
        "Joint statement",
        "--tag",
        "iraq",
        "--tag",
        "coalition",
        "--criteria",
        "Kept if the coalition mission in Iraq ended by 30 September 2025.",
        "--json",
    )
    assert iraq.code == 0, iraq.err
    syria = run(
        "add",
        SYRIA,
        *JOINT_STATEMENT,
        "--due",
        "au moins jusqu'en septembre 2026",
        "--tag",
        "syria",
        "--json",
    )
    assert syria.code == 0, syria.err
    pentagon = run(
        "add",
        "Non, les États-Unis ne se retirent pas d’Irak.",
        "--by",
        "Sabrina Singh",
        "--kind",
        "assertion",
        "--lang",
        "fr",
        "--stated",
        "2024-09-27",
        "--tag",
        "iraq",
        "--json",
    )
    assert pentagon.code == 0, pentagon.err
    return iraq.json(), syria.json(), pentagon.json()
