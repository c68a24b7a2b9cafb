"""A run, from its inputs to the published month, computing every step once.

1. **Load and check once.** The data folder is loaded and validated once and every scenario
   checked (its file, its codes, the resource budget) before anything is computed; one
   `Context` (the data, the as-of, the language, each scenario's values) serves every step.
2. **Compute once, write once.** Each common step is computed once, each
   scenario step once per scenario (the scorecard reads the scenario's result in memory),
   each month step once over every scenario of the month; the common steps that no other
   step of the run needs are computed meanwhile in a process of their own (`StepsApart`);
   each output is written once
   (`dxecon.pipeline.store`) into a staging folder, the charts by a process of their own
   (`ChartWriter`: drawing a PNG is the costliest write, and the run's process computes the
   next step meanwhile). A step that cannot run for the as-of
   (nothing published yet: `SeriesSelectionError`) writes nothing, nor do the steps that
   need it, and the manifest says why.
3. **Notebooks show.** Each notebook is executed with papermill (`dxecon.pipeline.execute`)
   as soon as the steps it opens are written, while the run computes the next ones: it
   loads the saved outputs (its inputs are the run's, as the manifest records them) and
   shows them.
4. **Publish at once.** The month's report is built from the staged outputs, then the
   month folder is published atomically (`dxecon.pipeline.publish`), with real copies of
   the scenarios this run does not replace. A failed run keeps its partial folder
   (``.runs/failed-*``) for debugging and changes nothing else.
Which notebooks run, with which parameters: `dxecon.pipeline.suite`.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dxecon.core import folders
from dxecon.core.errors import DxeconError, ParamsError, SeriesSelectionError
from dxecon.core.folders import RESERVED_NAMES, slugify
from dxecon.pipeline import store
from dxecon.pipeline.context import Context, notebook_inputs
from dxecon.pipeline.execute import (
    NotebookPool,
    RunError,
    Task,
    environment,
    one_blas_thread,
    single_threaded_blas,
    task_label,
    yield_to_the_run,
)
from dxecon.pipeline.manifest import package_versions, read_manifest, run_inputs, write_manifest
from dxecon.pipeline.publish import (
    OutputsWriteError,
    clean_stale,
    copy_previous,
    outputs_lock,
    publish_month,
)
from dxecon.pipeline.steps import STEPS, StepResult, run_step
from dxecon.pipeline.suite import Notebook, check_params, notebook_values, suite


def check_scenario_name(name: str, *, file: str = "<command line>") -> None:
    """Refuse names that are folders of the outputs layout (``sweeps``, ``common``, ...) or
    hidden (a leading dot): a scenario of that name would overwrite them."""
    if name in RESERVED_NAMES or name.startswith(".") or "/" in name or not name:
        raise ParamsError(
            file,
            "name",
            f"{name!r} cannot name a scenario: {', '.join(RESERVED_NAMES)} and names starting "
            "with a dot are folders of the outputs layout; choose another name",
        )


@dataclass
class RunResult:
    """What a run published, and how long each part took.

    ``stages``: seconds of loading and checking the inputs (``load``), computing the steps
    (``steps``), writing their outputs (``write``), executing the notebooks (``notebooks``:
    from the first start to the last end, alongside the steps), the month's report
    (``report``), waiting for the last notebooks after it (``wait``) and publishing
    (``publish``); ``steps``: each step's seconds; ``durations``: each notebook's.
    """

    as_of: str
    month: Path | None = None
    folders: dict[str, Path] = field(default_factory=dict)  # scenario -> published folder
    durations: dict[str, float] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    report_problem: str | None = None  # why the month's report was not written, if it was not


#: What must be equal for an earlier month's run to have had a run's inputs (with its
#: parameters), besides the as-of.
SAME_INPUTS = ("data_checksum_sha256", "params_checksum_sha256", "code_revision")

#: Writes the month's report into a staged month folder: ``month_report(month)``.
MonthReport = Callable[[Path], object]


def scenario_values(
    name: str, params: dict[str, Any], *, params_file: str | None, as_of: str
) -> tuple[dict[str, Any], str]:
    """A scenario's whole file as notebook parameters: the shipped ``NAME.yaml`` with
    ``params`` laid over it (a whole scenario from ``--params`` replaces it) and the run's
    ``as_of``, and the file that errors must name (the user's, when the values come from
    it). Neither file may hold what the run gives or computes
    (`dxecon.models.scenarios.config.check_scenario_file`)."""
    from dxecon.core.params import load_yaml, params_path
    from dxecon.models.scenarios.config import check_scenario_file

    shipped = params_path(name, "scenarios")
    check_scenario_file(params, file=params_file or "<parameters>")
    whole = "sectors" in params and "description" in params
    if whole or not shipped.is_file():
        values, file = {}, params_file or "<parameters>"
    else:
        values, file = load_yaml(shipped), str(shipped)
        check_scenario_file(values, file=file)
        if params and params_file:
            file = params_file
    values.update(params)
    values["name"] = name
    values["as_of"] = as_of
    return values, file


def validate_scenarios(
    scenarios: list[str], params: dict[str, Any], *, params_file: str | None, as_of: str, dataset
) -> dict[str, dict[str, Any]]:
    """Every scenario fully checked before anything is computed: its file, its codes against
    the data folder's code lists, and the resource budget. Returns name -> its values."""
    from dxecon.data.targets import TargetRegistry
    from dxecon.models.scenarios.budget import check_budget
    from dxecon.models.scenarios.config import check_scenario_codes, scenario_from_dict
    from dxecon.models.scenarios.start import resolve_start

    known = TargetRegistry(dataset).instruments
    found = {}
    for name in scenarios:
        check_scenario_name(name, file=params_file or "<command line>")
        values, file = scenario_values(name, params, params_file=params_file, as_of=as_of)
        if not values.get("sectors") and file == "<parameters>":
            from dxecon.core.params import params_path
            from dxecon.models.scenarios import available_scenarios

            shipped = ", ".join(available_scenarios()) or "none"
            raise ParamsError(
                str(params_path(name, "scenarios")),
                "name",
                f"unknown scenario '{name}'; shipped: {shipped}",
            )
        scenario = scenario_from_dict(values, file=file, known_instruments=known)
        check_scenario_codes(scenario, dataset, file=file)
        # The observed start (read from the data as of the run) is checked too: a scenario
        # whose ceilings sit below today's shares fails here, before anything is computed.
        try:
            years = len(resolve_start(scenario, dataset, file=file)[0].years)
        except SeriesSelectionError:
            # Nothing published yet to start from (a past month): the scenario's steps say
            # so in the manifest and its notebooks; budget the years from the as-of.
            years = scenario.horizon - int(as_of[:4]) + 1
        check_budget(
            scenario.paths, len(scenario.sectors), years, what=f"{file}: scenario '{name}'"
        )
        found[name] = values
    return found


