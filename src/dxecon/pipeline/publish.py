"""Publish a run's month folder atomically, one run at a time per outputs folder.

A run builds the whole month folder in a staging folder under ``outputs/.runs/`` (the
scenarios it runs, plus real copies of what the month held before and this run does not
replace) and only when every notebook succeeded swaps it for ``outputs/<as-of>/`` (one
``renameat2(RENAME_EXCHANGE)`` where the file system has it, else two renames), so readers
and a killed run see one complete run or the next, never a mix; the published folders are
real directories. One run at a time per outputs folder (an ``flock``); a second is refused.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dxecon.core.errors import DxeconError


class RunLockedError(DxeconError):
    """Another run holds the outputs folder."""


@contextmanager
def outputs_lock(outputs_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on an outputs folder, or refuse at once."""
    lock_path = outputs_dir / ".lock"
    try:
        outputs_dir.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise OutputsWriteError(exc, outputs_dir) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLockedError(
                f"another dxecon run is writing to {outputs_dir} ({holder}); "
                "wait for it to finish, or use --outputs DIR"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


class OutputsWriteError(DxeconError):
    """Writing the outputs failed (disk full, no permission); earlier outputs untouched."""

    def __init__(self, exc: OSError, outputs_dir: Path) -> None:
        import errno

        reason = exc.strerror or type(exc).__name__
        if exc.errno == errno.ENOSPC:
            fix = "free some space (or use --outputs DIR on another disk) and run again"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            fix = f"make {outputs_dir} writable (or use --outputs DIR) and run again"
        else:
            fix = "fix the cause and run again"
        where = getattr(exc, "filename", None) or outputs_dir
        super().__init__(
            f"cannot write the outputs ({reason}: {where}); the previous outputs in "
            f"{outputs_dir} are untouched; {fix}"
        )


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False when the
    system or file system cannot."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


def copy_previous(month: Path, staged: Path, replaced: set[str]) -> None:
    """Real copies (hard links where possible) of what the month folder holds and this run
    does not replace (``replaced``: names of the month folder's entries): other scenarios,
    sweeps."""

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    if not month.is_dir():
        return
    for entry in month.iterdir():
        if entry.name in replaced or entry.name.startswith("."):
            continue
        target = staged / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, symlinks=False, copy_function=link_or_copy)
        elif entry.is_file():
            link_or_copy(str(entry), str(target))


def publish_month(staged: Path, final: Path, trash: Path) -> None:
    """Make ``staged`` (a complete month folder) the month folder ``final`` at once."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        if _exchange(staged, final):
            staged.rename(trash)  # staged now holds the previous month
        else:
            final.rename(trash)
            staged.rename(final)
        final_existed = True
    else:
        staged.rename(final)
        final_existed = False
    if final_existed:
        shutil.rmtree(trash, ignore_errors=True)


def clean_stale(runs_dir: Path, keep_failed: int = 3) -> None:
    """Remove staging folders of killed runs (safe: we hold the lock), keep a few failures."""
    if not runs_dir.is_dir():
        return
    for run in [*runs_dir.glob("staging-*"), *runs_dir.glob("old-*")]:
        shutil.rmtree(run, ignore_errors=True)
    failed = sorted(runs_dir.glob("failed-*"))
    for run in failed[:-keep_failed]:
        shutil.rmtree(run, ignore_errors=True)
