"""Shared fixtures: the shipped dataset, and a scratch copy of the data folder to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dxecon.core import folders


@pytest.fixture(scope="session")
def dataset():
    from dxecon.data import load_dataset

    return load_dataset()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (the shipped folder is never touched by tests)."""
    target = tmp_path / "data"
    shutil.copytree(folders.DATA_DIR, target)
    return target


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a copied data file; fail loudly if the text to replace is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def notebook_suite(folder: Path, *prefixes: str) -> Path:
    """A copy of the shipped notebooks whose names start with ``prefixes`` (e.g. "05_"):
    a run test executes only the notebooks its assertion is about (the suite's cost is in
    its notebooks; the whole suite runs once, in test_runner's `published` fixture)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(folders.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        if path.name.startswith(prefixes):
            shutil.copy(path, folder / path.name)
    return folder


#: The as-of date of the tests' runs (a scenario file holds none; the run gives it).
AS_OF = "2026-10"


@pytest.fixture(scope="session")
def diffusion_step(dataset):
    """The ``diffusion`` step on the shipped data as of `AS_OF` (the calibration and its
    real-time check: seconds), once for the tests of the steps that need it."""
    from dxecon.pipeline.context import Context
    from dxecon.pipeline.steps import run_step

    return run_step("diffusion", Context(dataset, AS_OF))