def run_suite(
    *, hold_lock: bool = True, month_report: MonthReport | None = None, **options
) -> RunResult:
    """Compute, show and publish a month; see the module docstring for the guarantees:
    `plan_suite` (``options``: its arguments; nothing written before the inputs are
    checked), then under the outputs lock `MonthRun.prepare` (``month_report``: built
    while the last notebooks run) and `MonthRun.publish`; ``hold_lock`` False when the
    caller already holds `outputs_lock` (the monthly job, which writes the index under the
    same lock)."""
    clock = time.perf_counter()
    run = plan_suite(**options)
    with outputs_lock(run.outputs_dir) if hold_lock else _nothing():
        run.prepare(month_report=month_report)
        run.publish()
    run.result.seconds = time.perf_counter() - clock
    return run.result


def stage_suite(
    *,
    clean: bool = True,
    month_report: MonthReport | None = None,
    computed: Callable[[MonthRun], object] | None = None,
    **options,
) -> MonthRun:
    """`run_suite` up to the report: every step computed and every notebook shown into a
    staging folder (``MonthRun.month``), nothing published (`plan_suite`, ``options``: its
    arguments, then `MonthRun.prepare`). The caller holds the outputs lock and then calls
    `MonthRun.publish` (or `MonthRun.discard`): the monthly job stages every place, makes
    the panel from them, then builds each place's report once, with the panel, and
    publishes it. ``clean``: first remove the staging folders of killed runs (False when
    the caller stages several runs: the earlier ones are not stale); ``month_report``:
    built into the staged month while the last notebooks run (the monthly job gives it to
    `MonthRun.publish` instead, after the panel); ``computed``: called with the run once
    every step is computed and written, while the last notebooks run (the monthly job stages
    the panel there). A failure keeps the partial folder (``.runs/failed-*``)."""
    run = plan_suite(**options)
    run.prepare(clean=clean, month_report=month_report, computed=computed)
    return run


def plan_suite(
    *,
    as_of: str,
    scenarios: list[str],
    params: dict[str, Any] | None = None,
    params_file: str = "<none>",
    outputs_dir: Path | None = None,
    workers: int = 2,
    progress: bool = True,
    data_dir: Path | None = None,
    lang: str = "vi",
    notebooks: list[Notebook] | None = None,
    place: str | None = None,
) -> MonthRun:
    """A month's run with its inputs loaded and checked (the data, the profile, every
    scenario), nothing computed or written yet: `MonthRun.prepare` then `MonthRun.publish`.

    Parameters
    ----------
    as_of : 'YYYY-MM'
        The vintage: every step sees only figures published by the end of that month.
    scenarios : list of str
        Shipped scenario names; with ``params`` holding a whole scenario, its name.
    params : dict, optional
        Scenario keys (a whole scenario saved by the explorer, or a few keys laid over each
        shipped scenario); they reach the scenario steps and notebooks only.
    params_file : str
        Where ``params`` came from: errors name it.
    workers : int
        Notebooks executed at once.
    data_dir : path, optional
        Another data folder with the shipped layout; the notebook kernels read it too.
    lang : 'vi' or 'en'
        The language of the charts, texts and notebooks.
    notebooks : list of Notebook, optional
        The notebooks that show the outputs (default: the whole suite but the notebooks of
        the steps over several places, `stage_panel`'s; ``[]``: the steps' outputs and the
        report only).
    place : str, optional
        The code of the place profile the run is about (None: the default place); its
        outputs go to ``outputs/<as-of>/<place>/`` (`dxecon.pipeline.store.month_folder`).
    """
    from dxecon.data import load_dataset
    from dxecon.data.selection import parse_as_of

    clock = time.perf_counter()
    parse_as_of(as_of)  # a bad date fails here, before anything runs
    outputs_dir = Path(outputs_dir or folders.OUTPUTS_DIR)
    shipped = suite()  # declares the scenario parameters, whichever notebooks run
    notebooks = place_notebooks(shipped) if notebooks is None else notebooks
    params = dict(params or {})
    params.pop("name", None)
    given_file = None if params_file == "<none>" else params_file
    check_params(params, shipped, file=params_file)
    dataset = load_dataset(data_dir)  # refuses data that fails the schema, before computing
    ctx = Context(dataset, as_of, lang, data_dir=data_dir, place=place)
    ctx.profile  # noqa: B018 - an unknown or broken profile is refused before computing
    values = validate_scenarios(
        scenarios, params, params_file=given_file, as_of=as_of, dataset=dataset
    )
    overrides = {
        f"scenarios/{name}.yaml": {k: v for k, v in value.items() if v is not None}
        for name, value in values.items()
    }
    ctx = Context(dataset, as_of, lang, overrides, data_dir=data_dir, place=ctx.place)
    run = MonthRun(
        ctx,
        notebooks=notebooks,
        scenarios=values,
        params=params,
        params_file=params_file,
        outputs_dir=outputs_dir,
        workers=workers,
        progress=progress,
    )
    run.result.stages["load"] = round(time.perf_counter() - clock, 2)
    return run


