"""The notebook suite: which notebooks there are, their parameters and params files.

Each notebook declares the params file it reads in its metadata
(``metadata["dxecon"]["params_file"]``, relative to ``params/``; ``{name}`` stands for the
scenario): a run injects exactly that file's keys, plus its own parameters (``as_of``,
``output_dir``, ``lang``: the run's ``--lang``), and nothing else, so a scenario's keys
never reach a common notebook. Notebooks whose parameters include ``name`` are run once per
scenario; the others (data, estimates) once per run. The steps a notebook shows are the
names its code opens (``open_step("<step>", ...)``): a run executes it once those are
computed. Read without a kernel.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dxecon.core import folders
from dxecon.core.errors import ParamsError, did_you_mean

#: Parameters the runner itself sets; notebooks may declare them.
RUNNER_PARAMETERS = ("as_of", "output_dir", "lang")


@dataclass(frozen=True)
class Notebook:
    path: Path
    parameters: dict[str, Any]  # name -> default, from the 'parameters' cell
    params_file: str | None = None  # metadata["dxecon"]["params_file"], relative to params/
    steps: tuple[str, ...] = ()  # the steps it opens, in order

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def per_scenario(self) -> bool:
        return "name" in self.parameters


def _read_notebook(path: Path) -> dict:
    """A notebook's JSON, without nbformat's schema validation (half a second a notebook;
    papermill validates when it executes)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParamsError(str(path), None, f"not a readable notebook ({exc})") from exc


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def notebook_parameters(path: Path, book: dict | None = None) -> dict[str, Any]:
    """Names and literal defaults of a notebook's ``parameters`` cell (no kernel needed)."""
    book = book if book is not None else _read_notebook(path)
    for cell in book.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            found = {}
            for node in ast.parse(_source(cell)).body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = ast.literal_eval(node.value)
            return found
    raise ParamsError(str(path), None, "no cell tagged 'parameters'; papermill needs one")


def notebook_steps(path: Path, book: dict | None = None) -> tuple[str, ...]:
    """The steps a notebook opens: the first argument of each ``open_step(...)`` call."""
    book = book if book is not None else _read_notebook(path)
    found = []
    for cell in book.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(_source(cell))
        except SyntaxError:
            continue  # papermill reports it when the cell runs
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "open_step"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append(node.args[0].value)
    return tuple(dict.fromkeys(found))


def notebook_params_file(path: Path, book: dict | None = None) -> str | None:
    """The params file a notebook declares in ``metadata["dxecon"]["params_file"]``."""
    book = book if book is not None else _read_notebook(path)
    return (book.get("metadata", {}).get("dxecon") or {}).get("params_file")


def suite(folder: Path | None = None) -> list[Notebook]:
    """The numbered notebooks (``NN_*.ipynb``) of the suite, in order."""
    folder = folder or folders.NOTEBOOKS_DIR
    found = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        book = _read_notebook(path)
        found.append(
            Notebook(
                path,
                notebook_parameters(path, book),
                notebook_params_file(path, book),
                notebook_steps(path, book),
            )
        )
    return found


def notebook_values(
    nb: Notebook, scenario_values: dict[str, Any] | None = None, *, place: str | None = None
) -> dict[str, Any]:
    """What the runner injects from a notebook's own params file, as read for ``place``
    (`dxecon.pipeline.context.file_values`: the profile's section laid over the file): the
    keys of the file it declares that it also declares as parameters (a scenario notebook:
    the whole scenario)."""
    if nb.per_scenario:
        return {k: v for k, v in (scenario_values or {}).items() if k in nb.parameters}
    if not nb.params_file:
        return {}
    from dxecon.pipeline.context import file_values

    data = file_values(nb.params_file, place)
    return {k: v for k, v in data.items() if k in nb.parameters}


def declared_parameters(notebooks: list[Notebook]) -> set[str]:
    return {name for nb in notebooks for name in nb.parameters}


def check_params(params: dict[str, Any], notebooks: list[Notebook], *, file: str) -> None:
    """Reject a key that is not a scenario notebook's parameter (papermill would only warn):
    ``--params`` holds a scenario; the common notebooks read their own files only."""
    declared = {k for nb in notebooks if nb.per_scenario for k in nb.parameters}
    declared -= {"output_dir", "lang"}
    for key in params:
        if key not in declared:
            raise ParamsError(
                file,
                key,
                f"not a scenario parameter; {did_you_mean(key, sorted(declared))}"
                "a params file given to a run is a scenario "
                f"(like params/scenarios/baseline.yaml), with the keys: {sorted(declared)}",
            )
