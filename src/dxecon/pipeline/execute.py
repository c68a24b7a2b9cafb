"""Execute notebooks with papermill, two at a time, each worker keeping its kernel.

Kernels get the run's environment (params and data folders, one BLAS thread each); a kernel
that died at start-up (two kernels can pick one port) is started again; the first notebook
that fails stops the others and is reported with its cell. A run submits each notebook as
soon as the steps it shows are computed (`NotebookPool`), so kernels work while the run
computes the next steps.

A worker executes its notebooks one after another in one kernel (`WarmKernel`), reset
between them (`reset_shell`: the user namespace, the history and the execution
counter start again, as in a fresh kernel; imported modules stay). Starting a kernel and
importing pandas and dxecon cost about a second of CPU a notebook, more than most notebooks
spend showing their outputs. Every notebook of a run has the run's environment, so nothing a
notebook could leave behind in a module differs from what the next one would set up.

A kernel is shut down without an interrupt (`quiet_kernel_manager`): jupyter_client sends
SIGINT before every shutdown request, and papermill shuts a kernel down as soon as the
reply to its last request arrives, while the kernel may still be inside that request's
handler, where SIGINT raises KeyboardInterrupt and ipykernel logs
"KeyboardInterrupt caught in kernel" on the run's stderr. The kernel has no cell left to
interrupt by then; the shutdown request alone stops it (and jupyter_client still
terminates a kernel that does not stop).
"""

from __future__ import annotations

import functools
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dxecon.core import folders
from dxecon.core.errors import DxeconError
from dxecon.pipeline.suite import Notebook

KERNEL_NAME = "dxecon"


class RunError(DxeconError):
    """A notebook failed; the previous outputs are untouched."""

    def __init__(self, notebook: str, cell: int | None, error: str, partial: Path) -> None:
        self.notebook, self.cell, self.error, self.partial = notebook, cell, error, partial
        where = f"cell {cell}" if cell is not None else "start-up"
        super().__init__(
            f"notebook {notebook} failed in {where}: {error}\n"
            f"partial run kept for debugging at {partial}\n"
            "previous outputs are untouched"
        )


@dataclass
class Task:
    notebook: Notebook
    scenario: str | None  # None for the once-per-run notebooks
    parameters: dict[str, Any]
    output: Path
    seconds: float = 0.0
    ended: float = 0.0  # time.perf_counter() when it finished


#: How often a kernel that died before it answered is started again. jupyter_client picks a
#: kernel's ports by binding and releasing them, so two kernels started at once can pick the
#: same port; the loser dies at start-up ("Address already in use") having run no cell.
KERNEL_START_ATTEMPTS = 3


def _died_at_start(exc: Exception) -> bool:
    return isinstance(exc, RuntimeError) and "Kernel died before replying" in str(exc)


@functools.cache
def quiet_kernel_manager():
    """jupyter_client's kernel manager, without the interrupt it sends before a shutdown
    (see the module docstring)."""
    from jupyter_client import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_interrupt_kernel(self) -> None:
            if getattr(self, "shutting_down", False):
                return  # shutting down: every cell has run, the shutdown request stops it
            await super()._async_interrupt_kernel()

    return QuietKernelManager


#: The shell's hooks that a notebook may change for every later cell (e.g.
#: `dxecon.pipeline.nodata` skipping the rest of a notebook): a kept kernel restores them.
SHELL_HOOKS = ("input_transformers_post", "ast_transformers")


#: How much lower than the run a kept kernel (and the run's chart process) is scheduled.
SHOWING_NICENESS = 5


def remember_fresh_shell(shell) -> bool:
    """In a kept kernel when it starts: record what `reset_shell` restores, and yield the
    CPU to the run (`yield_to_the_run`)."""
    shell._dxecon_fresh = {name: list(getattr(shell, name)) for name in SHELL_HOOKS}
    yield_to_the_run()
    return True


def yield_to_the_run() -> None:
    """Schedule this process below the run's: a notebook shows what the run's steps have
    computed, so while both want a core the steps go first (they are what every notebook
    left, and the report, wait for); the notebooks take the cores the steps leave."""
    if hasattr(os, "nice"):
        os.nice(SHOWING_NICENESS)


def reset_shell(shell) -> bool:
    """In a kept kernel before its next notebook: the user namespace, history and execution
    counter started again, the hooks as the kernel started, and no figure left open."""
    shell.reset(new_session=True)
    for name, fresh in shell._dxecon_fresh.items():
        setattr(shell, name, list(fresh))
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    return True


