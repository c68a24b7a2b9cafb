"""Shared fixtures: the shipped dataset, and a scratch copy of the data folder to break."""

from __future__ import annotations

import fcntl
import functools
import shutil
from pathlib import Path

import pytest

from dxecon.core import folders


@functools.cache
def shipped_dataset():
    """The shipped dataset, loaded once per test process. One object for every test, so the
    library's per-dataset caches (the diffusion calibration and its real-time check) are
    computed once too: pass it (``dataset=``) wherever a function would load its own."""
    from dxecon.data import load_dataset

    return load_dataset()


@pytest.fixture(scope="session")
def dataset():
    return shipped_dataset()


@pytest.fixture
def shipped_data_loaded_once(monkeypatch):
    """Commands under test (CliRunner, in process) get the shared `shipped_dataset` when they
    load the shipped data folder, so they reuse its cached calibration; any other folder
    (a `data_copy`) is loaded and validated as usual."""
    import sys

    import dxecon.data
    import dxecon.models.scenarios.scenario_run  # loads its data through its own name

    load = dxecon.data.load_dataset
    # Loaded before the patch: `shipped_dataset` loads through dxecon.data's name, which
    # the patch replaces (a test run alone recursed into load_once).
    shipped_dataset()

    def load_once(data_dir=None, **kwargs):
        shipped = data_dir is None or Path(data_dir).resolve() == folders.DATA_DIR.resolve()
        return shipped_dataset() if shipped and not kwargs else load(data_dir, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("dxecon") and getattr(module, "load_dataset", None) is load:
            monkeypatch.setattr(module, "load_dataset", load_once)


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


#: The month of the shared small run, the month before it (its revisions compare with it),
#: and the name of its second scenario (the accelerated one, named in Vietnamese).
AS_OF, PREVIOUS = "2026-10", "2026-09"
VIETNAMESE_NAME = "Kịch bản tăng tốc"


@pytest.fixture(scope="session")
def small_month(tmp_path_factory, worker_id) -> Path:
    """A real month folder written by the runner, without notebooks (the steps' outputs and
    the report): baseline for the previous month and this one, then the accelerated
    scenario under a Vietnamese name, carried beside it. Shared by every test that only
    reads a month's outputs (the report's); returns the default place's run folder,
    ``outputs/<AS_OF>/<place>``.

    Built once per test session: the first pytest-xdist worker to ask builds it under a
    lock, the others wait and read it (three runs each were a minute of a lane's CPU).
    Read-only: a test that writes into a month copies it first."""
    from dxecon.pipeline import store

    if worker_id == "master":  # not under pytest-xdist
        root = tmp_path_factory.mktemp("small_month")
    else:  # the session's base folder, shared by its workers
        root = tmp_path_factory.getbasetemp().parent / "small_month"
        root.mkdir(exist_ok=True)
    outputs = root / "outputs"
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "built").exists():
            _build_small_month(outputs)
            (root / "built").touch()
    return store.month_folder(outputs, AS_OF)


def _build_small_month(outputs: Path) -> None:
    from dxecon.core.params import load_yaml, params_path
    from dxecon.pipeline.run import run_suite

    quiet = {"outputs_dir": outputs, "progress": False, "notebooks": []}
    run_suite(as_of=PREVIOUS, scenarios=["baseline"], **quiet)
    run_suite(as_of=AS_OF, scenarios=["baseline"], **quiet)
    accelerated = load_yaml(params_path("accelerated", "scenarios"))
    run_suite(as_of=AS_OF, scenarios=[VIETNAMESE_NAME], params=accelerated, **quiet)


def pytest_collection_modifyitems(items):
    """A test that reads `small_month` waits for three runner runs (about a minute): it
    belongs to the slow lane, whichever file it is in.

    The files marked ``first`` (whole runs, browsers, benchmarks: a minute or two each) are
    started before the others: each pytest-xdist worker takes the next file when it is
    free, so a long file taken last would leave the other worker idle at the end, and the
    short files fill in instead. A file's tests keep their order."""
    for item in items:
        if "small_month" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    first = {item.path for item in items if item.get_closest_marker("first")}
    items.sort(key=lambda item: item.path not in first)  # stable: files and tests in order
