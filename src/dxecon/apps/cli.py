"""The ``dxecon`` command line, one click group (click: small, already a dependency of the
Jupyter stack). Every command loads what it needs when it runs: ``dxecon --help`` imports
no numpy, pandas, Dask or matplotlib.

dxecon data check [--data DIR]
dxecon data show INDICATOR GEO [--sector S] [--price-basis B] [--method M] [--unit U]
                 [--as-of YYYY-MM] [--candidates] [--data DIR]
dxecon data summary [--data DIR]
dxecon data add --indicator I --geo G --period P --value V ... | --from-file rows.csv
dxecon data diff --since YYYY-MM [--data DIR]
dxecon targets [--instrument I ...] [--data DIR]
dxecon scenario NAME|all [--as-of YYYY-MM] [--paths N]
dxecon run --as-of YYYY-MM --scenario NAME|all [--params FILE] [--lang vi|en] [--pdf]
dxecon monthly [--as-of YYYY-MM] [--lang vi|en] [--pdf]      the main job
dxecon sweep FILE [--scheduler ADDRESS] [--workers N] [--paths N]
dxecon report OUTPUTS/<as-of>/ [--lang vi|en] [--pdf]
dxecon notebooks install-kernel | refresh [NAME ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dxecon.core.errors import DxeconError
from dxecon.present.words import LANGUAGES

DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Data folder with the layout of data/ (default: the project's data/).",
)

OUTPUTS_OPTION = click.option(
    "--outputs",
    "outputs_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Outputs folder (default: the project's outputs/).",
)

LANG_OPTION = click.option(
    "--lang",
    "lang",
    type=click.Choice(LANGUAGES),
    default="vi",
    show_default=True,
    help="Language of the report (report.html, tables.xlsx).",
)
PDF_OPTION = click.option(
    "--pdf", is_flag=True, help="Also print report.pdf (A4) with headless Chromium."
)


def _place(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A ``--place`` value: a profile's code, checked (an unknown code, or a profile whose
    codes or instruments the data lack, is refused naming the profile file and the field:
    exit code 2, no traceback); ``all`` where the command runs every profile."""
    if value is None or (value == "all" and param.name == "places"):
        return value
    from dxecon.data.places import load_place

    try:
        return load_place(value).code
    except DxeconError as exc:
        _fail(exc)


def place_option(*, every: bool = False):
    """``--place CODE`` (``every``: or ``all``, every profile of ``params/places/``)."""
    more = " or 'all' (every profile)" if every else ""
    return click.option(
        "--place",
        "places" if every else "place",
        default=None,
        callback=_place,
        help=f"The place profile's code (params/places/CODE.yaml){more}; default: "
        "params/places/default.yaml's.",
    )


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group()
@click.version_option(package_name="dxecon")
def main() -> None:
    """dxecon: a province's digital economy against its digital-transformation targets."""


@main.group()
def data() -> None:
    """Check and query the published figures."""


@data.command("check")
@DATA_OPTION
def data_check(data_dir: Path | None) -> None:
    """Validate a data folder; exit 0 when valid, 1 listing every problem otherwise."""
    from dxecon.core import folders
    from dxecon.data import validate

    folder = data_dir or folders.DATA_DIR
    report = validate(folder)
    if report.ok:
        rows = sum(len(t.rows) for t in report.tables.values())
        click.echo(f"ok: {folder} is valid ({len(report.tables)} tables, {rows} rows)")
    else:
        from dxecon.core.errors import format_problems

        click.echo(f"{len(report.problems)} problem(s) in {folder}:", err=True)
        click.echo(format_problems(report.problems), err=True)
    if report.warnings:
        click.echo(
            f"warning: {len(report.warnings)} suspected duplicate observation(s) (same "
            "figure and source under another period, not marked duplicate_of):"
        )
        for warning in report.warnings:
            click.echo(f"  - {warning}")
    if not report.ok:
        sys.exit(1)


@data.command("summary")
@DATA_OPTION
def data_summary(data_dir: Path | None) -> None:
    """Print what a data folder holds."""
    from dxecon.data import load_dataset

    try:
        click.echo(load_dataset(data_dir).summary())
    except DxeconError as exc:
        _fail(exc)


