"""The benchmarks are scripts, not tests; this runs each at its smallest sizes (``--smallest``)
so that none can rot unnoticed. Every ``benchmarks/bench_*.py`` is found by its name, so a
new benchmark is run here without being listed. Their figures are not checked: no timed
tests."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dxecon.core import folders

pytestmark = [pytest.mark.slow, pytest.mark.first]

BENCHMARKS = sorted((folders.PROJECT_ROOT / "benchmarks").glob("bench_*.py"))


def test_benchmarks_are_found():
    assert BENCHMARKS, "no benchmarks/bench_*.py found"


#: A benchmark that measures a run's folder (or makes one first) is given the session's month
#: (`small_month`, which the report's tests share), so the test makes no run of its own.
RUN_FOLDER = {"bench_report"}


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda path: path.stem)
def test_benchmark_runs_at_its_smallest(script, tmp_path, request):
    folder = [str(request.getfixturevalue("small_month"))] if script.stem in RUN_FOLDER else []
    result = subprocess.run(
        [sys.executable, str(script), *folder, "--smallest"],
        capture_output=True,
        text=True,
        cwd=folders.PROJECT_ROOT,  # as the README runs them
        # a run that forgets its scratch folder writes here, never under outputs/
        env={**os.environ, "MPLBACKEND": "Agg", "DXECON_OUTPUTS": str(tmp_path / "outputs")},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip(), f"{script.name} printed nothing; stderr: {result.stderr[-2000:]}"
