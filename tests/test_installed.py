"""The installed console script, run as a separate process from another folder."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = shutil.which("claimtrack", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(SCRIPT is None, reason="claimtrack console script not installed")


def run(*args: str, cwd: Path, env_db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLAIMTRACK_DB": str(env_db)}
    return subprocess.run(
        [SCRIPT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_demo_runs_from_any_folder(tmp_path):
    result = run("demo", "--as-of", "2026-11-24", cwd=tmp_path, env_db=tmp_path / "unused.db")
    assert result.returncode == 0, result.stderr
    assert "Awaiting a check" in result.stdout
    assert "“au plus tard en septembre 2025”" in result.stdout
    assert "“au moins jusqu’en septembre 2026”" in result.stdout
    assert not (tmp_path / "unused.db").exists()


def test_bad_input_in_a_real_process_is_one_line_and_no_traceback(tmp_path):
    result = run(
        "add", "x", "--by", "a", "--stated", "2024-13-45", cwd=tmp_path, env_db=tmp_path / "c.db"
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "YYYY-MM-DD" in result.stderr


def test_python_dash_m_runs_the_same_cli(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "claimtrack", "parse-deadline", "T3 2025", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert '"precision": "quarter"' in result.stdout


LOADED = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
from claimtrack.cli import main
sys.exit(main(sys.argv[1:]))
"""


def loaded_by(*args: str, cwd: Path, env_db: Path) -> set[str]:
    """The modules a command had loaded when it ended, in a fresh process."""
    env = {**os.environ, "CLAIMTRACK_DB": str(env_db), "CLAIMTRACK_CONFIG": ""}
    done = subprocess.run(
        [sys.executable, "-c", LOADED, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_commands_load_only_what_they_use(tmp_path):
    """Start-up is most of a command's time (docs/benchmarks.md): a command without a
    database loads no SQLAlchemy, no configuration models, and one on SQLite no
    PostgreSQL, scheduler, calendar or migration code."""
    db = tmp_path / "claims.db"
    for args in (["--help"], ["parse-deadline", "au plus tard en septembre 2025"]):
        loaded = loaded_by(*args, cwd=tmp_path, env_db=db)
        assert not {"sqlalchemy", "sqlmodel", "pydantic", "tomllib", "trafilatura"} & loaded, args
    assert run("add", "x", "--by", "a", cwd=tmp_path, env_db=db).returncode == 0
    for args in (["status", "1"], ["show", "1"], ["list", "--status", "due"], ["search", "x"]):
        loaded = loaded_by(*args, cwd=tmp_path, env_db=db)
        assert "sqlalchemy" in loaded
        unused = {
            "sqlalchemy.dialects.postgresql",
            "apscheduler",
            "icalendar",
            "alembic",
            "fastapi",
            "jinja2",
            "uvicorn",
            "trafilatura",
            "pysbd",
        }
        assert not unused & loaded, args


def test_the_installed_package_speaks_french_from_its_compiled_catalogue(tmp_path):
    """A plain `pip install .` (as .ci/run installs) ships the French catalogue compiled by
    hatch_build.py; an editable install reads the .po of the checkout instead."""
    probe = (
        "import json, claimtrack.language as l; "
        "found = l.LOCALES / 'fr' / 'LC_MESSAGES'; "
        "print(json.dumps({'file': l.__file__, 'mo': (found / 'claimtrack.mo').exists(), "
        "'said': l.translations('fr').gettext('Awaiting a check')}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout)
    assert found["said"] == "En attente de vérification"
    checkout = Path(__file__).resolve().parent.parent / "claimtrack"
    if not Path(found["file"]).resolve().is_relative_to(checkout):  # installed, not editable
        assert found["mo"], "the wheel carries the compiled catalogue"
