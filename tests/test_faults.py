"""The fault battery of issue 14: each finding of the hostile-user and operator review, as a
test that failed before the fix. Everything is written under pytest's temporary folders.

Finding -> test(s):

- share of 140.2 passes data check: test_implausible_share_fails_data_check
- level negative / growth out of bounds / bad year: test_plausibility_rules_by_unit_and_indicator
- one indicator in two kinds of unit: test_units_consistent_per_indicator
- new codes from data/codes/ checked without a change: test_new_indicator_and_unit_codes_are_checked
- runs compute on implausible data: test_run_refuses_implausible_data_first
- 424,970 problems printed: test_at_most_50_problems_then_summary_by_rule
- scenario keys leak into common notebooks: test_common_notebooks_get_only_their_own_file
- --params X.yaml vs --scenario X differ: test_params_file_and_scenario_plan_identically,
  test_params_file_and_scenario_publish_same_bytes
- a params value does not move its notebook: test_params_file_value_moves_its_notebook
- no memory guard (run, scenario, sweep, API): test_memory_budget_*
- --paths 100000000 bypasses the cap (traceback): test_scenario_paths_override_obeys_the_cap
- sweep --scheduler on a silent port hangs: test_silent_listener_is_a_clear_error_in_time
- an HTTP reply: 3 EiB allocation traceback: test_http_listener_is_a_clear_error
- kill -9 leaves forkserver and workers: test_sigkilled_run_leaves_no_descendant
- month folder mixes two runs; symlinks: test_month_publishes_at_once_as_real_folders
- index.csv mode 600; refused run writes unlocked: test_index_is_world_readable,
  test_refused_monthly_run_leaves_the_index_alone
- scenario named sweeps / quick / .x: test_reserved_scenario_names_are_refused
- errors name the shipped baseline.yaml: test_errors_name_the_users_params_file
- empty params file: test_empty_params_file_is_a_clear_error
- disk full / permission: raw traceback: test_disk_full_is_one_line_and_keeps_outputs,
  test_permission_denied_is_one_line
- tests write into outputs/: test_no_test_writes_into_outputs
- scenario geo never checked: test_scenario_geo_checked_against_data_codes
- run has no --data: test_every_command_takes_data
- notebook 04: all series too short -> KeyError: test_all_series_too_short_is_explained
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, replace_in

from dxecon.apps.cli import main as cli
from dxecon.core import folders
from dxecon.core.errors import DataValidationError, ParamsError, Problem, format_problems
from dxecon.core.params import load_yaml, params_path
from dxecon.core.places import default_place
from dxecon.data import validate
from dxecon.models.scenarios.budget import ResourceBudgetError
from dxecon.pipeline import store

pytestmark = pytest.mark.first  # a long file: see conftest

SHARE_ROW = "de_share,VN,total,2024,"  # GSO share rows start like this in observations.csv


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args))


def first_obs_line(data: Path, indicator: str, unit: str | None = None, geo=None) -> str:
    for line in (data / "observations.csv").read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split(",")
        if cells[1] == indicator and unit in (None, cells[6]) and geo in (None, cells[2]):
            return line
    raise AssertionError(f"no {indicator} row")


def set_cell(data: Path, indicator: str, column: int, value: str, *, unit=None, geo=None) -> str:
    """Set one cell (by column number) of the first row of an indicator; returns its obs_id."""
    line = first_obs_line(data, indicator, unit, geo)
    cells = line.split(",")
    cells[column] = value
    replace_in(data / "observations.csv", line, ",".join(cells))
    return cells[0]


def set_value(data: Path, indicator: str, value: str, *, unit=None, geo=None) -> str:
    """Set the value of the first row of an indicator; returns its obs_id."""
    return set_cell(data, indicator, 5, value, unit=unit, geo=geo)


# -- 1. plausibility ----------------------------------------------------------------------
def test_implausible_share_fails_data_check(data_copy):
    obs = set_value(data_copy, "de_share", "140.2")
    result = run_cli("data", "check", "--data", str(data_copy))
    assert result.exit_code == 1
    assert obs in result.output and "share_0_100" not in result.output  # message, not code
    assert "a share in per cent must lie within 0 to 100" in result.output


@pytest.mark.parametrize(
    ("indicator", "unit", "value", "rule"),
    [
        ("grdp_current", "bn_vnd", "-5", "level_positive"),
        ("grdp_growth_real", None, "250", "growth_pct"),
        ("sector_share_grdp", None, "-1", "share_0_100"),
        ("dti_rank", None, "0", "rank_at_least_1"),
        ("sector_contribution_growth_pp", None, "75", "pp"),
    ],
)
def test_plausibility_rules_by_unit_and_indicator(data_copy, indicator, unit, value, rule):
    obs = set_value(data_copy, indicator, value, unit=unit)
    report = validate(data_copy)
    assert [(p.record_id, p.rule) for p in report.problems] == [(obs, rule)]


def test_period_outside_the_years_is_a_problem(data_copy):
    set_cell(data_copy, "de_share", 4, "2924")  # the period
    (problem,) = validate(data_copy).problems
    assert problem.rule == "year_range" and problem.column == "period"


def test_units_consistent_per_indicator(data_copy):
    obs = set_cell(data_copy, "grdp_growth_real", 6, "bn_vnd")  # the unit
    (problem,) = validate(data_copy).problems
    assert problem.rule == "unit_consistency" and problem.record_id == obs
    assert "one indicator keeps one kind of unit" in str(problem)


def test_new_indicator_and_unit_codes_are_checked(data_copy):
    # Another engineer adds codes as data; the rules apply to them by their codes' kind.
    with open(data_copy / "codes/indicators.csv", "a", encoding="utf-8") as handle:
        handle.write("broadband_share,observation,households with broadband as % of all\n")
    with open(data_copy / "codes/units.csv", "a", encoding="utf-8") as handle:
        handle.write("k_usd,thousand USD\n")
    line = first_obs_line(data_copy, "de_share")
    share = line.replace("de_share", "broadband_share", 1).replace(line.split(",")[0], "OBSX1")
    level = (
        line.replace("de_share", "de_value_added", 1)
        .replace(",pct,", ",k_usd,", 1)
        .replace(line.split(",")[0], "OBSX2")
    )
    share = share.replace(f",{line.split(',')[5]},", ",101.5,", 1)
    level = level.replace(f",{line.split(',')[5]},", ",-3,", 1)
    with open(data_copy / "observations.csv", "a", encoding="utf-8") as handle:
        handle.write(share + "\n" + level + "\n")
    rules = {p.record_id: p.rule for p in validate(data_copy).problems}
    assert rules == {"OBSX1": "share_0_100", "OBSX2": "level_positive"}


def test_assumed_bounds_come_from_params(tmp_path, data_copy, monkeypatch):
    params = tmp_path / "params"
    shutil.copytree(folders.PARAMS_DIR, params)
    replace_in(params / "plausibility.yaml", "  max: 100\n", "  max: 10\n")  # growth_pct
    report = validate(data_copy, params_dir=params)
    assert report.problems and {p.rule for p in report.problems} == {"growth_pct"}


def test_run_refuses_implausible_data_first(data_copy, tmp_path):
    from dxecon.pipeline.run import run_suite

    set_value(data_copy, "de_share", "140.2")
    out = tmp_path / "out"
    with pytest.raises(DataValidationError, match="nothing was computed"):
        run_suite(as_of="2026-10", scenarios=["baseline"], outputs_dir=out, data_dir=data_copy)
    assert not out.exists()
    result = run_cli(
        "run", "--as-of", "2026-10", "--scenario", "baseline", "--data", str(data_copy),
        "--outputs", str(out),
    )  # fmt: skip
    assert result.exit_code == 1 and "140.2" in result.output and not out.exists()


def test_at_most_50_problems_then_summary_by_rule(data_copy):
    text = (data_copy / "observations.csv").read_text(encoding="utf-8")
    header, *rows = text.splitlines()
    broken = [r.replace(",VN,", ",ZZ,", 1) for r in rows if ",VN," in r]
    (data_copy / "observations.csv").write_text(
        "\n".join([header, *broken, *(r for r in rows if ",VN," not in r)]) + "\n",
        encoding="utf-8",
    )
    set_value(data_copy, "de_share", "140.2", geo="HP2025")
    result = run_cli("data", "check", "--data", str(data_copy))
    assert result.exit_code == 1
    problems = result.output.split("\nwarning:")[0]  # warnings (suspected duplicates) follow
    listed = [line for line in problems.splitlines() if line.startswith("  - ")]
    assert len(listed) == 50
    assert f"and {len(broken) + 1 - 50} more" in result.output
    assert "      code: " in result.output and "      share_0_100: 1" in result.output


def test_problem_summary_counts_every_rule():
    problems = [Problem("f", i, None, "c", "v", "x", "code") for i in range(60)]
    problems += [Problem("f", 99, None, "c", "v", "x", "share_0_100")]
    text = format_problems(problems)
    assert text.count("\n  - ") == 49 and "code: 60" in text and "share_0_100: 1" in text


# -- 2. isolated, atomic runs ----------------------------------------------------------------
def _tasks(params, params_file=None, scenarios=("baseline",)):
    from dxecon.data import load_dataset
    from dxecon.pipeline.run import plan_tasks, validate_scenarios
    from dxecon.pipeline.suite import suite

    values = validate_scenarios(
        list(scenarios), params, params_file=params_file, as_of="2026-10", dataset=load_dataset()
    )
    tasks = plan_tasks(suite(), values, "2026-10", Path("/m"))
    return {f"{t.scenario}/{t.notebook.name}": t.parameters for t in tasks}


def test_common_notebooks_get_only_their_own_file():
    from dxecon.models.scenarios.config import SCENARIO_KEYS

    tasks = _tasks({"paths": 400, "horizon": 2031})
    common = {k: v for k, v in tasks.items() if k.startswith("None/")}
    sweep = common["None/07_sensitivity_sweep.ipynb"]
    assert sweep["paths"] == load_yaml(params_path("de_share_2030", "sweeps"))["paths"]
    assert (
        common["None/04_published_forecasts.ipynb"]["horizon"]
        == load_yaml(params_path("forecasts"))["horizon"]
    )
    for label, values in common.items():
        leaked = set(values) & (set(SCENARIO_KEYS) - {"as_of"})
        file = _params_file(label)  # None: a notebook of no params file (the panel)
        own = set(load_yaml(params_path(file))) if file else set()
        assert leaked <= own, (label, leaked - own)
    assert tasks["baseline/05_scenario_forecast.ipynb"]["paths"] == 400


def _params_file(label: str) -> str:
    from dxecon.pipeline.suite import suite

    return next(nb.params_file for nb in suite() if label.endswith(nb.name))


def test_params_file_and_scenario_plan_identically(tmp_path):
    file = tmp_path / "mine.yaml"
    shutil.copy(params_path("baseline", "scenarios"), file)
    assert _tasks(load_yaml(file), str(file)) == _tasks({})


def _run_one(notebook: str, params_dir: Path, folder: Path) -> list[str]:
    """Execute one common notebook as the runner plans it (its own params file injected;
    ``folder`` holds no run, so it computes its step); returns what its cells show."""
    import nbformat

    from dxecon.pipeline.execute import environment, execute_task
    from dxecon.pipeline.run import plan_tasks
    from dxecon.pipeline.suite import suite

    (nb,) = [n for n in suite() if n.name.startswith(notebook)]
    (task,) = plan_tasks([nb], {}, "2026-10", folder)
    with environment({"DXECON_PARAMS": str(params_dir)}):
        execute_task(task)
    book = nbformat.read(task.output, as_version=4)
    shown = [o.get("data", {}).get("text/plain", o.get("text", "")) for c in book.cells
             for o in c.get("outputs", [])]  # fmt: skip
    return [text if isinstance(text, str) else "".join(text) for text in shown]


@pytest.mark.slow
def test_params_file_value_moves_its_notebook(tmp_path, monkeypatch):
    params = tmp_path / "params"
    shutil.copytree(folders.PARAMS_DIR, params)
    monkeypatch.setattr(folders, "PARAMS_DIR", params)
    shipped = _run_one("03_", params, tmp_path / "a")
    replace_in(  # the place's value of productivity.yaml (its profile's section)
        params / "places" / f"{default_place()}.yaml",
        "employment_from_history: [2011, 2015]",
        "employment_from_history: [2014, 2015]",
    )
    changed = _run_one("03_", params, tmp_path / "b")
    assert len(shipped) == len(changed) and shipped != changed


@pytest.mark.slow
def test_params_file_and_scenario_publish_same_bytes(tmp_path, monkeypatch):
    """A scenario given as a whole file and the shipped one with the same keys laid over it
    are the same scenario: its step writes the same bytes. Checked at the step (the run's
    plan resolves the values, the scenario step computes, the store writes); the common
    steps, the same for both, are not computed twice."""
    from dxecon.pipeline.run import plan_suite
    from dxecon.pipeline.steps import run_step

    file = tmp_path / "baseline_copy.yaml"
    shutil.copy(params_path("baseline", "scenarios"), file)
    whole = {**load_yaml(file), "paths": 400}
    routes = {
        "a": {"params": whole, "params_file": str(file)},
        "b": {"params": {"paths": 400}},
    }
    diffusion = None
    for root, given in routes.items():
        run = plan_suite(
            as_of="2026-10", scenarios=["baseline"], outputs_dir=tmp_path / root,
            progress=False, notebooks=[], **given,
        )  # fmt: skip
        diffusion = diffusion or run_step("diffusion", run.ctx)
        result = run_step("scenario", run.ctx, scenario="baseline", inputs={"diffusion": diffusion})
        store.write_result(store.month_folder(tmp_path / root, "2026-10"), result)

    def tables(root: Path) -> dict[str, bytes]:
        folder = store.month_folder(root, "2026-10") / "baseline" / "tables"
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}

    assert tables(tmp_path / "a") == tables(tmp_path / "b") != {}


def test_reserved_scenario_names_are_refused(tmp_path):
    from dxecon.pipeline.run import run_suite

    for name in ("sweeps", "quick", ".hidden"):
        with pytest.raises(ParamsError, match="cannot name a scenario"):
            run_suite(as_of="2026-10", scenarios=[name], outputs_dir=tmp_path / "o")
    file = tmp_path / "sweeps.yaml"
    text = params_path("baseline", "scenarios").read_text(encoding="utf-8")
    file.write_text(text.replace("name: baseline", "name: sweeps"), encoding="utf-8")
    result = run_cli("run", "--as-of", "2026-10", "--params", str(file), "--outputs", str(tmp_path))
    assert result.exit_code == 1 and "cannot name a scenario" in result.output
    assert not (tmp_path / "o").exists() and not (tmp_path / "2026-10").exists()


def _fake_notebooks(monkeypatch, marker: str = "run"):
    """Replace the steps by 'nothing published yet' and notebook execution by copying each
    notebook and writing a small table beside it, so the publishing logic runs in seconds."""
    import dxecon.pipeline.execute as execute
    import dxecon.pipeline.run as runner
    from dxecon.core.errors import SeriesSelectionError

    def no_data(name, ctx, **kwargs):
        raise SeriesSelectionError("faked for the test", field="as_of", value=ctx.as_of, allowed=[])

    def fake(task, kernel=None):
        task.output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(task.notebook.path, task.output)
        tables = task.output.parent.parent / "tables"
        tables.mkdir(exist_ok=True)
        (tables / f"{task.notebook.path.stem}.csv").write_text(f"x\n{marker}\n")
        task.ended = time.perf_counter()
        return task

    monkeypatch.setattr(runner, "run_step", no_data)
    monkeypatch.setattr(execute, "execute_task", fake)


def test_month_publishes_at_once_as_real_folders(tmp_path, monkeypatch):
    from dxecon.pipeline.run import run_suite

    out = tmp_path / "out"
    _fake_notebooks(monkeypatch, "first")
    run_suite(as_of="2026-10", scenarios=["baseline", "lagging"], outputs_dir=out, progress=False)
    sweeps = out / "2026-10" / "sweeps" / "s"
    sweeps.mkdir(parents=True)
    (sweeps / "results.csv").write_text("kept\n")
    month = out / "2026-10"
    place = store.month_folder(out, "2026-10")  # published at once, place by place
    inode = place.stat().st_ino
    _fake_notebooks(monkeypatch, "second")
    run_suite(as_of="2026-10", scenarios=["baseline"], outputs_dir=out, progress=False)
    assert place.stat().st_ino != inode  # a new folder took the old one's place in one step
    month = place
    for folder in (month, month / "baseline", month / "lagging"):
        assert folder.is_dir() and not folder.is_symlink()
    table = "tables/05_scenario_forecast.csv"
    assert (month / "baseline" / table).read_text() == "x\nsecond\n"
    assert (month / "lagging" / table).read_text() == "x\nfirst\n"  # carried over, real copy
    assert (sweeps / "results.csv").read_text() == "kept\n"
    copy = tmp_path / "copy"
    shutil.copytree(month, copy, symlinks=True)  # what `cp -r` and zip see
    assert not any(p.is_symlink() for p in copy.rglob("*"))
    assert (copy / "lagging" / table).read_text() == "x\nfirst\n"
    assert not list((out / ".runs").iterdir())


def test_disk_full_is_one_line_and_keeps_outputs(tmp_path, monkeypatch):
    import dxecon.pipeline.run as runner

    out = tmp_path / "out"
    _fake_notebooks(monkeypatch, "first")
    runner.run_suite(as_of="2026-10", scenarios=["baseline"], outputs_dir=out, progress=False)
    before = {p: p.read_bytes() for p in (out / "2026-10").rglob("*") if p.is_file()}

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "x"))

    _fake_notebooks(monkeypatch, "second")
    monkeypatch.setattr(runner, "copy_previous", full)
    with pytest.raises(runner.OutputsWriteError) as info:
        runner.run_suite(as_of="2026-10", scenarios=["baseline"], outputs_dir=out, progress=False)
    message = str(info.value)
    assert "\n" not in message and "No space left" in message and "untouched" in message
    after = {p: p.read_bytes() for p in (out / "2026-10").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in (out / ".runs").iterdir() if p.name.startswith("staging-")]


def test_permission_denied_is_one_line(tmp_path, monkeypatch):
    import dxecon.pipeline.run as runner

    out = tmp_path / "out"

    def denied(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", denied)
    result = run_cli(
        "run", "--as-of", "2026-10", "--scenario", "baseline", "--outputs", str(out)
    )  # fmt: skip
    assert (result.exit_code == 1 and result.exception is None) or isinstance(
        result.exception, SystemExit
    )
    assert "Permission denied" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert isinstance(runner.OutputsWriteError, type)


def test_index_is_world_readable(tmp_path):
    from dxecon.apps.monthly import record

    index = record(tmp_path, [{"as_of": "2026-10", "scenario": "baseline", "status": "ok"}])
    assert stat.S_IMODE(index.stat().st_mode) & 0o644 == 0o644


def test_refused_monthly_run_leaves_the_index_alone(tmp_path):
    from dxecon.apps.monthly import run_monthly
    from dxecon.pipeline.publish import RunLockedError, outputs_lock

    index = tmp_path / "index.csv"
    index.write_text("as_of,scenario\n")
    ready, release = threading.Event(), threading.Event()

    def hold():
        with outputs_lock(tmp_path):
            ready.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    ready.wait(10)
    try:
        with pytest.raises(RunLockedError):
            run_monthly(as_of="2026-10", outputs_dir=tmp_path)
    finally:
        release.set()
        holder.join()
    assert index.read_text() == "as_of,scenario\n"


# -- 3. one resource budget ---------------------------------------------------------------
@pytest.fixture
def small_budget(tmp_path, monkeypatch):
    params = tmp_path / "params"
    shutil.copytree(folders.PARAMS_DIR, params)
    (params / "resources.yaml").write_text("memory_limit_mb: 5\n", encoding="utf-8")
    monkeypatch.setattr(folders, "PARAMS_DIR", params)
    return params


def test_memory_budget_refuses_a_run_up_front(small_budget, tmp_path):
    from dxecon.pipeline.run import run_suite

    with pytest.raises(ResourceBudgetError) as info:
        run_suite(as_of="2026-10", scenarios=["baseline"], outputs_dir=tmp_path / "o")
    message = str(info.value)
    assert "10,000 paths" in message and "MB" in message and "use at most" in message
    assert not (tmp_path / "o").exists()


def test_memory_budget_python_api_and_scenario_command(small_budget, tmp_path):
    from dxecon.data import load_dataset
    from dxecon.models.scenarios import load_scenario, resolve_start, simulate

    scenario, _ = resolve_start(load_scenario("baseline", as_of=AS_OF), load_dataset())
    with pytest.raises(ResourceBudgetError, match="use at most"):
        simulate(scenario)
    result = run_cli("scenario", "baseline", "--outputs", str(tmp_path))
    assert result.exit_code == 2 and "use at most" in result.output


def test_memory_budget_sweep(small_budget, tmp_path):
    result = run_cli("sweep", "de_share_2030", "--outputs", str(tmp_path / "o"))
    assert result.exit_code == 2 and "use at most" in result.output
    assert not (tmp_path / "o").exists()


def test_memory_budget_default_is_a_quarter_of_the_machine():
    from dxecon.models.scenarios.budget import machine_memory_bytes, memory_limit_bytes

    assert memory_limit_bytes() == machine_memory_bytes() // 4


def test_memory_budget_horizon_2100_with_a_million_paths(tmp_path):
    from dxecon.data import load_dataset
    from dxecon.models.scenarios import resolve_start, simulate
    from dxecon.models.scenarios.budget import estimate_bytes, memory_limit_bytes
    from dxecon.pipeline.context import Context
    from dxecon.pipeline.steps.scenario import scenario_from_context

    dataset = load_dataset()
    huge = {"scenarios/baseline.yaml": {"horizon": 2100, "paths": 1_000_000}}
    scenario = scenario_from_context(Context(dataset, AS_OF, overrides=huge), "baseline")
    scenario, _ = resolve_start(scenario, dataset)
    if estimate_bytes(1_000_000, 4, 75) <= memory_limit_bytes():
        pytest.skip("this machine's budget would allow it")
    with pytest.raises(ResourceBudgetError, match="use at most"):
        simulate(scenario)


def test_scenario_paths_override_obeys_the_cap(tmp_path):
    result = run_cli("scenario", "baseline", "--paths", "100000000", "--outputs", str(tmp_path))
    assert result.exit_code == 2 and "paths" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, MemoryError)


# -- 4. nothing hangs, nothing lingers ----------------------------------------------------
def _listener(reply: bytes | None):
    """A loopback server that accepts, then sends ``reply`` after reading, or nothing."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        held = []
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by the test
                break
            held.append(conn)
            if reply is not None:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    conn.recv(1024)
                conn.sendall(reply)
        for conn in held:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server, stop


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (None, "sent no Dask greeting"),
        (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "not a Dask scheduler"),
    ],
    ids=["silent", "http"],
)
def test_silent_listener_is_a_clear_error_in_time(tmp_path, reply, expected):
    pytest.importorskip("distributed")
    server, stop = _listener(reply)
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        start = time.perf_counter()
        result = run_cli(
            "sweep", "de_share_2030", "--scheduler", address, "--timeout", "1",
            "--outputs", str(tmp_path / "o"),
        )  # fmt: skip
        seconds = time.perf_counter() - start
    finally:
        stop.set()
        server.close()
    assert result.exit_code == 2 and expected in result.output, result.output
    assert "Traceback" not in result.output
    # a hang guard (without the 1 s --timeout the CLI would wait for ever), not a speed
    # goal: generous, so a busy 2-core machine does not fail it
    assert seconds < 60