@contextmanager
def _nothing() -> Iterator[None]:
    yield


class MonthRun:
    """One run of a month (built by `run_suite` once its inputs are checked)."""

    def __init__(
        self,
        ctx: Context,
        *,
        notebooks: list[Notebook],
        scenarios: dict[str, dict[str, Any]],
        params: dict[str, Any],
        params_file: str,
        outputs_dir: Path,
        workers: int,
        progress: bool,
    ) -> None:
        self.ctx, self.notebooks, self.scenarios = ctx, notebooks, scenarios
        self.params, self.params_file, self.outputs_dir = params, params_file, outputs_dir
        self.workers, self.progress = workers, progress
        self.result = RunResult(as_of=ctx.as_of)
        self.started = dt.datetime.now(dt.UTC)
        # The place too: the monthly job stages several places' runs side by side.
        self.run_id = f"{ctx.as_of}-{ctx.place}-{self.started:%Y%m%dT%H%M%S}-{os.getpid()}"
        self.runs_dir = outputs_dir / ".runs"
        self.staging = self.runs_dir / f"staging-{self.run_id}"
        self.month = self.staging / "month"
        self.final = store.month_folder(outputs_dir, ctx.as_of, ctx.place)
        self.results: dict[tuple[str, str | None], StepResult] = {}
        self.stage = dict.fromkeys(("steps", "write"), 0.0)
        self.charts = ChartWriter(self.month)
        self.pool: NotebookPool | None = None
        self.apart: StepsApart | None = None

    # -- the run --------------------------------------------------------------------------------
    def prepare(
        self,
        *,
        clean: bool = True,
        month_report: MonthReport | None = None,
        computed: Callable[[MonthRun], object] | None = None,
    ) -> None:
        """Compute, write and show into the staging folder, nothing published (the caller
        holds the outputs lock); ``clean``, ``month_report``, ``computed``: `stage_suite`'s. Then
        `publish` or `discard`. The month's report (``month_report(month)``: the report
        layer's `build_report`, which the apps pass in) does not hold back the forecasts
        when it fails (``RunResult.report_problem`` says why)."""
        if clean:
            clean_stale(self.runs_dir)
        self.inputs = run_inputs(self.ctx)
        self.tasks = self._plan()
        self.manifest = self._manifest()
        with self._failing():
            self.month.mkdir(parents=True)
            kernels = environment(kernel_environment(self.ctx.data_dir))
            with kernels, one_blas_thread(), _reaping():
                self.apart = StepsApart.start(self.ctx, self.month)  # before any thread
                self.charts.start()  # its process forked while the run has no thread
                self.pool = NotebookPool(
                    len(self.tasks), workers=self.workers, progress=self.progress
                )
                self.waiting = list(self.tasks)
                self._compute_scenarios_and_common()
                self._carry_previous()
                self._take_apart(block=True)
                self._compute_month()
                start = time.perf_counter()
                self.charts.wait()  # every chart on disk: the last notebooks, the report
                self.charts.close()
                self.stage["write"] += time.perf_counter() - start
                self._start_ready_notebooks()
                if computed is not None:  # every output and its record on disk
                    self._write_manifest()
                    computed(self)
                if month_report is not None:  # while the last notebooks run
                    self._report(month_report)
                start = time.perf_counter()
                self.pool.wait()
                self.result.stages["wait"] = round(time.perf_counter() - start, 2)
            self.results.clear()  # on disk now; a staged place waits for the others

    @contextmanager
    def _failing(self) -> Iterator[None]:
        """A failure stops the kernels and keeps the partial run as ``.runs/failed-*``
        (a failed write removes it: the disk is full or not writable); published outputs
        are untouched."""
        try:
            yield
        except RunError as exc:
            failed = self._fail(self.pool)
            raise RunError(exc.notebook, exc.cell, exc.error, failed) from exc
        except OSError as exc:
            self._fail(self.pool, keep=False)
            raise OutputsWriteError(exc, self.outputs_dir) from exc
        except BaseException:
            self._fail(self.pool)
            raise

    def publish(self, month_report: MonthReport | None = None) -> RunResult:
        """Build the month's report into the staged month (``month_report(month)``; None:
        none, or the one `prepare` built), then publish the month at once. A report that fails
        does not hold back the forecasts (``RunResult.report_problem`` says why); a failure
        to publish leaves the published month as it was."""
        with self._failing():
            if month_report is not None or "finished_utc" not in self.manifest:
                self._report(month_report)
            self._finish()
        return self.result

    def discard(self) -> Path:
        """Give up a staged run unpublished: its folder is kept as ``.runs/failed-*``."""
        return self._fail(None)

    def _fail(self, pool: NotebookPool | None, *, keep: bool = True) -> Path:
        """Stop the kernels, keep the partial run as ``.runs/failed-*`` (or remove it)."""
        if pool is not None:
            pool.close()
        if self.apart is not None:
            self.apart.close()
        self.charts.close()
        failed = self.runs_dir / f"failed-{self.run_id}"
        if keep and self.staging.exists():
            self.staging.rename(failed)
        else:
            shutil.rmtree(self.staging, ignore_errors=True)
        return failed

    # -- steps ----------------------------------------------------------------------------------
    def _compute_scenarios_and_common(self) -> None:
        """The common steps, then each scenario's, each notebook started once its steps are
        written."""
        apart = self.apart.names if self.apart else ()
        order = [s for s in STEPS.values() if s.scope == "common" and s.name not in apart]
        for spec in order:
            self._step(spec.name, None)
        for name in self.scenarios:
            for spec in STEPS.values():
                if spec.scope == "scenario":
                    self._step(spec.name, name)

    def _step(self, name: str, scenario: str | None, inputs: dict | None = None) -> None:
        spec = STEPS[name]
        record: dict[str, Any] = {"step": name, "scenario": scenario}
        given = dict(inputs or {})
        missing = [n for n in spec.needs if spec.scope != "month" and self._failed(n, scenario)]
        if missing:
            reason = self._record(missing[0], scenario)["reason"]
            record |= {"status": store.NO_DATA, "reason": reason, "seconds": 0.0}
        else:
            for need in spec.needs:
                if spec.scope == "month":
                    continue  # given by _compute_month
                own = scenario if STEPS[need].scope == "scenario" else None
                given.setdefault(need, self.results[need, own])
            start = time.perf_counter()
            try:
                result = run_step(name, self.ctx, scenario=scenario, inputs=given)
            except SeriesSelectionError as exc:  # nothing published by the as-of
                record |= {"status": store.NO_DATA, "reason": str(exc)}
                result = None
            seconds = time.perf_counter() - start
            self.stage["steps"] += seconds
            record["seconds"] = round(seconds, 2)
            if result is not None:
                record["status"] = store.OK
                self.results[name, scenario] = result
                if self.apart is not None:
                    self.apart.give(name, result)
                start = time.perf_counter()
                for output_name, value in result.outputs.items():
                    self.charts.write(name, output_name, value, scenario=result.scenario)
                self.stage["write"] += time.perf_counter() - start
        if record["status"] == store.NO_DATA and self.apart is not None:
            self.apart.give(name, None, why=record["reason"])
        self._recorded(record, spec.scope)

    def _recorded(self, record: dict[str, Any], scope: str) -> None:
        """A step's record in the manifest and the timings; then the notebooks it readies."""
        label = f"{record['scenario'] or scope}/{record['step']}"
        self.result.steps[label] = record["seconds"]
        self.manifest["steps"].append(record)
        self._start_ready_notebooks()

    def _take_apart(self, *, block: bool) -> None:
        """Record the steps computed apart (`StepsApart`) that have finished (``block``: wait
        for all of them); one that failed fails the run with its own error."""
        if self.apart is None:
            return
        for status, name, seconds, payload in self.apart.finished(block=block):
            record: dict[str, Any] = {"step": name, "scenario": None, "status": status}
            record["seconds"] = seconds
            if status == store.NO_DATA:
                record["reason"] = payload
            else:
                self.results[name, None] = payload
            self.stage["steps"] += seconds
            self._recorded(record, "common")
        if block:
            self.apart.close()

    def _record(self, name: str, scenario: str | None) -> dict:
        own = scenario if STEPS[name].scope == "scenario" else None
        return store.step_record(self.manifest, name, own) or {}

    def _failed(self, name: str, scenario: str | None) -> bool:
        return self._record(name, scenario).get("status") == store.NO_DATA

    def _carry_previous(self) -> None:
        """Real copies of what the published month holds and this run does not replace (the
        other scenarios, sweeps), and those scenarios' records from its manifest."""
        replaced = {*store.MONTH_ENTRIES, *(slugify(n) for n in self.scenarios)}
        copy_previous(self.final, self.month, replaced)
        before = read_manifest(store.manifest_path(self.final))
        carried = {
            name: entry
            for name, entry in (before.get("scenarios") or {}).items()
            if name not in self.scenarios and (self.month / entry.get("folder", "")).is_dir()
        }
        self.carried = carried
        self.manifest["scenarios"] |= carried
        for kind in ("steps", "notebooks"):
            self.manifest[kind] += [r for r in before.get(kind, []) if r.get("scenario") in carried]

    def _compute_month(self) -> None:
        """The month steps, over every scenario of the month (this run's and those carried
        over from the published month)."""
        names = [*self.scenarios, *self.carried]
        for spec in STEPS.values():
            if spec.scope != "month":
                continue
            inputs: dict[str, Any] = {}
            for need in spec.needs:
                if STEPS[need].scope == "scenario":
                    inputs[need] = {
                        n: r for n in names if (r := self._scenario_result(need, n)) is not None
                    }
                elif not self._failed(need, None):
                    inputs[need] = self.results[need, None]
            if spec.name == "revisions":
                inputs["previous"] = self._previous(inputs.get("scorecard", {}))
            empty = [n for n in spec.needs if not inputs.get(n)]
            if empty:
                record = {"step": spec.name, "scenario": None, "status": store.NO_DATA}
                record |= {"reason": f"no scenario's or run's {empty[0]} result", "seconds": 0.0}
                self.manifest["steps"].append(record)
                continue
            self._step(spec.name, None, inputs)

    def _scenario_result(self, step_name: str, scenario: str) -> StepResult | None:
        if scenario in self.scenarios:
            return self.results.get((step_name, scenario))
        if self._failed(step_name, scenario) or not self._record(step_name, scenario):
            return None
        return store.load_result(self.month, step_name, scenario)

    def _previous(self, scorecards: dict[str, StepResult]) -> dict:
        """Each scenario's scorecard of the latest earlier month, and whether that run had
        this run's inputs."""
        from dxecon.pipeline.steps.revisions import Previous

        found = {}
        for name in scorecards:
            earlier = store.previous_output(
                self.outputs_dir,
                "scorecard",
                scenario=name,
                before=self.ctx.as_of,
                place=self.ctx.place,
            )
            if earlier is None:
                continue
            as_of, month = earlier
            manifest = read_manifest(store.manifest_path(month))
            entry = (manifest.get("scenarios") or {}).get(name) or {}
            now = self.manifest["scenarios"].get(name) or {}
            same = bool(entry) and entry.get("parameters") == now.get("parameters")
            for key in SAME_INPUTS:  # the as-of differs, by construction
                same = same and (entry.get("inputs") or {}).get(key) == now["inputs"].get(key)
            card = store.read_output(month, "scorecard", scenario=name)
            found[name] = Previous(as_of, card, same)
        return found

    # -- notebooks ------------------------------------------------------------------------------
    def _plan(self) -> list[Task]:
        """One task per notebook (per scenario for the scenario notebooks), each with
        exactly its own params file's keys and the run's parameters."""
        return plan_tasks(
            self.notebooks,
            self.scenarios,
            self.ctx.as_of,
            self.month,
            lang=self.ctx.lang,
            place=self.ctx.place,
        )

    def _start_ready_notebooks(self) -> None:
        """Start every waiting notebook whose steps are all recorded (a notebook that
        failed already fails the run here)."""
        self.pool.check()
        self._take_apart(block=False)
        for task in list(self.waiting):
            steps = task.notebook.steps
            if all(self._record(step, task.scenario) for step in steps) and all(
                self.charts.written(
                    step, task.scenario if STEPS[step].scope == "scenario" else None
                )
                for step in steps
            ):
                self.waiting.remove(task)
                self._write_manifest()
                self.pool.submit(task)

    # -- the record, the report, publishing ------------------------------------------------------
    def _manifest(self) -> dict[str, Any]:
        scenario_entry = {
            "parameters": dict(self.params),
            "params_file": self.params_file,
            "inputs": self.inputs,
        }
        records = []
        for task in self.tasks:
            nb = task.notebook
            file = nb.params_file.format(name=task.scenario) if nb.params_file else None
            parameters = {**nb.parameters, **task.parameters}
            records.append(
                {
                    "notebook": nb.name,
                    "scenario": task.scenario,
                    "path": task.output.relative_to(self.month).as_posix(),
                    "parameters": notebook_inputs(parameters, file, place=self.ctx.place),
                    "inputs": self.inputs,
                }
            )
        return {
            "as_of": self.ctx.as_of,
            "place": self.ctx.place,
            "lang": self.ctx.lang,
            "inputs": self.inputs,
            "package_versions": package_versions(),
            "started_utc": _utc(self.started),
            "status": "ok",
            "scenarios": {
                name: {"folder": slugify(name), **scenario_entry} for name in self.scenarios
            },
            "steps": [],
            "notebooks": records,
        }

    def _write_manifest(self) -> None:
        write_manifest(store.manifest_path(self.month), self.manifest)

    def _report(self, month_report: MonthReport | None) -> None:
        """The month's report, from the staged outputs; one that fails does not hold back
        the forecasts: the run publishes them and says why."""
        self.manifest["finished_utc"] = _utc(dt.datetime.now(dt.UTC))
        self._write_manifest()
        if month_report is None:
            return
        start = time.perf_counter()
        try:
            month_report(self.month)
        except DxeconError as exc:
            print(f"warning: the report was not written: {exc}", file=sys.stderr)
            self.result.report_problem = str(exc)
            self.manifest["report_problem"] = str(exc)
        self.result.stages["report"] = round(time.perf_counter() - start, 2)

    def _finish(self) -> None:
        """Record the timings, publish the month, clean up."""
        result, pool = self.result, self.pool
        for task in self.tasks:
            result.durations[task_label(task)] = round(task.seconds, 2)
        for record in self.manifest["notebooks"]:
            label = f"{record['scenario'] or 'common'}/{record['notebook']}"
            if label in result.durations and record.get("inputs") == self.inputs:
                record["seconds"] = result.durations[label]
        if pool.first_start is not None:
            ends = [t.ended for t in self.tasks if t.ended]
            result.stages["notebooks"] = round(max(ends, default=0) - pool.first_start, 2)
        result.stages["steps"] = round(self.stage["steps"], 2)
        result.stages["write"] = round(self.stage["write"], 2)  # charts: waiting for them
        self.manifest["stages"] = dict(result.stages)
        self.manifest["step_seconds"] = dict(result.steps)
        self._write_manifest()
        start = time.perf_counter()
        publish_month(self.month, self.final, self.runs_dir / f"old-{self.run_id}")
        shutil.rmtree(self.staging, ignore_errors=True)
        result.stages["publish"] = round(time.perf_counter() - start, 2)
        result.month = self.final
        result.folders = {name: self.final / slugify(name) for name in self.scenarios}


