"""The worker-process path of dedup and story assignment gives the serial path's results."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pytest

from newsdesk import pipeline
from newsdesk.dedup import prepare, prepare_many
from newsdesk.options import DedupOptions, Options
from newsdesk.parallel import ordered_map, worker_count
from newsdesk.store import Store
from test_cluster import corpus


def test_worker_count() -> None:
    assert worker_count(-1, 10_000, 10) == 0  # off
    assert worker_count(3, 5, 10) == 0  # too few items to pay for a process
    assert worker_count(3, 10, 10) == 3


def test_ordered_map_keeps_input_order_across_chunks_and_processes() -> None:
    articles = corpus()
    fn = partial(prepare_many, options=DedupOptions())
    serial = list(ordered_map(fn, articles, workers=0, chunk=2))
    spawned = list(ordered_map(fn, articles, workers=1, chunk=2, ahead=1))
    assert len(serial) == len(spawned) == len(articles)
    for a, s, p in zip(articles, serial, spawned, strict=True):
        direct = prepare(a, DedupOptions())
        for x in (s, p):
            assert x.shingles.text_key == direct.shingles.text_key
            assert np.array_equal(x.unique, direct.unique) and np.array_equal(x.keys, direct.keys)


def _run(articles: list, options: Options) -> tuple[dict, dict]:
    with Store("sqlite://") as store:
        store.put_articles(articles)
        copies = pipeline.find_copies(store, articles, options)
        stories = pipeline.assign_stories(store, articles, {}, copies, options).stories
    return copies, stories


def test_pipeline_with_workers_matches_the_serial_path(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = corpus()
    # two wire copies, so that the copy path runs beside the precomputed features
    articles += [
        replace(articles[0], id="ferry-copy", path="~copy.txt"),
        replace(articles[4], id="orchard-copy", path="~copy2.txt"),
    ]
    serial = _run(articles, Options(workers=-1))
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ARTICLES", 0)
    spawned = _run(articles, Options(workers=1))
    assert spawned == serial
    assert set(serial[0]) == {"ferry-copy", "orchard-copy"}
