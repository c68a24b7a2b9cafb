"""Sensitivity sweeps: validation before any work, the variant function, engine equality
(serial, local pool, a real loopback Dask cluster), outputs and the command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import AS_OF, shipped_dataset

from dxecon.apps.cli import sweep as sweep_command
from dxecon.core import folders
from dxecon.core.errors import DxeconError, ParamsError
from dxecon.core.params import load_yaml, params_path
from dxecon.data.targets import TargetRegistry
from dxecon.models.scenarios import load_scenario, score, simulate
from dxecon.models.sweeps import (
    build_variants,
    evaluate_variant,
    key_targets,
    load_sweep,
    run_sweep,
    sweep_from_dict,
    variant_seed,
)
from dxecon.models.sweeps.engines import connect
from dxecon.present.sweep_text import failure_summary
from dxecon.present.words import Words

#: The shipped sweep's key targets (ids of data/targets.csv).
KEY_TARGETS = load_yaml(params_path("de_share_2030", "sweeps"))["key_targets"]
#: A small sweep: 1 base + 4 tornado + 9 surface + 12 sampled variants, 200 paths each.
SMALL = {
    "base": "baseline",
    "key_targets": KEY_TARGETS,
    "seed": 7,
    "paths": 200,
    "design": "latin_hypercube",
    "samples": 12,
    "parameters": {
        "sectors.*.intensity.speed": {"low": 0.05, "high": 0.4},
        "sectors.ind_con.growth.mean": {
            "distribution": "triangular",
            "low": 10,
            "mode": 14,
            "high": 18,
        },
    },
    "surface": {"x": "sectors.ind_con.growth.mean", "y": "sectors.*.intensity.speed", "steps": 3},
}


@pytest.fixture(scope="module")
def registry(dataset):
    return TargetRegistry(dataset)


def small(**changes):
    return sweep_from_dict(
        {**SMALL, **changes},
        name="small",
        file="small.yaml",
        as_of=AS_OF,
        dataset=shipped_dataset(),
    )


def write_yaml(path: Path, data: dict) -> Path:
    import yaml

    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


# -- validation, before any work ---------------------------------------------------------
def test_shipped_sweep_is_valid_and_documented():
    spec = load_sweep("de_share_2030", as_of=AS_OF, dataset=shipped_dataset())
    assert spec.base == "baseline" and spec.size == 1 + 16 + 81 + 1000
    assert spec.parameter("sectors.*.intensity.speed").targets == (
        "sectors.agro.intensity.speed",
        "sectors.ind_con.intensity.speed",
        "sectors.services.intensity.speed",
    )
    assert spec.file == "params/sweeps/de_share_2030.yaml"  # no machine path in messages
    text = params_path("de_share_2030", "sweeps").read_text(encoding="utf-8")
    assert text.count("#") > 20  # every choice is explained next to it


def test_unknown_parameter_suggests_the_closest_path():
    with pytest.raises(ParamsError) as info:
        small(parameters={"sectors.ind_con.intensity.sped": {"low": 0.1, "high": 0.2}})
    assert info.value.field == "parameters.sectors.ind_con.intensity.sped"
    assert "did you mean 'sectors.ind_con.intensity.speed'" in str(info.value)
    assert info.value.file == "small.yaml"


def test_structural_numbers_cannot_be_swept():
    with pytest.raises(ParamsError, match="'horizon' cannot be swept"):
        small(parameters={"horizon": {"low": 2030, "high": 2035}}, surface=None)


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"low": 0.3, "high": 0.1}, "", "empty range: low 0.3 must be below high 0.1"),
        ({"low": 0.2, "high": 0.2}, "", "empty range"),
        ({"values": []}, ".values", "empty range"),
        ({"low": 0.1}, "", "missing ['high']"),
        ({"low": 0.1, "hihg": 0.2, "steps": 3}, ".hihg", "did you mean 'high'"),
        ({"low": 0.1, "high": 0.2, "steps": 1}, ".steps", "whole number >= 2"),
        ({"low": -1.0, "high": 0.2, "steps": 3}, "", "value -1 makes the base scenario invalid"),
    ],
)
def test_bad_grid_ranges_name_the_field(spec, field, message):
    name = "sectors.ind_con.intensity.speed"
    with pytest.raises(ParamsError) as info:
        small(design="grid", samples=None, surface=None, parameters={name: spec})
    assert info.value.field == f"parameters.{name}{field}"
    assert message in str(info.value)


def test_sweep_over_the_limit_shows_the_count():
    grid = {"low": 0.05, "high": 0.4, "steps": 30}
    parameters = {
        "sectors.agro.intensity.speed": grid,
        "sectors.ind_con.intensity.speed": grid,
        "sectors.services.intensity.speed": grid,
    }
    with pytest.raises(ParamsError) as info:
        sweep_from_dict(
            {**SMALL, "design": "grid", "samples": None, "surface": None, "parameters": parameters},
            name="big",
            file="big.yaml",
            as_of=AS_OF,
            limit=20_000,
            dataset=shipped_dataset(),
        )
    assert "27,007 variants" in str(info.value) and "limit 20,000" in str(info.value)


def test_unknown_key_base_and_design_are_rejected():
    with pytest.raises(ParamsError, match="did you mean 'samples'"):
        small(sampels=3)
    with pytest.raises(ParamsError, match="unknown scenario 'basline'") as info:
        small(base="basline")
    assert info.value.field == "base"
    with pytest.raises(ParamsError, match="allowed: grid, random, latin_hypercube"):
        small(design="sobol")
    with pytest.raises(ParamsError, match="is not one of the sweep's parameters") as info:
        small(surface={"x": "deflator.mean", "y": "sectors.*.intensity.speed"})
    assert info.value.field == "surface.x"


def test_a_range_centred_on_base_takes_the_figure_the_base_computes():
    # The shipped sweep types no growth figure: 'mode: base' is the baseline's industry
    # growth as computed from data/ at run time.
    spec = load_sweep("de_share_2030", as_of=AS_OF, dataset=shipped_dataset())
    growth = spec.parameter("sectors.ind_con.growth.mean")
    assert growth.mode == spec.base_scenario["sectors"]["ind_con"]["growth"]["mean"]
    # A sweep varies the figure the engine uses, never the override that may have set it.
    from dxecon.models.sweeps.spec import sweepable_paths

    growth = {"from_history": [2019, 2025], "override": {"mean": 9.0}, "mean": 9.0, "sd": 1.0}
    assert sweepable_paths({"deflator": growth}) == {"deflator.mean": 9.0, "deflator.sd": 1.0}
    triangular = {"distribution": "triangular", "low": 10, "mode": "base", "high": 12}
    with pytest.raises(ParamsError, match=r"outside the range 10\.\.12; widen it") as info:
        small(parameters={"sectors.ind_con.growth.mean": triangular}, surface=None)
    assert info.value.field == "parameters.sectors.ind_con.growth.mean.mode"
    with pytest.raises(ParamsError, match="values differ or are drawn per path"):
        small(
            parameters={"sectors.*.growth.mean": {**triangular, "low": 0, "high": 20}},
            surface=None,
        )


def test_unreachable_scheduler_fails_before_work(tmp_path):
    with pytest.raises(ParamsError) as info:
        connect("tcp://127.0.0.1:9", timeout=0.5)
    assert info.value.field == "--scheduler" and "no Dask scheduler answered" in str(info.value)
    with pytest.raises(ParamsError, match="not a scheduler address"):
        connect("not an address")


# -- the plan and the variant function ---------------------------------------------------
def test_plan_groups_and_one_at_a_time_ends():
    spec = small()
    plan = spec.plan()
    assert plan["group"].value_counts().to_dict() == {
        "sample": 12,
        "surface": 9,
        "tornado": 4,
        "base": 1,
    }
    assert list(plan["variant"]) == list(range(26))
    speed = "sectors.*.intensity.speed"
    ends = plan[plan["varied"] == speed]
    assert list(ends[speed]) == [0.05, 0.4]
    base = spec.base_scenario["sectors"]["ind_con"]["growth"]["mean"]  # computed from data/
    assert (ends["sectors.ind_con.growth.mean"] == base).all()  # the other one at base
    sample = plan[plan["group"] == "sample"]
    assert sample[speed].between(0.05, 0.4).all()
    # Latin hypercube: exactly one draw in each twelfth of the range
    strata = np.floor((sample[speed] - 0.05) / (0.35 / 12)).astype(int)
    assert sorted(strata) == list(range(12))


def test_variant_seeds_are_deterministic_and_distinct():
    assert variant_seed(7, 3) == variant_seed(7, 3)
    assert len({variant_seed(7, i) for i in range(100)}) == 100
    assert variant_seed(8, 3) != variant_seed(7, 3)
    assert variant_seed(7, 3, common=True) == variant_seed(7, 99, common=True)


def test_fast_scoring_agrees_with_the_scorecard(registry, dataset):
    """The sweep scores the key targets on arrays; the scorecard is the reference."""
    from dxecon.models.scenarios import resolve_start

    # TGT021 probability strictly inside (0, 1)
    scenario, _ = resolve_start(load_scenario("accelerated", as_of=AS_OF), dataset)
    paths = simulate(scenario, paths=3000)
    card = score(paths, registry, dataset).frame.set_index("goal_id")
    from dxecon.models.sweeps.evaluate import score_targets

    fast = score_targets(paths, key_targets(registry, KEY_TARGETS))
    for target in key_targets(registry, KEY_TARGETS):
        row = card.loc[target.target_id]
        assert fast[f"{target.target_id}_probability"] == pytest.approx(row["probability"])
        assert fast[f"{target.target_id}_median"] == pytest.approx(row["median"])
    assert 0 < fast["TGT021_probability"] < 1


def test_evaluate_variant_is_pure_and_reports_failures(registry):
    spec = small()
    variants = build_variants(spec, spec.plan(), key_targets(registry, KEY_TARGETS))
    first = evaluate_variant(variants[5])
    assert evaluate_variant(variants[5]) == first and first["error"] == ""
    import pickle

    # plain data a worker elsewhere gets as it is: the same numbers from a pickled copy
    assert evaluate_variant(pickle.loads(pickle.dumps(variants[5]))) == first
    # A combination the scenario rejects (ceiling below the start) fails alone, with reason.
    broken = variants[5].__class__(
        **{**variants[5].__dict__, "overrides": (("sectors.ind_con.intensity.ceiling", 20.0),)}
    )
    row = evaluate_variant(broken)
    assert "ceiling 20.0 is below the starting share" in row["error"]
    assert np.isnan(row["TGT021_probability"])


def test_failed_variants_are_kept_with_their_parameters(registry):
    # Ceilings 25..55 against a services start of 16.89 are valid alone; with the start
    # swept too, some combinations put the ceiling under the start.
    spec = small(
        design="grid",
        samples=None,
        surface=None,
        parameters={
            "sectors.services.intensity.start": {"values": [16.89, 30.0]},
            "sectors.services.intensity.ceiling": {"values": [25.0, 45.0]},
        },
    )
    result = run_sweep(spec, engine="serial", registry=registry)
    failures = result.failures()
    assert list(failures["variant"]) == [
        v
        for v, s, c in zip(
            result.table["variant"],
            result.table["sectors.services.intensity.start"],
            result.table["sectors.services.intensity.ceiling"],
            strict=True,
        )
        if c < s
    ]
    assert len(failures) >= 1 and (result.table["error"] == "").sum() >= 5
    assert failures["error"].str.contains("below the starting share").all()
    # The end of the sweep says how many failed and why, each reason once with its count.
    reasons = result.failure_reasons()
    assert reasons["variants"].sum() == len(failures)
    assert list(reasons["first_variant"]) == sorted(reasons["first_variant"])
    summary = failure_summary(result, Words("en"))
    assert summary.startswith(f"{len(failures)} of {len(result.table)} variants failed")
    assert reasons["reason"].iloc[0] in summary and "variant(s), first: variant" in summary


#: 1 base + 2 tornado + 2 grid variants of 50 paths: the cheapest sweep that runs.
TINY = {
    **SMALL,
    "paths": 50,
    "design": "grid",
    "samples": None,
    "surface": None,
    "parameters": {"deflator.mean": {"values": [1.0, 4.0]}},
}


def test_a_bug_in_a_variant_stops_the_sweep(monkeypatch, registry):
    """Only an invalid combination is a variant's result: a programming error propagates
    with its traceback, on the serial engine and through the local pool."""

    def broken(*args, **kwargs):
        raise TypeError("a bug, not a bad assumption")

    monkeypatch.setattr("dxecon.models.scenarios.engine.simulate", broken)
    spec = sweep_from_dict(
        TINY, name="tiny", file="tiny.yaml", as_of=AS_OF, dataset=shipped_dataset()
    )
    with pytest.raises(TypeError, match="a bug, not a bad assumption"):
        run_sweep(spec, engine="serial", registry=registry)
    from multiprocessing import get_context

    from dxecon.models.sweeps.engines import map_variants

    variants = build_variants(spec, spec.plan(), key_targets(registry, KEY_TARGETS))
    with pytest.raises(TypeError, match="a bug, not a bad assumption"):  # forked: patched too
        map_variants(variants, engine="local", workers=1, mp_context=get_context("fork"))


def test_cli_exits_non_zero_when_every_variant_failed(
    monkeypatch, tmp_path, shipped_data_loaded_once
):
    """Every variant an invalid combination (the engine rejects what it draws): the
    command says how many failed and why, keeps the table and exits 1."""
    import dxecon.models.sweeps

    def rejects(scenario, *args, **kwargs):
        raise ParamsError("tiny.yaml", "diffusion.ceiling", "a ceiling must exceed the start")

    monkeypatch.setattr("dxecon.models.scenarios.engine.simulate", rejects)
    serial = dxecon.models.sweeps.run_sweep
    monkeypatch.setattr(
        dxecon.models.sweeps,
        "run_sweep",
        lambda spec, **kw: serial(spec, **{**kw, "engine": "serial"}),
    )
    file = write_yaml(tmp_path / "tiny.yaml", TINY)
    result = CliRunner().invoke(
        sweep_command, ["--as-of", AS_OF, str(file), "--outputs", str(tmp_path / "out")]
    )
    assert result.exit_code == 1, result.output
    assert "5 of 5 variants failed (1 distinct reasons)" in result.output
    assert "field 'diffusion.ceiling': a ceiling must exceed the start (5 variant(s)" in (
        result.output
    )
    assert (tmp_path / "out" / "2026-10" / "sweeps" / "tiny" / "results.csv").is_file()


# -- engines -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def serial_table(registry):
    return run_sweep(small(), engine="serial", registry=registry).table


def test_local_pool_equals_serial(serial_table, registry):
    local = run_sweep(small(), engine="local", workers=2, chunk_size=3, registry=registry)
    pd.testing.assert_frame_equal(local.table, serial_table)
    assert (serial_table["error"] == "").all()
    assert serial_table["seed"].nunique() == len(serial_table)  # per-variant seeds


def test_results_do_not_depend_on_chunking(serial_table, registry):
    again = run_sweep(small(), engine="serial", chunk_size=1, registry=registry)
    pd.testing.assert_frame_equal(again.table, serial_table)


def test_tornado_ranks_the_swing_and_a_placebo_has_none(registry):
    spec = small(
        common_random_numbers=True,
        surface=None,
        parameters={
            "sectors.*.intensity.speed": {"low": 0.05, "high": 0.4},
            "deflator.mean": {"low": 0.0, "high": 5.0},  # moves nominal only
        },
    )
    tornado = run_sweep(spec, engine="serial", registry=registry).tornado()
    de = tornado[tornado["target_id"] == "TGT021"].set_index("parameter")
    assert de.loc["sectors.*.intensity.speed", "rank"] == 1
    assert de.loc["sectors.*.intensity.speed", "probability_high"] > 0.5
    assert de.loc["deflator.mean", "median_swing"] == 0.0  # common random numbers: exact


def test_write_outputs(tmp_path, registry):
    result = run_sweep(small(), engine="serial", registry=registry)
    folder = result.write(tmp_path)
    assert folder == tmp_path / "2026-10" / "sweeps" / "small"
    table = pd.read_csv(folder / "results.csv", keep_default_na=False)
    assert len(table) == 26 and "TGT021_probability" in table
    tornado = pd.read_csv(folder / "tornado.csv")
    assert set(tornado["target_id"]) == {"TGT021", "TGT022", "TGT023"}
    assert len(pd.read_csv(folder / "surface.csv")) == 9
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp files


# -- command line ------------------------------------------------------------------------
def test_cli_runs_and_writes(tmp_path, shipped_data_loaded_once):
    file = write_yaml(tmp_path / "mini.yaml", SMALL)
    result = CliRunner().invoke(
        sweep_command,
        ["--as-of", AS_OF, str(file), "--outputs", str(tmp_path / "out"), "--workers", "2"],
    )
    assert result.exit_code == 0, result.output
    assert "26 variants" in result.output and "0 failed" in result.output
    assert (tmp_path / "out" / "2026-10" / "sweeps" / "mini" / "tornado.csv").is_file()


def test_cli_refuses_before_work(tmp_path, shipped_data_loaded_once):
    file = write_yaml(tmp_path / "mini.yaml", SMALL)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        sweep_command, ["--as-of", AS_OF, str(file), "--outputs", str(out), "--limit", "10"]
    )
    assert result.exit_code == 2 and "26 variants" in result.output and "limit 10" in result.output
    result = CliRunner().invoke(
        sweep_command,
        [
            "--as-of",
            AS_OF,
            str(file),
            "--outputs",
            str(out),
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--timeout",
            "0.5",
        ],
    )
    assert result.exit_code == 2 and "no Dask scheduler answered" in result.output
    result = CliRunner().invoke(
        sweep_command, ["--as-of", AS_OF, "no_such_sweep", "--outputs", str(out)]
    )
    assert result.exit_code == 2 and "shipped: de_share_2030" in result.output
    assert not out.exists()


def test_every_sweep_key_is_a_sweep_key_and_notebook_07_reads_the_shipped_sweep():
    # Which keys notebook 07 gets, and that its defaults agree with the file:
    # tests/test_runner.py::test_each_notebook_reads_its_own_params_file_and_defaults_agree
    from dxecon.models.sweeps.spec import SWEEP_KEYS
    from dxecon.pipeline.suite import suite

    for path in sorted((folders.PARAMS_DIR / "sweeps").glob("*.yaml")):
        assert set(load_yaml(path)) <= set(SWEEP_KEYS)
    (sweep_notebook,) = [nb for nb in suite() if nb.name.startswith("07_")]
    assert sweep_notebook.params_file == "sweeps/de_share_2030.yaml"


# -- a real Dask cluster on loopback -----------------------------------------------------
@pytest.fixture(scope="module")
def dask_scheduler(tmp_path_factory):
    """A scheduler and two one-thread workers, as subprocesses in their own sessions."""
    pytest.importorskip("distributed")
    root = tmp_path_factory.mktemp("dask")
    dask = str(Path(sys.executable).parent / "dask")
    scheduler_file = root / "scheduler.json"
    env = {**os.environ, "DASK_TEMPORARY_DIRECTORY": str(root)}
    loopback = ["--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0"]
    processes = [
        subprocess.Popen(
            [dask, "scheduler", *loopback, "--port", "0", "--scheduler-file", str(scheduler_file)],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert scheduler_file.is_file(), "the Dask scheduler did not start"
        for name in ("w0", "w1"):
            processes.append(
                subprocess.Popen(
                    [
                        dask,
                        "worker",
                        "--scheduler-file",
                        str(scheduler_file),
                        *loopback,
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--name",
                        name,
                        "--local-directory",
                        str(root),
                        "--memory-limit",
                        "1GiB",
                    ],
                    env=env,
                    start_new_session=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        time.sleep(0.5)  # a scheduler file can be half-written for a moment
        address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        client = connect(address, timeout=60)
        client.wait_for_workers(2, timeout=60)
        client.close()
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.slow
def test_dask_cluster_equals_local(dask_scheduler, serial_table, registry):
    remote = run_sweep(small(), scheduler=dask_scheduler, chunk_size=2, registry=registry)
    assert remote.engine == "dask"
    pd.testing.assert_frame_equal(remote.table, serial_table)


@pytest.mark.slow
def test_cli_on_dask(dask_scheduler, tmp_path, serial_table):
    file = write_yaml(tmp_path / "small.yaml", SMALL)
    result = CliRunner().invoke(
        sweep_command,
        ["--as-of", AS_OF, str(file), "--scheduler", dask_scheduler, "--outputs", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert f"Dask at {dask_scheduler}" in result.output
    written = pd.read_csv(
        tmp_path / "2026-10" / "sweeps" / "small" / "results.csv", keep_default_na=False
    )
    expected = pd.read_csv(
        __import__("io").StringIO(serial_table.to_csv(index=False)), keep_default_na=False
    )
    pd.testing.assert_frame_equal(written, expected)


@pytest.mark.slow
def test_dask_task_timeout_fails_the_chunks_left(dask_scheduler, registry):
    # 200,000 paths a variant: each chunk takes far longer than the 0.01 s allowed.
    with pytest.raises(DxeconError, match=r"no chunk finished within 0\.01 s"):
        run_sweep(
            small(paths=200_000),
            scheduler=dask_scheduler,
            chunk_size=6,
            registry=registry,
            task_timeout=0.01,
        )