class StepsApart:
    """The common steps declared ``apart`` (`apart_steps`), computed in a process of their
    own while the run's process computes the others (the results they need, computed by
    the run, are sent to it as soon as they are).

    The process is forked from the run once its inputs are loaded (the dataset and the
    imported modules are shared, nothing is read again), and only while the run has a
    single thread (forking a process with threads can leave it a lock no one will release);
    otherwise (`start` returns None) the run computes every step itself. Each step's outputs
    are written there, as the run would write them; what comes back is its record and its
    tables and texts (a later step may take them), or its error, raised in the run as it
    was raised there. Results are the same either way: a step is a function of the
    context and of the results it needs."""

    def __init__(self, ctx: Context, month: Path, names: list[str]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.names = tuple(names)
        self.pending = set(names)
        #: The run's steps whose results a step computed apart needs.
        self.wanted = {need for name in names for need in STEPS[name].needs}
        self.connection, sender = context.Pipe(duplex=False)
        receiver, self.giving = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_compute_apart,
            args=(ctx, month, self.names, sender, receiver, os.getpid()),
            name="dxecon-steps",
        )
        self.process.start()
        sender.close()
        receiver.close()

    def give(self, name: str, result: StepResult | None, *, why: str = "") -> None:
        """A result of the run's that a step computed apart needs (None: the step had nothing
        to compute from, ``why``); only what a step takes travels (no chart)."""
        if name not in self.wanted:
            return
        if result is not None:
            result = _without_charts(result, objects=True)
        self.giving.send((name, result, why))

    @classmethod
    def start(cls, ctx: Context, month: Path) -> StepsApart | None:
        import multiprocessing
        import threading

        names = apart_steps()
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if not names or not forkable or threading.active_count() > 1:
            return None
        # Every step's modules imported once, before the fork: both processes then have
        # them, instead of each importing its own (statsmodels, scipy, matplotlib).
        for spec in STEPS.values():
            spec.function()
        return cls(ctx, month, names)

    def finished(self, *, block: bool) -> list[tuple[str, str, float, Any]]:
        """(status, step, seconds, result or why) of each step finished since the last call
        (``block``: until every step has); a step that failed raises its error."""
        done = []
        while self.pending and (block or self.connection.poll()):
            try:
                status, name, seconds, payload = self.connection.recv()
            except EOFError:
                self.process.join()
                raise DxeconError(
                    f"the process computing the steps {', '.join(sorted(self.pending))} "
                    f"stopped (exit code {self.process.exitcode}); the run was not published"
                ) from None
            self.pending.discard(name)
            if status == "failed":
                raise payload
            done.append((status, name, seconds, payload))
        return done

    def close(self) -> None:
        """Stop the process (at once when the run failed: what it computes is not needed)."""
        if self.pending and self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()
        self.giving.close()


