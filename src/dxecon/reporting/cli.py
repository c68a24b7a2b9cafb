"""``dxecon report OUTPUT_MONTH_FOLDER [--lang vi|en] [--pdf]``, and the ``--lang`` and
``--pdf`` options ``dxecon run`` and ``dxecon monthly`` share."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dxecon.cli_options import DATA_OPTION
from dxecon.present.words import LANGUAGES

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


@click.command("report")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@LANG_OPTION
@PDF_OPTION
@DATA_OPTION
def report(folder: Path, lang: str, pdf: bool, data_dir: Path | None) -> None:
    """Write report.html and tables.xlsx (and with --pdf report.pdf) into a run's month
    folder, OUTPUTS/<as-of>/, from its tables."""
    import time

    from dxecon.core.errors import DxeconError
    from dxecon.report import build_report

    start = time.perf_counter()
    try:
        path = build_report(folder, lang, pdf=pdf, data_dir=data_dir)
    except DxeconError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    written = [path.name, "tables.xlsx"] + (["report.pdf"] if pdf else [])
    seconds = time.perf_counter() - start
    click.echo(f"wrote {', '.join(written)} in {path.parent} ({seconds:.1f}s)")
