"""Re-execute the committed notebooks in place, so their stored outputs (which nbval checks
in CI) match what the code computes today."""

from __future__ import annotations

import time
from pathlib import Path

from dxecon.core import folders
from dxecon.core.errors import DxeconError
from dxecon.pipeline.execute import (
    BLAS_THREAD_VARIABLES,
    KERNEL_NAME,
    environment,
    single_threaded_blas,
)


def install_kernel(prefix: Path | None = None) -> Path:
    """Install the 'dxecon' kernel into this environment (``sys.prefix``).

    Written by hand rather than by ``ipykernel install`` to quieten ipykernel's start-up
    warning about unencrypted local TCP, which would otherwise land in every run's log, and
    to pin BLAS to one thread per kernel.
    """
    import json
    import sys

    folder = Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.log_level=ERROR",
        ],
        "display_name": "Python (dxecon)",
        "language": "python",
        # The runner runs two kernels at once on two cores: one BLAS thread each avoids
        # oversubscription (statsmodels' small fits slowed down several times without it).
        "env": dict.fromkeys(BLAS_THREAD_VARIABLES, "1"),
        "metadata": {"debugger": True},
    }
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return folder


def notebook_paths(names: list[str] | None = None) -> list[Path]:
    """The suite (``NN_*.ipynb``) plus sub-folders' notebooks, or the named ones."""
    folder = folders.NOTEBOOKS_DIR
    if names:
        found = []
        for name in names:
            matches = sorted(folder.rglob(name if name.endswith(".ipynb") else f"{name}*.ipynb"))
            if not matches:
                raise DxeconError(f"no notebook matches '{name}' in {folder}")
            found += matches
        return found
    nested = (p for p in folder.glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return sorted(folder.glob("[0-9][0-9]_*.ipynb")) + sorted(nested)


def refresh(names: list[str] | None = None) -> list[tuple[Path, float]]:
    """Execute each notebook top to bottom with its default parameters and save it.

    No timing metadata is recorded and the kernel's working folder is the notebook's, so
    the stored outputs hold no timestamps or machine paths.
    """
    import nbformat
    from nbclient import NotebookClient

    done = []
    for path in notebook_paths(names):
        start = time.perf_counter()
        book = nbformat.read(path, as_version=4)
        client = NotebookClient(
            book,
            kernel_name=KERNEL_NAME,
            timeout=600,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        with environment(single_threaded_blas()):
            client.execute()
        book.metadata.pop("papermill", None)
        for cell in book.cells:
            cell.metadata.pop("papermill", None)
            cell.metadata.pop("execution", None)
        nbformat.write(book, path)
        done.append((path, time.perf_counter() - start))
    return done
