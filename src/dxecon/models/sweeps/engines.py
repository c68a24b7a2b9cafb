"""Where the variants run: in this process, on a local process pool, or on a Dask cluster.

All three map the same pure function (`evaluate_variants`) over the same chunks and sort
the rows by variant, and every variant carries its own seed, so the table is identical
whichever engine computed it.

* ``serial``: a loop in this process (debugging, tiny sweeps, reference in tests).
* ``local`` (default): ``concurrent.futures.ProcessPoolExecutor`` on all cores.
* ``dask``: an existing ``distributed`` scheduler (``--scheduler tcp://host:8786``);
  ``distributed`` is imported only here, when asked for: it is an optional extra.

Variants are sent in chunks so that per-task overhead (about 2 ms for Dask, less for a pool)
stays a few per cent of a chunk's work, with enough chunks per worker to balance the load
and move the progress bar.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from dxecon.core.errors import DxeconError, ParamsError
from dxecon.core.reaper import die_with_parent
from dxecon.models.sweeps.evaluate import Variant, evaluate_variants, result_columns, worker_version

ENGINES = ("local", "serial", "dask")
#: Chunks per worker: enough to balance uneven workers and show progress.
CHUNKS_PER_WORKER = 8
#: Largest chunk: at about 3 ms a variant (2,000 paths) a chunk is at most ~0.2 s of work.
MAX_CHUNK = 64
CONNECT_TIMEOUT_S = 10.0


def chunk_size_for(n_variants: int, workers: int) -> int:
    """Variants per task: ``n / (8 * workers)``, between 1 and `MAX_CHUNK`."""
    return max(1, min(MAX_CHUNK, math.ceil(n_variants / (CHUNKS_PER_WORKER * max(1, workers)))))


def _chunks(variants: Sequence[Variant], size: int) -> list[list[Variant]]:
    return [list(variants[i : i + size]) for i in range(0, len(variants), size)]


def _failed_chunk(chunk: Sequence[Variant], exc: BaseException) -> list[dict[str, Any]]:
    """Rows for a chunk whose task failed as a whole (a worker died, could not unpickle)."""
    error = f"engine: {type(exc).__name__}: {exc}"
    empty = dict.fromkeys(result_columns(chunk[0].targets), math.nan) if chunk else {}
    return [{"variant": v.index, "seed": v.seed, **empty, "error": error} for v in chunk]


def local_context() -> multiprocessing.context.BaseContext:
    """How the pool starts its workers.

    ``fork`` starts in milliseconds with everything already imported, but forking a process
    that runs threads (a Jupyter kernel, a Dask client) can deadlock the child; there,
    ``forkserver`` forks from a clean server that has pre-imported the evaluation module.
    Elsewhere (macOS, Windows) the platform default.
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["dxecon.models.sweeps.evaluate"])
        return context
    return multiprocessing.get_context()


def connect(address: str, *, timeout: float = CONNECT_TIMEOUT_S):
    """A ``distributed.Client`` on an existing scheduler that has workers able to run dxecon.

    Raises
    ------
    DxeconError
        When ``distributed`` is not installed.
    ParamsError
        For a malformed or unreachable address, a scheduler without workers, or workers
        that cannot import dxecon (field ``--scheduler``).
    """
    where, field = "<command line>", "--scheduler"
    try:
        import distributed
    except ImportError as exc:
        raise DxeconError(
            "--scheduler needs Dask distributed, an optional extra: pip install 'dxecon[dask]'"
        ) from exc
    if not re.fullmatch(r"([a-z]+://)?[\w.\-\[\]:]+:\d+", address):
        raise ParamsError(
            where, field, f"{address!r} is not a scheduler address; expected tcp://HOST:PORT"
        )
    probe_scheduler(address, timeout=timeout)
    try:
        client = _bounded(
            lambda: distributed.Client(address, timeout=f"{timeout}s", set_as_default=False),
            timeout + 5.0,
        )
    except (OSError, TimeoutError) as exc:
        raise _no_scheduler(address, timeout, exc) from exc
    try:
        client.wait_for_workers(1, timeout=timeout)
        versions = _bounded(lambda: client.run(worker_version), timeout)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise ParamsError(
            where, field, f"the scheduler at {address} has no workers (waited {timeout:g} s)"
        ) from exc
    except Exception as exc:  # the workers could not even unpickle a dxecon function
        client.close()
        raise ParamsError(
            where,
            field,
            f"the workers of {address} cannot run dxecon ({type(exc).__name__}: {exc}); "
            "install dxecon in the workers' environment",
        ) from exc
    from dxecon import __version__

    stale = sorted(w for w, v in versions.items() if v != __version__)
    if stale:
        client.close()
        raise ParamsError(
            where,
            field,
            f"workers {stale} run another dxecon version than {__version__}; results would "
            "not be comparable",
        )
    return client


