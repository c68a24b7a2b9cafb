"""Options shared by several commands (the main CLI and the sweep command)."""

from __future__ import annotations

from pathlib import Path

import click

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