@data.command("show")
@click.argument("indicator")
@click.argument("geo")
@click.option("--sector", default="total", show_default=True)
@click.option("--price-basis", default=None, help="current | constant_2010 | na")
@click.option("--method", default=None, help="GSO | MIC | PTIT | HIDS (digital economy)")
@click.option("--unit", default=None)
@click.option("--as-of", default=None, help="Vintage date, YYYY-MM or YYYY-MM-DD.")
@click.option("--candidates", is_flag=True, help="Show every figure considered and why.")
@DATA_OPTION
def data_show(
    indicator: str,
    geo: str,
    sector: str,
    price_basis: str | None,
    method: str | None,
    unit: str | None,
    as_of: str | None,
    candidates: bool,
    data_dir: Path | None,
) -> None:
    """Print a series (one figure per year) with its provenance."""
    import pandas as pd

    from dxecon.data import load_dataset

    try:
        result = load_dataset(data_dir).series(
            indicator,
            geo,
            sector=sector,
            price_basis=price_basis,
            method=method,
            unit=unit,
            as_of=as_of,
        )
    except (DxeconError, ValueError) as exc:
        _fail(exc)
    with pd.option_context("display.width", 200, "display.max_colwidth", 70):
        click.echo(result.summary())
        if candidates:
            cols = ["year", "value", "status", "obs_id", "source_id", "source_kind"]
            cols += ["published_effective", "published_basis", "visible", "chosen", "reason"]
            click.echo("\nEvery figure considered:")
            click.echo(result.provenance[cols].to_string(index=False))


_FIGURE_OPTIONS = [
    ("--indicator", "Indicator code (codes/indicators.csv), e.g. de_share."),
    ("--geo", "Geography code (codes/geographies.csv): one boundary, never joined."),
    ("--sector", "Sector code (default: total)."),
    ("--period", "2026, 2026-Q1, 2026-H1, 2026-9M or 2021/2025."),
    ("--value", "The figure as published: plain number, '.' decimal separator."),
    ("--unit", "Unit code, e.g. pct."),
    (
        "--price-basis",
        "current | constant_2010 | na (default: as the earlier figures of the measure).",
    ),
    ("--status", "F final, P preliminary, E estimate, U not stated."),
    ("--method", "GSO | MIC | PTIT | HIDS (digital economy; empty otherwise)."),
    ("--published", "Date the figure was published, YYYY-MM-DD."),
    ("--note", "Free text: wording, caveats."),
    ("--source-id", "An existing source of sources.csv."),
    ("--source-publisher", "Publisher of a new source."),
    ("--source-title", "Title of a new source."),
    ("--source-url", "URL of the source (an existing source with this URL is reused)."),
    ("--source-published", "Date of the source (default: --published)."),
    ("--source-kind", "official_statistics | government | academic | press | blog."),
    ("--source-language", "vi | en."),
]


def _figure_options(func):
    for flag, help_text in reversed(_FIGURE_OPTIONS):
        func = click.option(flag, default=None, help=help_text)(func)
    return func


@data.command("add")
@_figure_options
@click.option(
    "--from-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="CSV with one figure per row; columns named like the options (source_id, ...).",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="Compare what the selection picks as of this date, YYYY-MM-DD (default: today).",
)
@click.option(
    "--undated",
    is_flag=True,
    help="The figure has no publication date (its article shows none): no --published; "
    "--note must say why. A --from-file CSV says so in an 'undated' column (true).",
)
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@DATA_OPTION
def data_add(
    from_file: Path | None,
    as_of: str | None,
    undated: bool,
    dry_run: bool,
    data_dir: Path | None,
    **fields,
) -> None:
    """Add published figures (a revision is a new row with its own published date).

    Assigns the next id, reuses or creates the source, checks the whole folder, rejects
    exact duplicates, updates CHECKSUMS.json and says which series the next run reads
    differently. Nothing is written when anything is wrong.
    """
    import datetime as dt

    from dxecon.data.changes import AddError, FigureInput, add_figures, read_figures_file
    from dxecon.models.scenarios.start import scenario_start_changes
    from dxecon.present.notes import say_facts
    from dxecon.present.words import Words

    given = {k: v for k, v in fields.items() if v is not None}
    if undated:
        given["undated"] = "true"
    try:
        try:
            today = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise AddError([f"--as-of {as_of!r}: expected a date YYYY-MM-DD"]) from None
        if from_file and given:
            raise AddError(
                [f"--from-file and --{next(iter(given)).replace('_', '-')}: give one or the other"]
            )
        figures = read_figures_file(from_file) if from_file else [FigureInput(given)]
        result = add_figures(figures, data_dir, today=today, dry_run=dry_run)
        if result.changes:  # which scenario starts and growths the new figures move
            english = Words("en")  # the command speaks English
            result.start_changes = scenario_start_changes(
                result.before, result.after, result.as_of, say=lambda c: say_facts(c, english)
            )
    except AddError as exc:
        click.echo(f"nothing written; {len(exc.problems)} problem(s):", err=True)
        for line in exc.problems:
            click.echo(f"  - {line}", err=True)
        sys.exit(1)
    except DxeconError as exc:
        _fail(exc)
    if dry_run:
        click.echo("dry run: nothing written")
    click.echo(result.summary())


