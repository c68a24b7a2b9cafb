"""Sweep throughput: variants per second on one and two workers, local pool and Dask.

Goals (issue 7): on a sweep of 1,000 variants at a realistic 2,000 paths each, two workers
at least 1.7x one worker, and Dask within 10% of the local pool. The Dask cluster (scheduler
and workers on loopback, one thread each) is started first and not timed: ``--scheduler``
uses an existing cluster; the pool's start-up is timed, as a user pays it on every sweep.

    ./dx python benchmarks/bench_sweep.py [--variants 1000] [--paths 2000] [--repeat 3]
        [--smallest]

``--smallest`` (the test that keeps this script from rotting): the plan's fixed part (base,
tornado, surface: about 100 variants) with one sample, 200 paths each, one run of each engine
and worker count, but Dask on its two-worker cluster only (each cluster's start-up costs
several seconds of CPU, and one shows that the path works).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from dxecon.core.params import load_yaml, params_path
from dxecon.models.sweeps import run_sweep, sweep_from_dict


def start_cluster(workers: int, root: Path) -> tuple[str, list[subprocess.Popen]]:
    """A loopback Dask scheduler with ``workers`` one-thread workers (own sessions)."""
    dask = str(Path(sys.executable).parent / "dask")
    env = {**os.environ, "DASK_TEMPORARY_DIRECTORY": str(root)}
    loopback = ["--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0"]
    scheduler_file = root / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [
        subprocess.Popen(
            [dask, "scheduler", *loopback, "--port", "0", "--scheduler-file", str(scheduler_file)],
            env=env,
            start_new_session=True,
            **quiet,
        )
    ]
    deadline = time.monotonic() + 60
    while not scheduler_file.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    for i in range(workers):
        command = [dask, "worker", "--scheduler-file", str(scheduler_file), *loopback]
        command += ["--nthreads", "1", "--nworkers", "1", "--name", f"w{i}"]
        command += ["--local-directory", str(root), "--memory-limit", "2GiB"]
        processes.append(subprocess.Popen(command, env=env, start_new_session=True, **quiet))
    address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
    return address, processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except ProcessLookupError:
            continue
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def best_rate(run, repeat: int) -> tuple[float, pd.DataFrame]:
    """Variants per second of the fastest of ``repeat`` runs (wall clock, incl. start-up)."""
    best, table = 0.0, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
        best = max(best, len(result.table) / seconds)
        table = result.table
    return best, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=1000, help="sampled variants")
    parser.add_argument("--paths", type=int, default=2000, help="Monte Carlo paths per variant")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smallest", action="store_true", help="the smallest sizes (a test)")
    args = parser.parse_args()
    if args.smallest:
        args.variants, args.paths, args.repeat = 20, 200, 1

    # The shipped sweep with its sample sized so that the whole plan (base, tornado, surface,
    # sample) is about the asked number of variants.
    def shipped(samples: int):
        data = load_yaml(params_path("de_share_2030", "sweeps"))
        data.update(paths=args.paths, samples=samples)
        return sweep_from_dict(data, name="de_share_2030", as_of="2026-10")

    spec = shipped(args.variants)
    spec = shipped(max(1, args.variants - (spec.size - args.variants)))
    print(
        f"sweep de_share_2030: {spec.size:,} variants x {spec.paths:,} paths; {os.cpu_count()} "
        f"cores; best of {args.repeat}"
    )
    from dxecon.data import load_dataset
    from dxecon.data.targets import TargetRegistry

    registry = TargetRegistry(load_dataset())
    rates: dict[tuple[str, int], float] = {}
    tables = {}
    for workers in (1, 2):
        rates["local", workers], tables["local", workers] = best_rate(
            lambda w=workers: run_sweep(spec, workers=w, registry=registry), args.repeat
        )
    from distributed import Client

    dask_workers = (2,) if args.smallest else (1, 2)
    for workers in dask_workers:
        with tempfile.TemporaryDirectory(prefix="bench-dask-") as scratch:
            address, processes = start_cluster(workers, Path(scratch))
            try:
                client = Client(address, timeout="60s", set_as_default=False)
                client.wait_for_workers(workers, timeout=60)
                rates["dask", workers], tables["dask", workers] = best_rate(
                    lambda c=client: run_sweep(spec, scheduler=c, registry=registry),
                    args.repeat,
                )
                client.close()
            finally:
                stop(processes)

    reference = tables["local", 1]
    same = all(t.equals(reference) for t in tables.values())
    print(f"{'engine':<8}{'workers':>8}{'variants/s':>12}{'speed-up':>10}{'efficiency':>12}")
    for engine, workers in rates:
        if (engine, 1) in rates:
            speedup = rates[engine, workers] / rates[engine, 1]
            print(
                f"{engine:<8}{workers:>8}{rates[engine, workers]:>12.0f}{speedup:>9.2f}x"
                f"{speedup / workers:>11.0%}"
            )
        else:
            print(f"{engine:<8}{workers:>8}{rates[engine, workers]:>12.0f}{'-':>10}{'-':>12}")
    print(f"identical result tables on every engine and worker count: {same}")
    overhead = {w: 1.0 - rates["dask", w] / rates["local", w] for w in dask_workers}
    print(
        "Dask overhead vs the local pool: "
        + ", ".join(f"{w} worker(s) {overhead[w]:+.1%}" for w in dask_workers)
    )
    scaling = rates["local", 2] / rates["local", 1]
    ok_scaling = scaling >= 1.7
    ok_dask = overhead[2] < 0.10
    print(
        f"goal: 2 workers >= 1.7x 1 worker (local): {scaling:.2f}x -> "
        f"{'met' if ok_scaling else 'NOT met'}"
    )
    print(
        f"goal: Dask overhead < 10% (2 workers): {overhead[2]:+.1%} -> "
        f"{'met' if ok_dask else 'NOT met'}"
    )
    if not ok_scaling:
        print(
            "  why: a 2-core machine also runs the parent process (plan, gathering, progress) "
            "and the OS; the pool's start-up (fork of 2 processes) is timed too"
        )
    if not ok_dask:
        print(
            "  why: not the ~2 ms per task (16 chunks): Dask's nanny starts workers with "
            "MALLOC_TRIM_THRESHOLD_=65536, which stops glibc from raising its mmap threshold, "
            "so each variant's arrays (~0.3 MB) are mmapped and page-faulted afresh; measured "
            "alone on a serial loop it costs about 20%. On 2 cores the scheduler and client "
            "also share the CPUs with the workers."
        )


if __name__ == "__main__":
    main()
