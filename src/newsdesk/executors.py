"""The executor seam: where the pure per-article work (annotation, shingles, features) runs.

`open_executor(spec)` gives a `concurrent.futures.Executor`-like backend that the
pipeline receives from outside (`ingest_paths(..., executor=...)`):

- `local` (default): the built-in path, worker processes on this machine as the
  `workers`/`nlp.n_process` options say (None is returned: the stages start their own);
- `local:N`: N spawned worker processes, shared by every stage of the run;
- `dask-local:N`: a `distributed.LocalCluster` of N single-threaded worker processes;
- `dask://HOST:PORT`: an existing Dask scheduler (extra `[dask]`).

Only pure functions of a chunk travel to the workers; dedup and story assignment stay
in this process and consume the results in input order, so every executor gives the
same report for the same input.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from typing import Any, Protocol

from .errors import MissingExtra
from .records import ProcessingError

log = logging.getLogger(__name__)
_SPEC = re.compile(
    r"^(?:(?P<local>local)(?::(?P<n>\d+))?|dask-local:(?P<dn>\d+)|dask://(?P<addr>[\w.\-\[\]:]+))$"
)


class Executor(Protocol):
    """What the pipeline needs of an executor (concurrent.futures.Executor has it; so has Dask's)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]: ...

    def shutdown(self, wait: bool = True) -> None: ...


def one_blas_thread() -> None:
    """A worker process's BLAS on one thread, set before numpy loads (a pool's initializer).

    N workers already keep N cores busy; more BLAS threads only contend. Set later, only a
    `threadpool_limits` around each chunk holds it, and switching OpenBLAS's pool down and back
    up per chunk of 32 articles cost 2-5% of the annotation CPU.
    """
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def parse_spec(spec: str) -> tuple[str, int | str | None]:
    """('local', N | None), ('dask-local', N) or ('dask', 'tcp://HOST:PORT'); ValueError when malformed."""
    m = _SPEC.match(spec.strip())
    if m is None:
        raise ValueError(f"executor {spec!r}: expected local, local:N, dask-local:N or dask://HOST:PORT")
    if m.group("local"):
        return "local", int(m.group("n")) if m.group("n") else None
    if m.group("dn"):
        return "dask-local", max(1, int(m.group("dn")))
    return "dask", f"tcp://{m.group('addr')}"


@contextlib.contextmanager
def open_executor(spec: str = "local") -> Iterator[Executor | None]:
    """The executor a spec names, shut down (and its cluster closed) on exit; None for `local`."""
    kind, arg = parse_spec(spec)
    if kind == "local":
        if arg is None:
            yield None
            return
        with RestartingPool(max(1, int(arg)), initializer=one_blas_thread) as pool:
            yield pool
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise MissingExtra("executor", "dask", "dask[distributed]") from exc
    if kind == "dask-local":
        import dask

        # No dashboard, so nobody reads the workers' statistical profiler: it sampled every
        # worker's stack each 10 ms (0-4% of the run).
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            cluster = LocalCluster(
                n_workers=int(arg),  # type: ignore[arg-type]
                threads_per_worker=1,  # spaCy and numpy hold the GIL: processes, not threads
                processes=True,
                dashboard_address=None,
            )
        client = Client(cluster)
    else:
        cluster, client = None, Client(str(arg))
    try:
        yield client.get_executor()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# What one chunk's crash looks like: its own results, and those that stand for each item when
# that item alone takes its worker process down (isolate(chunk) -> [(one-item chunk, results)]).
Isolate = Callable[[Any], Sequence[tuple[Any, list[Any]]]]
# more items than this killing their workers in one chunk, or every item of a chunk, is no bad
# record: the workers cannot run (a failed start, no memory), and the failure is raised
MAX_FATAL_ITEMS = 3


def ordered_results(
    executor: Executor,
    fn: Callable[[Any], list[Any]],
    chunks: Iterator[Any],
    ahead: int | None,
    isolate: Isolate | None = None,
) -> Iterator[Any]:
    """`fn` over `chunks` on `executor`, flattened, in input order, at most `ahead` chunks in flight.

    `ahead=None` hands every chunk to the executor before this returns (nothing waits for the
    first `next`): the caller does other work while the workers run, then reads the results.

    A worker process that dies (a crash in a C library, the kernel's OOM killer) fails every
    chunk in flight on its pool. With `isolate`, each such chunk runs again; if it fails again,
    its items run one by one, and an item that still kills its worker gets the results `isolate`
    gave for it (an error record that names it). Without `isolate` the failure is raised."""
    if ahead is None:
        pending = [(chunk, executor.submit(fn, chunk)) for chunk in chunks]
        return _results(executor, fn, pending, isolate)
    return _bounded(executor, fn, chunks, ahead, isolate)


def _bounded(
    executor: Executor,
    fn: Callable[[Any], list[Any]],
    chunks: Iterator[Any],
    ahead: int,
    isolate: Isolate | None,
) -> Iterator[Any]:
    pending: list[tuple[Any, Future[list[Any]]]] = []
    for chunk in chunks:
        pending.append((chunk, executor.submit(fn, chunk)))
        if len(pending) > ahead:
            yield from _collect(executor, fn, *pending.pop(0), isolate)[0]
    yield from _results(executor, fn, pending, isolate)


def _results(
    executor: Executor,
    fn: Callable[[Any], list[Any]],
    pending: list[tuple[Any, Future[list[Any]]]],
    isolate: Isolate | None,
) -> Iterator[Any]:
    """The results of `pending` in order; those not read yet are cancelled if the reader stops.

    When a worker dies, a local pool fails every chunk it holds. A pool hands its workers the
    chunks in order, at most one more than it has workers, so the one that killed it is among
    the first that many failed chunks: they run again one at a time (`_collect`), and then the
    failed chunks behind them, which were only waiting, run again together."""
    try:
        suspects = 0  # failed chunks still to run alone before the rest may run together
        for i in range(len(pending)):
            out, died = _collect(executor, fn, *pending[i], isolate)
            yield from out
            if not died:
                continue
            if suspects == 0:
                suspects = worker_slots(executor) + 1
            suspects -= 1
            if suspects == 0:
                for j in range(i + 1, len(pending)):
                    chunk, future = pending[j]
                    if future.done() and _died_under(future):
                        pending[j] = (chunk, executor.submit(fn, chunk))
    finally:
        for _, future in pending:
            future.cancel()


def _died_under(future: Future[list[Any]]) -> bool:
    """Whether a finished future failed because its worker process died."""
    if future.cancelled():
        return False
    exc = future.exception()
    return exc is not None and worker_died(exc)


_DOING = {"clean": "cleaning", "annotate": "annotating"}


def died_error(path: str, stage: str, record: str | None) -> ProcessingError:
    """The error of an item that killed its worker process again when run alone (`isolate`)."""
    return ProcessingError(
        path=path,
        stage=stage,
        message=f"the worker process {_DOING.get(stage, 'running')} it died (a crash in a C library, "
        "or out of memory); the rest of the batch went on",
        record=record,
    )


def worker_died(exc: BaseException) -> bool:
    """Whether `exc` says a worker process died under its task (a local pool broke, or Dask gave
    up on a task that killed its workers), not that the task raised."""
    return isinstance(exc, BrokenExecutor) or type(exc).__name__ == "KilledWorker"


def _collect(
    executor: Executor,
    fn: Callable[[Any], list[Any]],
    chunk: Any,
    future: Future[list[Any]],
    isolate: Isolate | None,
) -> tuple[list[Any], bool]:
    """The chunk's results, and whether a worker process died under it (then it ran again)."""
    try:
        return future.result(), False
    except Exception as exc:
        if isolate is None or not worker_died(exc):
            raise
        log.warning("a worker process died; its chunk runs again (%s)", exc)
    try:
        return executor.submit(fn, chunk).result(), True  # most chunks of a broken pool were bystanders
    except Exception as exc:
        if not worker_died(exc):
            raise
    out: list[Any] = []
    alone = isolate(chunk)
    died: list[BaseException] = []
    for one, instead in alone:
        try:
            out.extend(executor.submit(fn, one).result())
        except Exception as exc:
            if not worker_died(exc):
                raise
            died.append(exc)
            log.warning("an item killed its worker process again; recorded as an error (%s)", exc)
            out.extend(instead)
    if died and (len(died) == len(alone) > 1 or len(died) > MAX_FATAL_ITEMS):
        # not one bad record but workers that cannot run at all (a failed start, no memory)
        raise died[-1]
    return out, True


class RestartingPool:
    """A `ProcessPoolExecutor` that starts afresh when a worker process dies: the pool breaks,
    its pending futures fail (`ordered_results` runs them again), and the next `submit` gets a
    new pool instead of BrokenProcessPool."""

    def __init__(self, workers: int, initializer: Callable[[], None] | None = None) -> None:
        self._max_workers = workers
        self._initializer = initializer
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("spawn")  # no fork: the parent may hold threads and DB handles
        return ProcessPoolExecutor(
            max_workers=self._max_workers, mp_context=ctx, initializer=self._initializer
        )

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        try:
            return self._pool.submit(fn, *args, **kwargs)
        except BrokenExecutor:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait)

    def __enter__(self) -> RestartingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown(wait=True)


def worker_slots(executor: Executor) -> int:
    """How many tasks the executor runs at once: its processes, or a Dask cluster's threads."""
    n = getattr(executor, "_max_workers", None)
    if isinstance(n, int) and n > 0:
        return n
    client = getattr(executor, "_client", None)
    if client is not None:
        with contextlib.suppress(Exception):
            workers = client.scheduler_info().get("workers", {})
            return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
    return 1