@data.command("diff")
@click.option("--since", required=True, help="YYYY-MM (from the 1st of that month) or a date.")
@DATA_OPTION
def data_diff(since: str, data_dir: Path | None) -> None:
    """List figures published since a date, marking revisions (old -> new value)."""
    import pandas as pd

    from dxecon.data import load_dataset
    from dxecon.data.changes import diff_since

    try:
        result = diff_since(load_dataset(data_dir), since)
    except (DxeconError, ValueError) as exc:
        _fail(exc)
    with pd.option_context("display.width", 200, "display.max_rows", None):
        click.echo(result.summary())


@main.command("targets")
@click.option("--instrument", "instruments", multiple=True, help="Instrument code; repeatable.")
@place_option()
@DATA_OPTION
def targets_cmd(instruments: tuple[str, ...], place: str | None, data_dir: Path | None) -> None:
    """List quantified targets (default: the place's scoring set, params/targets.yaml with
    its profile's targets section)."""
    import pandas as pd

    from dxecon.data.targets import load_targets

    try:
        registry = load_targets(data_dir)
        table = (
            registry.select(list(instruments)) if instruments else registry.scoring_set(place=place)
        )
    except (DxeconError, ValueError) as exc:
        _fail(exc)
    cols = ["target_id", "instrument", "pillar", "indicator", "year", "comparator", "value"]
    cols += ["unit", "superseded_by"]
    with pd.option_context("display.width", 200):
        click.echo(table[cols].to_string(index=False))


@main.command("scenario")
@click.argument("names", nargs=-1, required=True)
@click.option(
    "--paths",
    "n_paths",
    type=click.IntRange(min=1),
    default=None,
    help="Override the scenario's number of paths.",
)
@click.option("--as-of", "as_of", default=None, help="Vintage month (default: this month).")
@place_option()
@OUTPUTS_OPTION
@DATA_OPTION
def scenario_cmd(
    names: tuple[str, ...],
    n_paths: int | None,
    as_of: str | None,
    place: str | None,
    outputs_dir: Path | None,
    data_dir: Path | None,
) -> None:
    """Simulate scenarios (NAME, a YAML path, or 'all') as of a month and write their
    scorecards, without the notebooks: a quick check of a scenario file.

    Writes OUTPUTS/quick/<as-of>/<scenario>/scorecard.csv and percentiles.csv (the
    published monthly outputs, OUTPUTS/<as-of>/<place>/<scenario>/, belong to `dxecon
    run`); with --place, a shipped scenario about that place, under
    OUTPUTS/quick/<place>/<as-of>/<scenario>/.
    """
    from dxecon.core import folders
    from dxecon.core.dates import current_month
    from dxecon.data.places import load_place
    from dxecon.models.scenarios import available_scenarios, run_scenario

    chosen = available_scenarios() if names == ("all",) else list(names)
    as_of = as_of or current_month()
    quick = (outputs_dir or folders.OUTPUTS_DIR) / "quick"
    try:
        for name in chosen:
            if place:
                result = _place_scenario(name, place, as_of, n_paths, data_dir)
                folder = result.write(quick / place)
                shown = load_place(place).name("en")
                click.echo(f"{shown} ({place}), boundary {result.scenario.geo}:")
            else:
                result = run_scenario(name, as_of=as_of, n_paths=n_paths, data_dir=data_dir)
                folder = result.write(quick)
            click.echo(result.scorecard.summary())
            click.echo(f"wrote {folder}")
    except (DxeconError, ValueError) as exc:
        _fail(exc)