def apart_steps() -> list[str]:
    """The steps a run computes in its second process (declared ``apart``)."""
    return [spec.name for spec in STEPS.values() if spec.apart]


def _compute_apart(
    ctx: Context, month: Path, names: tuple[str, ...], connection, receiver, run: int
) -> None:
    """`StepsApart`'s process: each step computed (with the run's results it needs, as they
    arrive) and written, its record sent back; it dies with the run (``run``: its pid)."""
    from dxecon.core.reaper import die_with_parent

    die_with_parent(run)
    # A Ctrl-C reaches the whole process group: the run stops this process itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    given: dict[str, tuple[StepResult | None, str]] = {}
    for name in names:
        while any(need not in given for need in STEPS[name].needs):
            need, result, why = receiver.recv()
            given[need] = (result, why)
        missing = [need for need in STEPS[name].needs if given[need][0] is None]
        if missing:  # the run had nothing to compute that step from: nor has this one
            connection.send((store.NO_DATA, name, 0.0, given[missing[0]][1]))
            continue
        start = time.perf_counter()
        try:
            inputs = {need: given[need][0] for need in STEPS[name].needs}
            result = run_step(name, ctx, inputs=inputs)
            for output_name, value in result.outputs.items():
                store.write_output(month, output_name, value, scenario=None)
        except SeriesSelectionError as exc:  # nothing published by the as-of
            connection.send((store.NO_DATA, name, round(time.perf_counter() - start, 2), str(exc)))
            continue
        except BaseException as exc:  # the run raises it
            connection.send(("failed", name, 0.0, _portable(exc)))
            return
        # The tables and texts a month step may take; charts and objects stay here.
        kept = _without_charts(result, objects=False)
        connection.send((store.OK, name, round(time.perf_counter() - start, 2), kept))


