"""A run's notebooks share one kept kernel per worker (dxecon.pipeline.execute): each must
see what a fresh kernel would, whatever the notebook before it left behind."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from dxecon.pipeline.execute import (
    SHOWING_NICENESS,
    NotebookPool,
    Task,
    environment,
    single_threaded_blas,
)
from dxecon.pipeline.suite import Notebook


def _notebook(folder: Path, name: str, *sources: str) -> Notebook:
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell("x = None", metadata={"tags": ["parameters"]})]
    book.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    book.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    book.metadata["language_info"] = {"name": "python"}
    path = folder / name
    nbformat.write(book, path)
    return Notebook(path, {})


def _shown(path: Path) -> list[str]:
    book = nbformat.read(path, as_version=4)
    return [
        "".join(out.get("text", "")) or "".join(out.get("data", {}).get("text/plain", ""))
        for cell in book.cells
        for out in cell.get("outputs", [])
    ]


@pytest.fixture
def kept(tmp_path):
    """Three notebooks executed one after another in one kept kernel (one worker)."""
    leaves = _notebook(
        tmp_path,
        "01_leaves.ipynb",
        "secret = 42\nimport matplotlib.pyplot as plt\nplt.figure()",
        # what dxecon.pipeline.nodata does when a past month has no data: skip later cells
        "from dxecon.pipeline.nodata import _skip_following_cells\n_skip_following_cells()",
        "print('never shown')",
    )
    looks = _notebook(
        tmp_path,
        "02_looks.ipynb",
        "print('secret' in globals(), x)",
        "import matplotlib.pyplot as plt\nprint(len(plt.get_fignums()))",
        "import os\nprint(os.nice(0))",
    )
    fails = _notebook(tmp_path, "03_fails.ipynb", "raise ValueError('boom')")
    after = _notebook(tmp_path, "04_after.ipynb", "print('secret' in globals())")
    tasks = [
        Task(nb, None, {"x": n}, tmp_path / "out" / nb.path.name)
        for n, nb in enumerate([leaves, looks, fails, after])
    ]
    with environment(single_threaded_blas()):
        pool = NotebookPool(len(tasks), workers=1, progress=False)
        for task in tasks:
            pool.submit(task)
        with pytest.raises(Exception, match="boom"):
            pool.wait()
    return tasks


def test_a_kept_kernel_starts_each_notebook_as_a_fresh_one(kept):
    leaves, looks, _fails, _after = kept
    assert "never shown" not in "".join(_shown(leaves.output))  # the skip worked there
    # the next notebook: no variable, no skipped cell, no open figure, its own parameters,
    # and its execution counts from 1
    # ... and it is scheduled below the run (the steps it waits for go first)
    below = min(os.nice(0) + SHOWING_NICENESS, 19)
    assert _shown(looks.output) == ["False 1\n", "0\n", f"{below}\n"]
    counts = [c.execution_count for c in nbformat.read(looks.output, as_version=4).cells]
    assert counts == [1, 2, 3, 4, 5]  # the injected parameters cell included


def test_a_failed_notebook_stops_the_rest(kept):
    *_, fails, after = kept
    assert fails.output.is_file()  # written with its error, for the reader
    assert not after.output.exists()  # cancelled: the run fails at the first failure