def _place_scenario(name: str, place: str, as_of: str, n_paths: int | None, data_dir):
    """Scenario ``name`` (shipped, as a run's scenario step reads it, or a YAML path)
    simulated and scored for ``place`` (its boundary, its instruments' targets)."""
    from dxecon.data import load_dataset
    from dxecon.data.targets import TargetRegistry
    from dxecon.models.scenarios import load_scenario, run_scenario
    from dxecon.models.scoring import ScoringConfig
    from dxecon.pipeline.context import Context
    from dxecon.pipeline.steps.scenario import scenario_from_context

    ctx = Context(load_dataset(data_dir), as_of, place=place)
    scoring = ScoringConfig.from_mapping(ctx.params("targets.yaml"), file="params/targets.yaml")
    if Path(name).suffix in (".yaml", ".yml"):  # a saved scenario (the explorer's)
        known = TargetRegistry(ctx.dataset).instruments
        scenario = load_scenario(name, as_of=as_of, known_instruments=known, place=place)
    else:
        scenario = scenario_from_context(ctx, name)
    return run_scenario(scenario, n_paths=n_paths, dataset=ctx.dataset, scoring=scoring)


def _published(result) -> None:
    for name, folder in result.folders.items():
        click.echo(f"{name}: {folder}")
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in result.durations.items())
    runs = sum("/" in k for k in result.durations)  # notebooks; "report" is the report step
    click.echo(f"{runs} notebook runs in {result.seconds:.1f}s ({timing})")


@main.command("run")
@click.option("--as-of", "as_of", required=True, help="Vintage month, YYYY-MM.")
@click.option("--scenario", "scenario", default=None, help="A shipped scenario name, or 'all'.")
@click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="YAML of notebook parameters, e.g. a saved scenario.",
)
@click.option("--workers", type=click.IntRange(1, 8), default=2, show_default=True)
@place_option()
@OUTPUTS_OPTION
@DATA_OPTION
@LANG_OPTION
@PDF_OPTION
def run_cmd(
    as_of: str,
    scenario: str | None,
    params_file: Path | None,
    workers: int,
    place: str | None,
    outputs_dir: Path | None,
    data_dir: Path | None,
    lang: str,
    pdf: bool,
) -> None:
    """Execute the notebook suite into OUTPUTS/<as-of>/<place>/<scenario>/ (atomically).

    --params takes a scenario file (e.g. saved by the explorer); it reaches the scenario
    notebooks only. The common notebooks read their own params files."""
    from dxecon.apps.monthly import month_report
    from dxecon.core import folders
    from dxecon.core.errors import ParamsError
    from dxecon.core.params import load_yaml
    from dxecon.models.scenarios import available_scenarios
    from dxecon.pipeline import store
    from dxecon.pipeline.run import run_suite

    try:
        params = load_yaml(params_file) if params_file else {}
        if params_file and not params:
            raise ParamsError(
                str(params_file),
                None,
                "the file is empty; a params file given to a run is a scenario: copy "
                "params/scenarios/baseline.yaml and change what you need",
            )
        if scenario == "all":
            scenarios = available_scenarios()
        elif scenario:
            scenarios = [scenario]
        elif "name" in params:
            scenarios = [str(params["name"])]
        else:
            raise click.UsageError("give --scenario NAME|all, or --params FILE with a 'name'")
        if "name" in params and scenarios != [str(params["name"])]:
            raise click.UsageError(
                f"--params {params_file} defines scenario '{params['name']}'; "
                "drop --scenario or make them agree"
            )
        params.pop("name", None)
        result = run_suite(
            as_of=as_of,
            scenarios=scenarios,
            params=params,
            params_file=str(params_file or "<none>"),
            outputs_dir=outputs_dir,
            workers=workers,
            progress=True,
            data_dir=data_dir,
            lang=lang,
            month_report=month_report(
                lang,
                pdf=pdf,
                panel=store.month_folder(outputs_dir or folders.OUTPUTS_DIR, as_of, store.PANEL),
            ),
            place=place,
        )
    except (DxeconError, ValueError) as exc:
        if isinstance(exc, click.UsageError):
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    _published(result)