def _without_charts(result: StepResult, *, objects: bool) -> StepResult:
    """What of a step's result travels between the run's processes: its tables and texts
    (and, with ``objects``, its rich results), never its figures."""
    from dxecon.pipeline.catalogue import output

    shown = {n: v for n, v in result.outputs.items() if output(n).kind != "chart"}
    return StepResult(result.step, result.scenario, shown, result.objects if objects else {})


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a `DxeconError` with its type and message."""
    try:
        return pickle.loads(pickle.dumps(exc))
    except Exception:
        return DxeconError(f"{type(exc).__name__}: {exc}")


class ChartWriter:
    """Writes a run's outputs through `dxecon.pipeline.store`: tables and texts at once,
    charts in one process of its own (a figure travels pickled; one that cannot is written
    here), so that drawing PNGs overlaps computing the next step. The process is forked from
    the run when `start` is called before the run has threads (it has every module the run
    has imported; it dies with the run); otherwise it starts from a fork server with the
    store and matplotlib imported."""

    def __init__(self, month: Path) -> None:
        self.month = month
        self.pending: dict[tuple[str, str | None], list[Future]] = {}
        self.pool: ProcessPoolExecutor | None = None

    def write(self, step_name: str, name: str, value: Any, *, scenario: str | None) -> None:
        from dxecon.pipeline.catalogue import output

        if output(name).kind != "chart":
            store.write_output(self.month, name, value, scenario=scenario)
            return
        try:
            figure = pickle.dumps(value)
        except (pickle.PicklingError, TypeError, AttributeError):
            store.write_output(self.month, name, value, scenario=scenario)
            return
        future = self._pool().submit(_write_pickled, self.month, name, figure, scenario)
        self.pending.setdefault((step_name, scenario), []).append(future)

    def written(self, step_name: str, scenario: str | None) -> bool:
        """Whether a step's charts are on disk (a failed write raises its error)."""
        futures = self.pending.get((step_name, scenario), [])
        for future in futures:
            if future.done():
                future.result()
        return all(future.done() for future in futures)

    def wait(self) -> None:
        """Every chart on disk (a failed write raises its error)."""
        for futures in self.pending.values():
            for future in futures:
                future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def start(self) -> None:
        """Start the process now: forked, if the run has no thread yet."""
        import multiprocessing
        import threading

        if self.pool is not None or threading.active_count() > 1:
            return
        import matplotlib.figure  # noqa: F401 - in both processes once

        context = multiprocessing.get_context("fork")
        self.pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=_chart_process,
            initargs=(os.getpid(),),
        )
        self.pool.submit(int).result()  # forked here, before the run starts its threads

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            import multiprocessing

            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["dxecon.pipeline.store", "matplotlib.figure"])
            self.pool = ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=yield_to_the_run
            )
        return self.pool