def test_http_listener_is_a_clear_error():
    pytest.importorskip("distributed")
    from dxecon.models.sweeps.engines import probe_scheduler

    server, stop = _listener(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    try:
        # A server that speaks first: our probe sends nothing, so it waits; a real HTTP
        # server waits for a request, which the probe's silence turns into a timeout.
        with pytest.raises(ParamsError, match="Dask"):
            probe_scheduler(f"tcp://127.0.0.1:{server.getsockname()[1]}", timeout=1)
    finally:
        stop.set()
        server.close()


def _tagged(marker: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            environ = Path(f"/proc/{name}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"DXECON_TEST_MARKER={marker}".encode() in environ:
            found.append(int(name))
    return found


def _spawning_suite(folder: Path) -> Path:
    """A one-notebook suite whose kernel starts a grandchild in a session of its own (as a
    sweep's forkserver and pool workers did), then works for minutes."""
    import nbformat

    kernel = {"name": "dxecon", "display_name": "Python (dxecon)", "language": "python"}
    book = nbformat.v4.new_notebook(metadata={"kernelspec": kernel})
    params = nbformat.v4.new_code_cell('as_of = "2026-10"\noutput_dir = ""')
    params.metadata["tags"] = ["parameters"]
    work = nbformat.v4.new_code_cell(
        "import subprocess, time\n"
        "subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
        "time.sleep(300)"
    )
    book.cells = [params, work]
    folder.mkdir()
    nbformat.write(book, folder / "01_spawn.ipynb")
    return folder


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc (Linux)")
def test_sigkilled_run_leaves_no_descendant(tmp_path):
    marker = f"m{os.getpid()}x{time.time_ns()}"
    code = (
        "from dxecon.pipeline.run import run_suite; "
        f"run_suite(as_of='2026-10', scenarios=['baseline'], outputs_dir={str(tmp_path)!r}, "
        "progress=False)"
    )
    env = {**os.environ, "DXECON_TEST_MARKER": marker}
    env["DXECON_NOTEBOOKS"] = str(_spawning_suite(tmp_path / "notebooks"))
    env.pop("DXECON_RUN_TOKEN", None)
    run = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=folders.PROJECT_ROOT)

    def grandchild_started() -> bool:
        for pid in _tagged(marker):
            with contextlib.suppress(OSError):
                if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"sleep"):
                    return True
        return False

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not grandchild_started():
        time.sleep(0.2)
    assert grandchild_started(), "the run never started its kernel's child"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    # The watchdog kills at once; a process forked from the run dies with it. Wait until
    # none is left (at most 10 s), then once more a second later: none came back.
    deadline = time.monotonic() + 10
    while _tagged(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    alive = _tagged(marker)
    for pid in alive:  # clean up before failing
        os.kill(pid, signal.SIGKILL)
    assert alive == []


# -- 5. --data everywhere, codes, short series -------------------------------------------
def test_scenario_geo_checked_against_data_codes(tmp_path):
    file = tmp_path / "mine.yaml"
    text = params_path("baseline", "scenarios").read_text(encoding="utf-8")
    file.write_text(f"{text}\ngeo: XX_NOT_A_CODE\n", encoding="utf-8")
    result = run_cli("run", "--as-of", "2026-10", "--params", str(file), "--outputs", str(tmp_path))
    assert result.exit_code == 1
    assert str(file) in result.output and "field 'geo'" in result.output
    assert "codes/geographies.csv" in result.output


def test_scenario_place_checked_against_the_profiles(tmp_path):
    file = tmp_path / "mine.yaml"
    text = params_path("baseline", "scenarios").read_text(encoding="utf-8")
    assert "\nplace: any" in text
    file.write_text(text.replace("\nplace: any", "\nplace: HPP"), encoding="utf-8")
    result = run_cli("run", "--as-of", "2026-10", "--params", str(file), "--outputs", str(tmp_path))
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    assert str(file) in result.output and "field 'place'" in result.output
    assert "did you mean 'HP'" in result.output and not (tmp_path / "2026-10").exists()
    from dxecon.data import load_dataset
    from dxecon.models.scenarios import run_scenario
    from dxecon.pipeline.context import Context
    from dxecon.pipeline.steps.scenario import scenario_from_context

    dataset = load_dataset()
    elsewhere = Context(dataset, AS_OF, overrides={"scenarios/baseline.yaml": {"geo": "ZZ"}})
    with pytest.raises(ParamsError, match="geo"):
        run_scenario(scenario_from_context(elsewhere, "baseline"), dataset=dataset)


def test_every_command_takes_data():
    for command in (["run"], ["monthly"], ["scenario"], ["sweep"], ["data", "check"], ["targets"]):
        result = run_cli(*command, "--help")
        assert "--data" in result.output, command


def test_run_uses_the_data_folder(tmp_path, data_copy, monkeypatch):
    from dxecon.pipeline.run import run_suite

    replace_in(data_copy / "codes/geographies.csv", "HP2025,", "HP2026,", 1)
    with pytest.raises((ParamsError, DataValidationError)):
        run_suite(as_of="2026-10", scenarios=["baseline"], outputs_dir=tmp_path, data_dir=data_copy)


def test_all_series_too_short_is_explained(dataset):
    from dxecon.core.facts import facts_of
    from dxecon.models.forecast.catalog import (
        backtest_catalog,
        entries_from_params,
        forecast_catalog,
    )

    specs = [
        {"indicator": "de_share", "geo": "VN", "method": "GSO", "start": 2023},
        {"indicator": "grdp_growth_real", "geo": "HP", "start": 2022},
    ]
    entries = entries_from_params(dataset, specs, as_of="2026-10")
    scores = backtest_catalog(entries)
    shown = scores[["series", "model", "mase", "smape", "coverage", "origins", "eligible"]]
    assert (shown["model"] == "(none)").all()
    for note in scores["note"]:  # the backtest refused: the points it needs, the series has
        (why,) = facts_of(note)
        assert why["code"] == "backtest_too_short" and why["needed"] > why["points"]
    assert not forecast_catalog(entries, until=2030).empty


# -- 6. errors name the user's file -------------------------------------------------------
def test_errors_name_the_users_params_file(tmp_path):
    file = tmp_path / "mine.yaml"
    text = params_path("baseline", "scenarios").read_text(encoding="utf-8")
    typo = text.replace("growth: {from_history: [2019", "growth: {from_histroy: [2019", 1)
    file.write_text(typo, encoding="utf-8")
    result = run_cli("run", "--as-of", "2026-10", "--params", str(file), "--outputs", str(tmp_path))
    assert result.exit_code == 1 and str(file) in result.output
    assert "baseline.yaml" not in result.output and "sectors.agro.growth" in result.output
    assert "did you mean 'from_history'" in result.output
    bad = tmp_path / "bad_as_of.yaml"
    bad.write_text(text, encoding="utf-8")
    result = run_cli("run", "--as-of", "2026-13", "--params", str(bad), "--outputs", str(tmp_path))
    assert result.exit_code == 1 and "baseline.yaml" not in result.output
    assert "2026-13" in result.output
    # The as-of date is the run's: a saved scenario holding one is refused, naming the fix.
    dated = tmp_path / "dated.yaml"
    dated.write_text(text + "as_of: 2026-10\n", encoding="utf-8")
    result = run_cli(
        "run", "--as-of", "2026-10", "--params", str(dated), "--outputs", str(tmp_path)
    )
    assert result.exit_code == 1 and str(dated) in result.output
    assert "field 'as_of'" in result.output and "remove the as_of line" in result.output


def test_empty_params_file_is_a_clear_error(tmp_path):
    file = tmp_path / "empty.yaml"
    file.write_text("# nothing yet\n", encoding="utf-8")
    result = run_cli("run", "--as-of", "2026-10", "--params", str(file), "--outputs", str(tmp_path))
    assert result.exit_code == 1 and str(file) in result.output and "empty" in result.output


def test_no_test_writes_into_outputs():
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        pattern = "OUTPUTS_DIR" + " /"  # split: this file would match itself
        assert pattern not in text, f"{path.name} builds a path under outputs/"


def test_memory_budget_explorer(small_budget, dataset, tmp_path):
    from dxecon.apps.explorer import ScenarioExplorer

    explorer = ScenarioExplorer(dataset=dataset, save_dir=tmp_path / "saved", as_of=AS_OF)
    assert explorer.result is None and "use at most" in (explorer.error or "")