@main.command("monthly")
@click.option("--as-of", "as_of", default=None, help="Vintage month (default: this month).")
@click.option("--workers", type=click.IntRange(1, 8), default=2, show_default=True)
@place_option(every=True)
@OUTPUTS_OPTION
@DATA_OPTION
@LANG_OPTION
@PDF_OPTION
def monthly(
    as_of: str | None,
    workers: int,
    places: str | None,
    outputs_dir: Path | None,
    data_dir: Path | None,
    lang: str,
    pdf: bool,
) -> None:
    """The main job: every scenario for the month, with the index and revisions, for the
    place (--place CODE) or every place (--place all) and the places side by side.
    A place that fails keeps its earlier outputs; the others are published, and the
    command exits 1 naming it."""
    from dxecon.apps.monthly import run_monthly
    from dxecon.core import folders
    from dxecon.core.dates import current_month
    from dxecon.core.errors import format_problems
    from dxecon.core.places import list_places
    from dxecon.data import validate

    report = validate(data_dir or folders.DATA_DIR)
    if not report.ok:
        click.echo(f"{len(report.problems)} data problem(s); nothing was run:", err=True)
        click.echo(format_problems(report.problems), err=True)
        sys.exit(1)
    as_of = as_of or current_month()
    chosen = list_places() if places == "all" else [places] if places else None
    click.echo(f"Data check: ok. Monthly run as of {as_of}.")
    try:
        results = run_monthly(
            as_of=as_of,
            outputs_dir=outputs_dir,
            workers=workers,
            progress=sys.stderr.isatty(),
            data_dir=data_dir,
            report_lang=lang,
            report_pdf=pdf,
            places=chosen,
        )
    except (DxeconError, OSError) as exc:
        for result in getattr(exc, "published", {}).values():
            _published(result)
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for place, result in results.items():
        click.echo(f"{place}:")
        _published(result)


@main.group()
def notebooks() -> None:
    """Maintain the notebook suite."""


@notebooks.command("install-kernel")
def notebooks_install_kernel() -> None:
    """Install the 'dxecon' Jupyter kernel into this environment (./dx does it for you)."""
    from dxecon.apps.notebooks import install_kernel

    click.echo(f"installed kernel 'dxecon' in {install_kernel()}")


@notebooks.command("refresh")
@click.argument("names", nargs=-1)
def notebooks_refresh(names: tuple[str, ...]) -> None:
    """Re-execute notebooks in place on the shipped data (their stored outputs are what
    nbval checks in CI). Default: every notebook of the suite."""
    from dxecon.apps.notebooks import refresh

    try:
        for path, seconds in refresh(list(names) or None):
            click.echo(f"refreshed {path.name} in {seconds:.1f}s")
    except DxeconError as exc:
        _fail(exc)


@main.command("sweep")
@click.argument("file")
@click.option(
    "--scheduler",
    "scheduler",
    default=None,
    metavar="ADDRESS",
    help="An existing Dask scheduler (tcp://HOST:PORT); default: this machine's cores.",
)
@OUTPUTS_OPTION
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local processes (default: all cores); not with --scheduler.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Refuse sweeps with more variants than this (default 20,000).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds to wait for the scheduler and its workers.",
)
@click.option("--as-of", "as_of", default=None, help="Vintage month (default: this month).")
@click.option(
    "--paths",
    "n_paths",
    type=click.IntRange(1, 1_000_000),
    default=None,
    help="Paths per variant (default: the file's).",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a tty).")
