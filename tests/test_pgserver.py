"""The tests' own PostgreSQL (tests/pgserver.py): without a server on the machine, the tests
that need one are skipped with the reason, or fail when PRESSMON_REQUIRE_POSTGRES=1 (CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEEDS_SERVER = "tests/store/test_postgres.py::test_a_newer_schema_is_refused"


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run one test that needs the server, in a pytest of its own, with `env` added."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", NEEDS_SERVER],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("required", ["0", "1"])
def test_without_postgresql_tests_skip_with_the_reason_or_fail_in_ci(
    tmp_path: Path, required: str
) -> None:
    """With no initdb to be found, a test needing the server is skipped and the reason names
    what to install; with PRESSMON_REQUIRE_POSTGRES=1 it fails with that message instead."""
    empty = tmp_path / "no-postgres"
    empty.mkdir()
    result = _pytest(
        tmp_path, PRESSMON_POSTGRES_BINDIR=str(empty), PRESSMON_REQUIRE_POSTGRES=required
    )
    reason = f"no initdb and pg_ctl in PRESSMON_POSTGRES_BINDIR={empty}"
    if required == "1":
        assert result.returncode == 1, result.stdout
        assert "1 error" in result.stdout and f"PRESSMON_REQUIRE_POSTGRES=1 but {reason}" in (
            result.stdout
        )
    else:
        assert result.returncode == 0, result.stdout
        assert "1 skipped" in result.stdout and f"needs a PostgreSQL server: {reason}" in (
            result.stdout
        )