def _no_scheduler(address: str, timeout: float, exc: BaseException) -> ParamsError:
    return ParamsError(
        "<command line>",
        "--scheduler",
        f"no Dask scheduler answered at {address} within {timeout:g} s ({exc}); start one "
        "(dask scheduler) or leave out --scheduler to run on this machine",
    )


def _bounded(call: Callable[[], Any], seconds: float) -> Any:
    """``call()`` in a helper thread, abandoned with a ``TimeoutError`` after ``seconds``: a
    library wait that ignores its own timeout cannot hang the command."""
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures import TimeoutError as FutureTimeout

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(call)
    try:
        return future.result(timeout=seconds)
    except FutureTimeout as exc:
        raise TimeoutError(f"no answer within {seconds:g} s") from exc
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def probe_scheduler(address: str, *, timeout: float) -> None:
    """Check, with plain sockets and within ``timeout``, that a Dask scheduler listens at a
    ``tcp://`` address: it greets every connection first with a frame count (a small
    integer, 8 bytes little-endian). Silence or anything else (an HTTP server, another
    service) is a clear `ParamsError` instead of a hang or a huge allocation."""
    import socket
    import struct

    where, field = "<command line>", "--scheduler"
    scheme, _, rest = address.rpartition("://")
    if scheme not in ("", "tcp"):
        return  # tls:// and others: left to distributed, under `_bounded`
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as sock:
            sock.settimeout(timeout)
            greeting = b""
            try:
                while len(greeting) < 8:
                    chunk = sock.recv(8 - len(greeting))
                    if not chunk:
                        break
                    greeting += chunk
            except TimeoutError:
                pass
    except OSError as exc:
        raise _no_scheduler(address, timeout, exc) from exc
    if len(greeting) < 8:
        raise ParamsError(
            where,
            field,
            f"something listens at {address} but sent no Dask greeting within {timeout:g} s: "
            "it is not a Dask scheduler; check the port (a scheduler's default is 8786)",
        )
    frames = struct.unpack("<Q", greeting)[0]
    if not 1 <= frames <= 1024:
        shown = greeting.decode("ascii", "replace").strip()
        raise ParamsError(
            where,
            field,
            f"the service at {address} is not a Dask scheduler (it answered {shown!r}); "
            "check the port (a scheduler's default is 8786)",
        )


def cluster_threads(client) -> int:
    """Worker threads of a Dask cluster (its parallelism)."""
    return max(1, sum(client.nthreads().values()))