@DATA_OPTION
def sweep(
    file: str,
    scheduler: str | None,
    outputs_dir: Path | None,
    workers: int | None,
    limit: int | None,
    timeout: float,
    as_of: str | None,
    n_paths: int | None,
    progress: bool | None,
    data_dir: Path | None,
) -> None:
    """Run the sweep FILE (a name in params/sweeps/ or a YAML path): every variant simulated
    and scored on the key 2030 targets.

    Writes OUTPUTS/<as-of>/sweeps/<name>/results.csv (one row per variant), tornado.csv (one
    assumption at a time, ranked) and surface.csv (when the sweep has a surface). The file,
    the ranges, the size and the scheduler are checked before any variant runs.
    """
    from dxecon.core import folders
    from dxecon.core.dates import current_month
    from dxecon.data import load_dataset
    from dxecon.data.targets import TargetRegistry
    from dxecon.models.sweeps import DEFAULT_LIMIT, load_sweep, run_sweep

    if scheduler and workers:
        raise click.UsageError("--workers sets the local pool; a Dask cluster has its own")
    client = None
    try:
        dataset = load_dataset(data_dir)  # the base's start and the key targets alike
        spec = load_sweep(
            file,
            as_of=as_of or current_month(),
            paths_per_variant=n_paths,
            limit=limit or DEFAULT_LIMIT,
            dataset=dataset,
        )
        if scheduler:
            from dxecon.models.sweeps.engines import connect

            client = connect(
                scheduler, timeout=timeout
            )  # an unreachable address fails here, before any work
        where = f"Dask at {scheduler}" if scheduler else f"{workers or 'all'} local cores"
        click.echo(
            f"Sweep {spec.name}: {spec.size:,} variants around '{spec.base}', "
            f"{spec.paths:,} paths each, on {where}.",
            err=True,
        )
        result = run_sweep(
            spec,
            engine="dask" if client else "local",
            workers=workers,
            scheduler=client,
            progress=sys.stderr.isatty() if progress is None else progress,
            task_timeout=timeout if client else None,
            registry=TargetRegistry(dataset),
        )
        from dxecon.pipeline.publish import outputs_lock

        target = Path(outputs_dir or folders.OUTPUTS_DIR)
        with outputs_lock(target):  # a run swapping the month folder must not race it
            folder = result.write(target)
    except DxeconError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        if client is not None:
            client.close()
    from dxecon.present.sweep_text import failure_summary, target_unit
    from dxecon.present.words import Words

    words = Words("en")  # the command's messages are English
    failures = result.failures()
    if len(failures) == len(result.table):
        click.echo(failure_summary(result, words), err=True)
        click.echo(f"every variant failed: nothing to rank; the table is in {folder}", err=True)
        sys.exit(1)
    top = result.tornado().query("rank == 1")
    goals = {target.target_id: target for target in result.targets}
    for _, row in top.iterrows():
        goal = goals[row["target_id"]]
        if row["probability_swing"] > 0:
            click.echo(
                f"{row['target_id']}: probability {row['probability_base']:.0%} at base; "
                f"moved most by {row['parameter']} "
                f"({row['probability_low']:.0%} to {row['probability_high']:.0%})"
            )
        else:
            click.echo(
                f"{row['target_id']}: probability {row['probability_base']:.0%} at base and at "
                f"every end; the median moves most with {row['parameter']} "
                f"({row['median_low']:.1f} to {row['median_high']:.1f}; target "
                f"{goal.value:g}{target_unit(goal, words)})"
            )
    rate = len(result.table) / result.seconds if result.seconds else float("nan")
    click.echo(
        f"{len(result.table):,} variants in {result.seconds:.1f}s ({rate:,.0f}/s), "
        f"{len(failures)} failed; wrote {folder}"
    )
    if len(failures):
        click.echo(failure_summary(result, words))


@main.command("report")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@LANG_OPTION
@PDF_OPTION
def report(folder: Path, lang: str, pdf: bool) -> None:
    """Write report.html and tables.xlsx (and with --pdf report.pdf) into a run's folder,
    OUTPUTS/<as-of>/<place>/, from its saved outputs and the month's panel (it loads no
    data)."""
    import time

    from dxecon.core.errors import DxeconError
    from dxecon.report import build_report

    start = time.perf_counter()
    try:
        path = build_report(folder, lang, pdf=pdf)
    except DxeconError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    written = [path.name, "tables.xlsx"] + (["report.pdf"] if pdf else [])
    seconds = time.perf_counter() - start
    click.echo(f"wrote {', '.join(written)} in {path.parent} ({seconds:.1f}s)")


if __name__ == "__main__":  # pragma: no cover
    main()