async def _in_kernel(kc, function) -> None:
    """Call ``function(get_ipython())`` (of this module) in the kernel of client ``kc``, as
    a user expression: input transformers, which a notebook may have changed, do not apply."""
    call = f"__import__({__name__!r}, fromlist=['_']).{function.__name__}(get_ipython())"
    reply = await kc.execute_interactive(
        "", silent=True, store_history=False, user_expressions={"done": call}, timeout=60
    )
    result = reply["content"].get("user_expressions", {}).get("done", {})
    if reply["content"]["status"] != "ok" or result.get("status") != "ok":
        raise RuntimeError(f"{function.__name__} failed in the kept kernel: {result or reply}")


class WarmKernel:
    """A kernel kept for a worker's notebooks, reset between them (see the module docstring).

    Used from the one thread that executes the worker's notebooks: the kernel's client lives
    on that thread's event loop.
    """

    def __init__(self) -> None:
        self.km = None
        self.kc = None
        self.used = False

    def manager(self):
        """The kernel manager for the next notebook (papermill starts the kernel the first
        time), after resetting what the previous notebook left."""
        if self.km is None:
            self.km = quiet_kernel_manager()(kernel_name=KERNEL_NAME)
        elif self.used and self.kc is not None:
            from jupyter_core.utils import run_sync

            try:
                run_sync(_in_kernel)(self.kc, reset_shell)
            except RuntimeError:  # start again rather than leak state
                self.shutdown()
                return self.manager()
        self.used = True
        return self.km

    def remember_fresh(self, client):
        """nbclient's hook when it has started a kernel's client (the kernel's first
        notebook), before any cell: the kernel records what `reset_shell` restores."""

        async def remember(notebook) -> None:
            await _in_kernel(client.kc, remember_fresh_shell)

        return remember

    def shutdown(self) -> None:
        """Stop the kernel (a no-op when none was started)."""
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=False)
        self.km = self.kc = None
        self.used = False