def map_variants(
    variants: Sequence[Variant],
    *,
    engine: str = "local",
    workers: int | None = None,
    scheduler=None,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    mp_context: multiprocessing.context.BaseContext | None = None,
    task_timeout: float | None = None,
) -> list[dict[str, Any]]:
    """Evaluate every variant on an engine; rows come back sorted by variant.

    Parameters
    ----------
    engine : {'local', 'serial', 'dask'}
    workers : int, optional
        Processes of the local pool (default: all cores).
    scheduler : str or distributed.Client
        Address of an existing Dask scheduler, or a connected client (kept open), for
        ``engine='dask'``.
    chunk_size : int, optional
        Variants per task (default `chunk_size_for`).
    progress : callable(int), optional
        Called with the number of variants each time a chunk finishes.
    mp_context : multiprocessing context, optional
        How the local pool starts workers (default `local_context`).
    task_timeout : float, optional
        Dask: seconds to wait for the next chunk before the rest fail (``--timeout``).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
    tick = progress or (lambda n: None)
    rows: list[dict[str, Any]] = []
    if engine == "serial":
        for chunk in _chunks(variants, chunk_size or MAX_CHUNK):
            rows += evaluate_variants(chunk)
            tick(len(chunk))
    elif engine == "local":
        workers = workers or os.cpu_count() or 1
        context = mp_context or local_context()
        for chunk, result in _local(variants, workers, chunk_size, context):
            rows += result
            tick(len(chunk))
    else:
        if scheduler is None:
            raise ValueError("engine 'dask' needs a scheduler address or client")
        owned = isinstance(scheduler, str)
        client = connect(scheduler) if owned else scheduler
        try:
            size = chunk_size or chunk_size_for(len(variants), cluster_threads(client))
            for chunk, result in _dask(client, _chunks(variants, size), task_timeout):
                rows += result
                tick(len(chunk))
        finally:
            if owned:
                client.close()
    return sorted(rows, key=lambda row: row["variant"])


def _local(
    variants: Sequence[Variant], workers: int, chunk_size: int | None, context
) -> Iterator[tuple[list[Variant], list[dict[str, Any]]]]:
    chunks = _chunks(variants, chunk_size or chunk_size_for(len(variants), workers))
    # A worker forked from this process dies with it (however it ends), so a killed run
    # leaves none behind: the run's reaper cannot see a forked process's token. (A fork
    # server's workers are its children, executed with the token.)
    forked = context.get_start_method() == "fork"
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=die_with_parent if forked else None,
        initargs=(os.getpid(),) if forked else (),
    )
    try:
        futures = {pool.submit(evaluate_variants, chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            chunk = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool as exc:  # a worker died (memory?): those variants fail
                result = _failed_chunk(chunk, exc)
            yield chunk, result
    finally:
        # On Ctrl-C or an error: drop queued chunks instead of finishing the whole sweep.
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(
    client, chunks: list[list[Variant]], task_timeout: float | None = None
) -> Iterator[tuple[list[Variant], list[dict]]]:
    """Chunks on the cluster; when no chunk finishes within ``task_timeout`` seconds (a
    lost cluster, a hung worker), the chunks left fail with that reason instead of waiting
    for ever."""
    import distributed

    # A chunk the cluster lost (its worker killed, the connection closed, the task
    # cancelled); an exception a variant raised (a bug) propagates.
    lost_worker = (distributed.KilledWorker, OSError, CancelledError)
    futures = client.map(evaluate_variants, chunks, pure=False)
    owner = {future.key: chunk for future, chunk in zip(futures, chunks, strict=True)}
    pending = set(futures)
    try:
        while pending:
            try:
                with client.as_current():  # the client is not the process default
                    done, pending = distributed.wait(
                        list(pending), timeout=task_timeout, return_when="FIRST_COMPLETED"
                    )
            except TimeoutError as exc:
                reason = TimeoutError(f"no chunk finished within {task_timeout:g} s")
                for future in pending:
                    yield owner[future.key], _failed_chunk(owner[future.key], reason)
                pending = set()
                del exc
                break
            for future in done:
                chunk = owner[future.key]
                try:
                    result = future.result()
                except lost_worker as exc:  # the cluster lost the chunk: report, keep the rest
                    result = _failed_chunk(chunk, exc)
                yield chunk, result
    finally:
        client.cancel(futures)
