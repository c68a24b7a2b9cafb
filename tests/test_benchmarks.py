"""The benchmarks are scripts, not tests; this runs the monthly one at its smallest sizes so
that it cannot rot unnoticed (its figures are not checked: no timed tests)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dxecon.core import folders

pytestmark = pytest.mark.slow


def test_bench_monthly_runs_at_its_smallest():
    script = folders.PROJECT_ROOT / "benchmarks" / "bench_monthly.py"
    result = subprocess.run(
        [sys.executable, str(script), "--smallest"],
        capture_output=True,
        text=True,
        cwd=folders.PROJECT_ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "yardstick" in result.stdout and "overhead" in result.stdout, result.stdout