def import_papermill():
    """papermill, imported without the one optional module of jsonschema's that costs a
    second.

    papermill imports nbformat, which imports jsonschema, which imports ``rfc3987_syntax``
    when it is installed (jupyterlab's jupyter-events asks for it): that module compiles 38
    Lark grammars at import, about a second of CPU, to check the "iri" string format, which
    no notebook schema uses. Where jsonschema is not imported yet, that module is marked
    absent first, so jsonschema leaves the "iri" format unchecked, as it does wherever the
    module is not installed; a process that imported it already keeps it."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import papermill

    return papermill


@functools.cache
def warm_kernel_engine():
    """papermill's nbclient engine, executing in a `WarmKernel` (``warm_kernel=``) instead of
    a kernel of its own, and keeping the kernel's client for the next notebook."""
    import_papermill()
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
            start_timeout=60, execution_timeout=None, warm_kernel=None, **kwargs,
        ):  # fmt: skip
            client = PapermillNotebookClient(
                nb_man,
                km=warm_kernel.manager(),
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client.kc = warm_kernel.kc  # None the first time: the client starts one
            client.on_notebook_start = warm_kernel.remember_fresh(client)
            try:
                return client.execute()
            finally:
                warm_kernel.kc = client.kc

    papermill_engines.register(WARM_ENGINE, WarmKernelEngine)
    return WARM_ENGINE


WARM_ENGINE = "dxecon-warm-kernel"


def execute_task(task: Task, kernel: WarmKernel | None = None) -> Task:
    """Execute ``task``'s notebook with papermill: in ``kernel`` (kept between notebooks) or,
    without one, in a kernel of its own."""
    papermill = import_papermill()

    start = time.perf_counter()
    task.output.parent.mkdir(parents=True, exist_ok=True)
    if kernel is None:
        engine = {"kernel_manager_class": quiet_kernel_manager()}
    else:
        engine = {"engine_name": warm_kernel_engine(), "warm_kernel": kernel}
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            papermill.execute_notebook(
                str(task.notebook.path),
                str(task.output),
                parameters=task.parameters,
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                cwd=str(folders.PROJECT_ROOT),
                # Written once at the end (and on a failure), not after every cell: each
                # save serialises the whole notebook with its images again.
                request_save_on_cell_execute=False,
                **engine,
            )
            break
        except RuntimeError as exc:
            if kernel is not None:
                kernel.shutdown()  # a kernel that died or failed is never reused
            if not _died_at_start(exc) or attempt == KERNEL_START_ATTEMPTS:
                raise
    task.ended = time.perf_counter()
    task.seconds = task.ended - start
    return task


def _failure_cell(exc: Exception, output: Path) -> tuple[int | None, str]:
    """The failing cell's number (as shown in the executed notebook) and the error."""
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    cell = getattr(exc, "exec_count", None)
    return cell, f"{ename}: {evalue}".strip()


#: Thread pools of the numeric libraries (OpenBLAS, OpenMP, MKL).
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_blas() -> dict[str, str]:
    """One BLAS thread per kernel (unless the user chose otherwise): the runner already runs
    a notebook per core, and the statsmodels fits work on tiny matrices, where OpenBLAS's
    threads only contend (notebook 04's backtests: 14 s with them, 3 s without, measured
    on the 2-core machine)."""
    return {name: os.environ.get(name) or "1" for name in BLAS_THREAD_VARIABLES}


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """This process's BLAS libraries on one thread for the block (as `single_threaded_blas`
    sets for the kernels): a run's steps compute beside two kernels, the chart process and
    the sweep's workers, where OpenBLAS's threads on tiny matrices only spin (the published
    forecasts' state-space fits: 5.1 s of CPU with them, 0.8 s without, on the 2-core
    machine). SciPy's own OpenBLAS, loaded later in the block, reads the environment
    variables `environment` sets."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the kernels this run starts, then restore them."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def task_label(task: Task) -> str:
    return f"{task.scenario or 'common'}/{task.notebook.name}"


class NotebookPool:
    """Notebooks executed ``workers`` at a time as they are submitted, each worker in its
    `WarmKernel`; :meth:`wait` returns when all are done, or raises `RunError` for the first
    that failed (the others are cancelled; kernels already started finish their notebook and
    are shut down, or are reaped with the run)."""

    def __init__(self, total: int, *, workers: int, progress: bool) -> None:
        from tqdm import tqdm

        if total:
            # papermill (and IPython) imported here, not first in a worker thread: a module
            # half imported by a thread breaks the run's thread that uses it meanwhile
            # (savefig). A run with no notebook imports neither, and starts no worker.
            import_papermill()

        self.bar = tqdm(
            total=total,
            desc="notebooks",
            unit="nb",
            disable=not progress or None,
            file=sys.stderr,
        )
        self.futures: dict[Future, Task] = {}
        self.own_failures: set[Future] = set()
        self.first_start: float | None = None
        # Kernels are processes, so threads are enough to keep both cores busy; each thread
        # keeps its kernel (its client lives on the thread's event loop).
        self.queue: queue.SimpleQueue[tuple[Future, Task] | None] = queue.SimpleQueue()
        self.threads = [
            threading.Thread(target=self._work, name=f"notebooks-{n}", daemon=True)
            for n in range(min(max(1, workers), total))
        ]
        for thread in self.threads:
            thread.start()

    def submit(self, task: Task, *, own_failure: bool = False) -> Future:
        """Queue ``task``; ``own_failure``: a notebook of another run sharing these kernels
        (the month's panel beside a place's last notebooks), whose failure fails neither
        this pool nor its other notebooks (`failure` tells it)."""
        if self.first_start is None:
            self.first_start = time.perf_counter()
        future: Future = Future()
        future.add_done_callback(self._advance)
        self.futures[future] = task
        if own_failure:
            self.own_failures.add(future)
        if len(self.futures) > (self.bar.total or 0):
            self.bar.total = len(self.futures)
        self.queue.put((future, task))
        return future

    def failure(self, future: Future) -> RunError | None:
        """The `RunError` of a finished notebook that failed (None if it did not)."""
        if future.cancelled():
            task = self.futures[future]
            return RunError(task_label(task), None, "not run: its run stopped", task.output)
        exc = future.exception()
        if exc is None:
            return None
        task = self.futures[future]
        cell, error = _failure_cell(exc, task.output)
        return RunError(task_label(task), cell, error, task.output)

    def _work(self) -> None:
        kernel = WarmKernel()
        try:
            while (item := self.queue.get()) is not None:
                future, task = item
                if not future.set_running_or_notify_cancel():
                    continue  # cancelled: another notebook failed
                try:
                    future.set_result(execute_task(task, kernel))
                except BaseException as exc:  # reported by wait()
                    kernel.shutdown()  # a notebook that failed may have left anything
                    future.set_exception(exc)
                    if future in self.own_failures:
                        continue
                    for other in list(self.futures):  # the run fails: start nothing more
                        other.cancel()
        finally:
            kernel.shutdown()

    def _advance(self, future: Future) -> None:
        if not future.cancelled() and future.exception() is None:
            self.bar.set_postfix_str(task_label(self.futures.get(future) or future.result()))
            self.bar.update()

    def check(self) -> None:
        """Raise `RunError` now if a notebook has failed (the others are cancelled)."""
        for future in list(self.futures):
            if future in self.own_failures or not future.done():
                continue
            if (error := self.failure(future)) is not None and not future.cancelled():
                self.close()
                raise error from future.exception()

    def wait(self) -> None:
        """Wait for every notebook; `RunError` for the first that failed."""
        pending = set(self.futures)
        try:
            while pending:
                _, pending = wait(pending, return_when=FIRST_EXCEPTION)
                self.check()
        finally:
            self.close()

    def close(self) -> None:
        """Cancel what has not started, let the workers finish and stop their kernels."""
        for future in self.futures:
            future.cancel()
        for _ in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()
        self.threads = []
        self.bar.close()
