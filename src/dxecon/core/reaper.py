"""Nothing lingers: when a run ends, however it ends (even ``kill -9``), its descendants go.

Kernels start in sessions of their own (jupyter_client) and start processes of their own
(a sweep's forkserver, resource tracker and pool workers), so neither a process group nor a
parent-death signal reaches them all. Instead every descendant carries a token in its
environment (``DXECON_RUN_TOKEN``), inherited through any fork or exec, and a tiny watchdog
process, started first, waits on a pipe from the run: when the pipe closes (the run finished,
failed or was killed), the watchdog kills every process that carries the token.
Linux only (``/proc``); elsewhere `reaping` does nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

TOKEN_VARIABLE = "DXECON_RUN_TOKEN"

#: The watchdog: standard library only, started with -S -I so it costs a few milliseconds.
WATCHDOG = r"""
import os, signal, sys, time
token = sys.argv[1].encode()
sys.stdin.buffer.read()  # returns when the run's end of the pipe closes, however it closed
me = os.getpid()
for attempt in range(20):
    found = 0
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                environ = handle.read().split(b"\0")
        except OSError:
            continue
        if b"DXECON_RUN_TOKEN=" + token in environ:
            found += 1
            try:
                os.kill(int(name), signal.SIGKILL)
            except OSError:
                pass
    if not found:
        break
    time.sleep(0.1)
"""


@contextmanager
def reaping() -> Iterator[str | None]:
    """Tag every process started inside the block; kill those left when it ends."""
    if not os.path.isdir("/proc") or os.environ.get(TOKEN_VARIABLE):
        yield os.environ.get(TOKEN_VARIABLE)  # not Linux, or an outer run already reaps
        return
    # multiprocessing's resource tracker is one per process, kept for the process's life:
    # started under the tag, the watchdog would kill it at the run's end and the next run
    # in this process would warn on stderr that it died ("relaunching").
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    token = uuid.uuid4().hex
    watchdog = subprocess.Popen(
        [sys.executable, "-S", "-I", "-c", WATCHDOG, token],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C to the run's group must not stop it first
        close_fds=True,
    )
    os.environ[TOKEN_VARIABLE] = token
    try:
        yield token
    finally:
        os.environ.pop(TOKEN_VARIABLE, None)
        watchdog.stdin.close()
        try:
            watchdog.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - the scan is quick
            watchdog.kill()


def die_with_parent(parent: int) -> None:
    """In a process forked (not executed) from ``parent``: be killed when ``parent`` dies.

    The watchdog finds the run's descendants by the token in ``/proc/PID/environ``, which
    shows the environment a process was executed with: a process forked from the run (the
    run's second process, a pool's worker forked from it) does not show the token the run
    set later, so it asks the kernel instead (Linux's parent-death signal). Elsewhere it
    does nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    set_parent_death_signal = 1  # PR_SET_PDEATHSIG
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(set_parent_death_signal, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request: nothing will signal
        os._exit(1)
