"""Sweeps on Dask (python3-distributed): the same spec, coordinator, records and resume rules
as `accelgym sweep` (docs/SWEEP.md), with Dask workers evaluating.

    import accelgym.sweep
    summary = accelgym.sweep.run("examples/sweep-dram.json", "out/sweep")          # LocalCluster
    summary = accelgym.sweep.run(spec_dict, "out/sweep", client=Client("tcp://..."))  # a cluster

As with multiprocessing, a script that starts a LocalCluster must do it under
`if __name__ == "__main__":` (Dask's worker processes import the main module).

The coordinator runs here; each Dask worker process evaluates through its own forked child, so
a crashing or hanging evaluation (spec timeoutS) costs one FAILED record, never the worker.
Records land in DIR as run<k>-dask-<host>-<pid>-w0.records (DIR must be shared with the
workers on a multi-machine cluster); `accelgym records merge DIR --out FILE` joins them.
"""
import json
import os
import pathlib
import socket
import sys
import time

from accelgym import _core

__all__ = ["run"]

# Per worker process: the SweepWorker of the sweep it is serving (built once, reused by tasks).
_worker_cache = {}


def _evaluate(spec_json, source, out_dir, run_number, task_id, job, design):
    """Runs on a Dask worker: one task, returned as a serialized accelgym.v1.Evaluation."""
    key = (spec_json, out_dir, run_number)
    worker = _worker_cache.get(key)
    if worker is None:
        _worker_cache.clear()  # the previous sweep's worker (and its child) goes first
        who = f"dask-{socket.gethostname()}-{os.getpid()}"
        worker = _core.SweepWorker(spec_json, source, out_dir, run_number, who)
        _worker_cache[key] = worker
    return worker.run(task_id, job, design)


def _spec_text(spec):
    if isinstance(spec, dict):
        return json.dumps(spec), "<spec dict>"
    path = pathlib.Path(spec)
    return path.read_text(), str(path)


class _Progress:
    """done / total, rate, ETA and failures on stderr, about every tenth."""

    def __init__(self, total):
        self.total, self.start, self.last = max(1, total), time.monotonic(), -1

    def update(self, done, failed):
        tenth = done * 10 // self.total
        if done == 0 or (tenth == self.last and done < self.total):
            return
        self.last = tenth
        elapsed = time.monotonic() - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - done) / rate if rate > 0 else 0.0
        print(f"{done}/{self.total}  {failed} failed  {rate:.1f} eval/s  ETA {eta:.0f} s",
              file=sys.stderr)


def run(spec, out_dir, *, resume=False, retry_failed=False, client=None, n_workers=None,
        progress=True):
    """Runs a sweep on Dask and returns its summary (the dict of DIR/summary.json).

    spec: a path to a SweepSpec JSON file, or the same as a dict. out_dir: as `--out`.
    resume / retry_failed: as `--resume` / `--retry-failed`. client: a distributed.Client;
    None starts a LocalCluster of n_workers processes (default: the spec's workers, else one
    per core) and closes it at the end.
    """
    from distributed import Client, LocalCluster, as_completed  # python3-distributed

    spec_json, source = _spec_text(spec)
    out_dir = str(out_dir)
    coordinator = _core.SweepCoordinator(spec_json, source, out_dir, resume, retry_failed)
    cluster = None
    if client is None:
        workers = n_workers or json.loads(spec_json).get("workers") or os.cpu_count() or 1
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        capacity = max(1, sum(client.nthreads().values()))
        bar = _Progress(coordinator.total) if progress else None
        running = {}
        pending = as_completed()

        def fill():
            while len(running) < capacity:
                task = coordinator.next()
                if task is None:
                    return
                future = client.submit(_evaluate, spec_json, source, out_dir, coordinator.run,
                                       *task, pure=False)
                running[future] = task
                pending.add(future)

        fill()
        for future in pending:
            task_id, job, design = running.pop(future)
            try:
                coordinator.complete(task_id, future.result())
            except Exception as error:  # the task raised or its worker was lost for good
                coordinator.fail(task_id, job, design, f"dask: {type(error).__name__}: {error}")
            if bar:
                bar.update(coordinator.answered, coordinator.failures)
            fill()
        return json.loads(coordinator.finish(capacity))
    finally:
        if cluster is not None:
            client.close()
            cluster.close()
