"""A run's ``manifest.json``: what it computed from (the inputs, the code's revision and
package versions), each step's status, each notebook's parameters and timings. A notebook
inside a run compares its own inputs with it (`dxecon.pipeline.store.saved_result`); where
the file lives is the store's (`dxecon.pipeline.store.manifest_path`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from dxecon.core import folders


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    names = ["dxecon", "numpy", "pandas", "statsmodels", "matplotlib", "papermill", "nbclient"]
    found = {"python": sys.version.split()[0]}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def code_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=folders.PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=folders.PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" (with uncommitted changes)" if dirty else "")


def run_inputs(ctx) -> dict[str, Any]:
    """What a run's results depend on: the context's inputs
    (`dxecon.pipeline.context.Context.inputs`) and the code's revision."""
    return {**ctx.inputs(), "code_revision": code_revision()}


def read_manifest(path: Path) -> dict[str, Any]:
    """A manifest's content ({} when there is none, or it cannot be read)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(path: Path, manifest: dict[str, Any]) -> Path:
    """Write a manifest atomically, keys sorted (a value JSON lacks, a date, as text)."""
    from dxecon.core.io import write_text_atomic

    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return write_text_atomic(text + "\n", path)
