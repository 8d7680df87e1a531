"""The installed console script, run as a separate process from another folder."""

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