def _chart_process(run: int) -> None:
    """The chart process forked from the run: it dies with the run, and yields to it."""
    from dxecon.core.reaper import die_with_parent

    die_with_parent(run)
    yield_to_the_run()


def _write_pickled(month: Path, name: str, figure: bytes, scenario: str | None) -> Path:
    return store.write_output(month, name, pickle.loads(figure), scenario=scenario)


def plan_tasks(
    notebooks: list[Notebook],
    scenarios: dict[str, dict[str, Any]],
    as_of: str,
    month: Path,
    *,
    lang: str = "vi",
    place: str | None = None,
) -> list[Task]:
    """One task per notebook (per scenario for the scenario notebooks), each with exactly
    its own params file's keys and the run's parameters (``output_dir``: the month folder,
    where the notebook finds the run's outputs; ``place``: the run's place)."""
    tasks = []
    for nb in notebooks:
        owners = list(scenarios) if nb.per_scenario else [None]
        for scenario in owners:
            injected = notebook_values(
                nb, scenarios.get(scenario) if scenario else None, place=place
            )
            if "as_of" in nb.parameters:
                injected["as_of"] = as_of
            if "output_dir" in nb.parameters:
                injected["output_dir"] = str(month)
            if "lang" in nb.parameters:
                injected["lang"] = lang
            if "place" in nb.parameters and place is not None:
                injected["place"] = place
            if nb.per_scenario:
                injected["name"] = scenario
            output = store.notebook_path(month, nb.name, scenario)
            tasks.append(Task(nb, scenario, injected, output))
    return tasks


def place_notebooks(notebooks: list[Notebook]) -> list[Notebook]:
    """The notebooks of one place's run: those that open no step over several places."""
    return [nb for nb in notebooks if not any(STEPS[s].scope == "places" for s in nb.steps)]


