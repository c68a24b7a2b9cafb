"""The run's second process (dxecon.pipeline.run.StepsApart): a step computed there writes the
same bytes as the run would, a step whose needed result the run could not compute records
why, and a step's error reaches the run as the error it raised, with its fields.

The process is forked only from a single-threaded process (a pytest-xdist worker has
threads), so each check runs in a fresh Python of its own, as `dxecon monthly` does."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dxecon.core.errors import DxeconError
from dxecon.pipeline.run import apart_steps
from dxecon.pipeline.steps import STEPS, declare
from tests.conftest import AS_OF

pytestmark = pytest.mark.slow

SCRIPT = r"""
import json, sys
from pathlib import Path
from dxecon.core.errors import ParamsError
from dxecon.data import load_dataset
from dxecon.pipeline import store
from dxecon.pipeline.context import Context
from dxecon.pipeline.run import StepsApart
from dxecon.pipeline.steps import run_step

folder, as_of = Path(sys.argv[1]), sys.argv[2]
dataset = load_dataset()
ctx = Context(dataset, as_of, "vi")
apart = StepsApart.start(ctx, folder / "apart")
assert apart is not None, "a single-threaded process forks its second process"
apart.close()  # the shipped split is not what is checked here: one step, then one that needs
apart = StepsApart(ctx, folder / "apart", ["productivity", "sweep"])
apart.give("diffusion", None, why="nothing published by the as-of")
records = [[status, name, why if isinstance(why, str) else ""]
           for status, name, _, why in apart.finished(block=True)]
apart.close()
store.write_result(folder / "here", run_step("productivity", ctx))

broken = Context(dataset, as_of, "vi", {"productivity.yaml": {"employment_from_history": "soon"}})
try:
    run_step("productivity", broken)
except ParamsError as exc:
    here = [type(exc).__name__, str(exc), exc.file, exc.field]
apart = StepsApart(broken, folder / "broken", ["productivity"])
try:
    apart.finished(block=True)
except ParamsError as exc:
    there = [type(exc).__name__, str(exc), exc.file, exc.field]
apart.close()
print(json.dumps({"records": records, "here": here, "there": there}))
"""


@pytest.fixture(scope="module")
def apart_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("apart")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(folder), AS_OF],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr == "", done.stderr[-3000:]
    return folder, json.loads(done.stdout.strip().splitlines()[-1])


def test_a_step_computed_apart_writes_what_the_run_writes(apart_run):
    folder, found = apart_run
    assert found["records"][0][:2] == ["ok", "productivity"]
    written = sorted(p.relative_to(folder / "here") for p in (folder / "here").rglob("*.*"))
    assert written, "the step wrote nothing"
    for path in written:
        assert (folder / "apart" / path).read_bytes() == (folder / "here" / path).read_bytes()
    assert sorted(p.relative_to(folder / "apart") for p in (folder / "apart").rglob("*.*")) == (
        written
    )


def test_a_step_apart_whose_need_has_no_data_says_why(apart_run):
    _, found = apart_run
    assert found["records"][1] == ["no data", "sweep", "nothing published by the as-of"]


def test_an_error_apart_is_the_same_error_with_its_fields(apart_run):
    _, found = apart_run
    assert found["there"] == found["here"]
    assert found["here"][0] == "ParamsError" and "employment_from_history" in found["here"][1]


def test_only_a_common_step_goes_apart_and_only_a_month_step_needs_one():
    assert apart_steps(), "the shipped steps put some work in the second process"
    assert all(STEPS[name].scope == "common" for name in apart_steps())
    for spec in STEPS.values():
        if spec.scope != "month":
            assert not any(STEPS[need].apart for need in spec.needs), spec.name
    with pytest.raises(DxeconError, match="only a common step"):
        declare("not_a_step", "scenario", apart=True)
    with pytest.raises(DxeconError, match="only a month step may"):
        declare("not_a_step", "common", needs=(apart_steps()[0],))
    assert "not_a_step" not in STEPS
