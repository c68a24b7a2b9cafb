"""Shared fixtures: the shipped dataset, and a scratch copy of the data folder to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dxecon import folders


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