def stage_panel(
    *,
    as_of: str,
    places: list[str],
    outputs_dir: Path | None = None,
    lang: str = "vi",
    data_dir: Path | None = None,
    workers: int = 1,
    progress: bool = False,
    notebooks: list[Notebook] | None = None,
    months: dict[str, Path] | None = None,
    pool: NotebookPool | None = None,
) -> PanelRun:
    """The month's steps over several places (scope ``places``: the panel) from the places'
    runs of the month (each place's ``overall`` result, when its run computed one), computed
    and written into a staging folder (``PanelRun.month``, which a place's report may read
    at once), and their notebooks started; `PanelRun.publish` waits for the notebooks and
    publishes the panel at once to ``outputs/<as-of>/panel/``
    (`dxecon.pipeline.store.PANEL`), `PanelRun.discard` gives it up. ``months``: place ->
    the month folder its run is read from (a staged run's, `stage_suite`); a place not in it:
    its published month folder; ``pool``: a run's notebook pool whose kept kernels run the
    panel's notebooks too (a place's run, staging the panel once its steps are computed:
    the run's environment is the panel's), a failure there the panel's own. The caller
    holds the outputs lock. A failure leaves the published panel as it was (the partial
    folder: ``.runs/failed-*``)."""
    outputs_dir = Path(outputs_dir or folders.OUTPUTS_DIR)
    ctx = Context(None, as_of, lang, data_dir=data_dir)
    overall = {}
    for code in places:
        folder = (months or {}).get(code) or store.month_folder(outputs_dir, as_of, code)
        record = store.step_record(read_manifest(store.manifest_path(folder)), "overall")
        if record and record.get("status") == store.OK:
            overall[code] = store.load_result(folder, "overall")
    started = dt.datetime.now(dt.UTC)
    run_id = f"{as_of}-panel-{started:%Y%m%dT%H%M%S}-{os.getpid()}"
    panel = PanelRun(outputs_dir, run_id, store.month_folder(outputs_dir, as_of, store.PANEL))
    inputs = run_inputs(ctx)
    shown = [
        nb for nb in (suite() if notebooks is None else notebooks) if not place_notebooks([nb])
    ]
    tasks = plan_tasks(shown, {}, as_of, panel.month, lang=lang, place=ctx.place)
    for task in tasks:
        if "places" in task.notebook.parameters:
            task.parameters["places"] = list(places)
    manifest: dict[str, Any] = {
        "as_of": as_of,
        "lang": lang,
        "places": list(places),
        "inputs": inputs,
        "started_utc": _utc(started),
        "status": "ok",
        "steps": [],
        "notebooks": [
            {
                "notebook": task.notebook.name,
                "scenario": None,
                "path": task.output.relative_to(panel.month).as_posix(),
                "parameters": notebook_inputs(
                    {**task.notebook.parameters, **task.parameters}, None, place=ctx.place
                ),
                "inputs": inputs,
            }
            for task in tasks
        ],
    }
    with panel.failing():
        panel.month.mkdir(parents=True)
        for spec in (s for s in STEPS.values() if s.scope == "places"):
            start = time.perf_counter()
            result = run_step(spec.name, ctx, inputs={"places": list(places), "overall": overall})
            store.write_result(panel.month, result)
            manifest["steps"].append(
                {
                    "step": spec.name,
                    "scenario": None,
                    "status": store.OK,
                    "seconds": round(time.perf_counter() - start, 2),
                    "overall_from": sorted(overall),
                }
            )
        manifest["finished_utc"] = _utc(dt.datetime.now(dt.UTC))
        write_manifest(store.manifest_path(panel.month), manifest)
        panel.show(tasks, data_dir=data_dir, workers=workers, progress=progress, pool=pool)
    return panel


class PanelRun:
    """The month's panel, staged by `stage_panel`: its outputs in ``month``, its notebooks
    running in a place's run's kernels or in kernels of their own (under the run's
    environment and reaper, which ``show`` enters and `publish` or `discard` leaves)."""

    def __init__(self, outputs_dir: Path, run_id: str, final: Path) -> None:
        self.runs_dir = outputs_dir / ".runs"
        self.run_id, self.final = run_id, final
        self.staging = self.runs_dir / f"staging-{run_id}"
        self.month = self.staging / "month"
        self.pool: NotebookPool | None = None
        self.shown: list[Future] = []  # the notebooks, when a run's pool executes them
        self.shared: NotebookPool | None = None  # that run's pool
        self.context = ExitStack()

    def show(
        self,
        tasks: list[Task],
        *,
        data_dir,
        workers: int,
        progress: bool,
        pool: NotebookPool | None = None,
    ) -> None:
        """Start the notebooks, in ``pool`` or in a pool of their own (the environment and
        the reaper stay until the end)."""
        if pool is not None:
            self.shared = pool
            self.shown = [pool.submit(task, own_failure=True) for task in tasks]
            return
        self.context.enter_context(environment(kernel_environment(data_dir)))
        self.context.enter_context(one_blas_thread())
        self.context.enter_context(_reaping())
        self.pool = NotebookPool(len(tasks), workers=workers, progress=progress)
        for task in tasks:
            self.pool.submit(task)

    @contextmanager
    def failing(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            self.discard()
            raise

    def publish(self) -> Path:
        """Wait for the notebooks, then publish the panel at once; returns its folder."""
        with self.failing():
            if self.pool is not None:
                self.pool.wait()
            for future in self.shown:  # the run that executed them has waited for them
                wait([future])
                if (error := self.shared.failure(future)) is not None:
                    raise error
            self.context.close()
            publish_month(self.month, self.final, self.runs_dir / f"old-{self.run_id}")
            shutil.rmtree(self.staging, ignore_errors=True)
        return self.final

    def discard(self) -> Path:
        """Stop the notebooks; the partial folder is kept as ``.runs/failed-*``."""
        if self.pool is not None:
            self.pool.close()
        self.context.close()
        failed = self.runs_dir / f"failed-{self.run_id}"
        if self.staging.exists():
            self.staging.rename(failed)
        return failed


def kernel_environment(data_dir: Path | str | None) -> dict[str, str]:
    """What a run's kernels are started with: its params and data folders, one BLAS thread."""
    values = {"DXECON_PARAMS": str(folders.PARAMS_DIR), **single_threaded_blas()}
    if data_dir:
        values["DXECON_DATA"] = str(Path(data_dir).resolve())
    return values


def _utc(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def _reaping() -> Iterator[None]:
    from dxecon.core.reaper import reaping

    with reaping():
        yield
