"""Ordered, bounded fan-out of pure per-item work to worker processes.

Dedup and story assignment are stateful and stay in one process, but most of
their per-article cost is pure (shingles, MinHash, feature vectors). This
runs that part in worker processes while the parent consumes the results in
input order, so the output is the same as the serial path. Only a few chunks
are in flight at a time: results of a 100k-article ingest are never all held.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from .executors import one_blas_thread

T = TypeVar("T")
R = TypeVar("R")


def worker_count(wanted: int, n_items: int, min_items: int) -> int:
    """Worker processes beside this one: `wanted`, 0 = one per core less this one, < 0 = none.

    None below `min_items` items: starting a process costs more than it saves.
    """
    if wanted < 0 or n_items < max(1, min_items):
        return 0
    return wanted if wanted > 0 else (os.cpu_count() or 1) - 1


def ordered_map(
    fn: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    workers: int,
    chunk: int = 256,
    ahead: int = 3,
) -> Iterator[R]:
    """`fn` over chunks of `items` in `workers` spawned processes; results in input order.

    `fn` must be a module-level function of a chunk (it is pickled by name).
    With `workers` <= 0 it runs here, chunk by chunk, with the same results.
    At most `ahead` chunks per worker are queued or held. A chunk whose turn
    comes while no worker has picked it up yet runs here instead (work
    stealing): the caller never idles while workers start or fall behind.
    """
    chunks = (items[i : i + chunk] for i in range(0, len(items), chunk))
    if workers <= 0:
        for c in chunks:
            yield from fn(c)
        return
    ctx = multiprocessing.get_context("spawn")  # no fork: the parent may hold threads and DB handles
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=one_blas_thread) as pool:
        pending: deque[tuple[Sequence[T], Future[list[R]]]] = deque()

        def take() -> list[R]:
            c, future = pending.popleft()
            return fn(c) if future.cancel() else future.result()

        for c in chunks:
            pending.append((c, pool.submit(fn, c)))
            if len(pending) > workers * ahead:
                yield from take()
        while pending:
            yield from take()
