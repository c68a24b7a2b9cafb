"""A run for any past month: the suite completes as of dates when much of today's data did
not exist; each notebook that lacks its data says so in its output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dxecon.apps.monthly import month_report
from dxecon.pipeline import store
from dxecon.pipeline.run import run_suite

pytestmark = pytest.mark.first  # a long file: see conftest

FEW_PATHS = {"paths": 200}  # plumbing only; the engine is tested elsewhere


def _outputs_text(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    texts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts.append("".join(data.get("text/markdown", "")))
    return "\n".join(texts)


@pytest.mark.slow
@pytest.mark.parametrize("as_of", ["2019-01", "2021-01", "2023-07"])
def test_a_past_month_runs_and_says_what_was_missing(tmp_path, as_of):
    result = run_suite(
        as_of=as_of,
        scenarios=["baseline"],
        params=FEW_PATHS,
        outputs_dir=tmp_path,
        progress=False,
        month_report=month_report("vi"),
    )
    # No scenario table, so no month report: the run publishes and says why (not a crash).
    assert "scorecard" in result.report_problem
    assert all(isinstance(v, float) for v in result.durations.values())
    folder = store.month_folder(tmp_path, as_of)  # the default place's month
    notebooks = sorted(folder.rglob("*.ipynb"))
    assert len(notebooks) >= 8
    scenario = next(p for p in notebooks if p.name.startswith("05_"))
    text = _outputs_text(scenario)
    # No digital-economy start could be read from the data then: said, not failed.
    assert "Chưa có gì để hiển thị tính đến" in text  # the run's language: vi
    assert "HP2025:" in text and "HP:" in text  # every boundary tried, merged city first
