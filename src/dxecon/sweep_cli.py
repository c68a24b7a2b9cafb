"""``dxecon sweep FILE``: a sensitivity sweep on this machine or on a Dask cluster.

Registered on the main group by ``main.add_command(sweep)`` in ``dxecon.cli``; everything
heavy (numpy, pandas, Dask) loads only when the command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dxecon.cli_options import DATA_OPTION, OUTPUTS_OPTION
from dxecon.core.errors import DxeconError


@click.command("sweep")
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
    from dxecon.data import load_dataset
    from dxecon.data.targets import TargetRegistry
    from dxecon.models.sweeps import DEFAULT_LIMIT, load_sweep, run_sweep
    from dxecon.monthly import current_month

    if scheduler and workers:
        raise click.UsageError("--workers sets the local pool; a Dask cluster has its own")
    client = None
    try:
        spec = load_sweep(
            file,
            as_of=as_of or current_month(),
            paths_per_variant=n_paths,
            limit=limit or DEFAULT_LIMIT,
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
            registry=TargetRegistry(load_dataset(data_dir)),
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
    failures = result.failures()
    if len(failures) == len(result.table):
        click.echo(result.failure_summary(), err=True)
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
                f"{goal.value:g}{goal.unit})"
            )
    rate = len(result.table) / result.seconds if result.seconds else float("nan")
    click.echo(
        f"{len(result.table):,} variants in {result.seconds:.1f}s ({rate:,.0f}/s), "
        f"{len(failures)} failed; wrote {folder}"
    )
    if len(failures):
        click.echo(result.failure_summary())
