"""The executor seam: the same input gives the same report on every executor."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.executors import open_executor, parse_spec
from newsdesk.options import Options
from newsdesk.pipeline import analyze_paths
from newsdesk.records import to_dict
from newsdesk.store import Store

DEMO = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def _content(report) -> dict:
    data = to_dict(report)
    for key in ("generated_at", "stats", "options"):  # options differ only in the store URL
        data.pop(key)
    for article in data["articles"]:  # where each was found is the same folder, copied per run
        article["article"]["path"] = Path(article["article"]["path"]).name
    return data


def _run(tmp_path: Path, name: str, spec: str) -> dict:
    options = Options(db_url=f"sqlite:///{tmp_path / name}.db")
    with Store(options.db_url) as store, open_executor(spec) as executor:
        return _content(analyze_paths([DEMO], options, store=store, executor=executor))


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("local", ("local", None)),
        ("local:3", ("local", 3)),
        ("dask-local:2", ("dask-local", 2)),
        ("dask://10.0.0.5:8786", ("dask", "tcp://10.0.0.5:8786")),
    ],
)
def test_specs(spec: str, parsed: tuple) -> None:
    assert parse_spec(spec) == parsed


@pytest.mark.parametrize("spec", ["", "dask", "local:x", "threads:2", "dask://"])
def test_bad_specs_say_what_is_expected(spec: str) -> None:
    with pytest.raises(ValueError, match="expected local"):
        parse_spec(spec)


@pytest.mark.slow
def test_local_processes_and_a_dask_cluster_give_the_local_report(tmp_path: Path) -> None:
    local = _run(tmp_path, "local", "local")
    assert local["stories"] and any(s["conflicts"] for s in local["stories"])
    assert _run(tmp_path, "procs", "local:2") == local
    assert _run(tmp_path, "dask", "dask-local:2") == local  # a real 2-worker distributed.LocalCluster


class _Recording:
    """A thread-pool executor that records what was submitted and when (the pure functions run
    in threads: the same results, no processes to start)."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(max_workers=2)
        self._max_workers = 2
        self.names: list[str] = []

    def submit(self, fn, /, *args, **kwargs):
        self.names.append(getattr(fn, "__name__", str(fn)))
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True) -> None:
        self.pool.shutdown(wait)


def test_dedup_runs_while_the_workers_annotate_and_the_report_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an executor, the workers are warmed first, every annotation chunk is handed over
    before dedup starts here, and the report is that of the path without an executor."""
    from newsdesk import pipeline

    seen: list[list[str]] = []
    real = pipeline.find_copies

    def spying(*args, **kwargs):
        seen.append(list(executor.names))  # what the executor had been given when dedup began
        return real(*args, **kwargs)

    executor = _Recording()
    options = Options(db_url=f"sqlite:///{tmp_path / 'overlap.db'}")
    monkeypatch.setattr(pipeline, "find_copies", spying)
    try:
        with Store(options.db_url) as store:
            overlapped = _content(analyze_paths([DEMO], options, store=store, executor=executor))
    finally:
        executor.shutdown()
    monkeypatch.undo()
    assert executor.names[:2] == ["_init_worker", "_init_worker"]  # one warm-up per worker
    assert seen and seen[0].count("_worker_chunk") == executor.names.count("_worker_chunk") > 0
    assert overlapped == _run(tmp_path, "plain", "local")


def test_workers_clean_the_records_and_the_report_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an executor, the workers clean the raw records (`pipeline.clean_many`, chunks in input
    order): the same articles and report as cleaning here, and a record that fails to clean there
    is still an error naming its path and the stage."""
    import shutil

    from newsdesk import pipeline

    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO, corpus)
    (corpus / "zz_menu_only.html").write_text(
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
        encoding="utf-8",
    )

    def run(name: str, executor) -> tuple[dict, list[tuple[str, str]]]:
        options = Options(db_url=f"sqlite:///{tmp_path / name}.db")
        with Store(options.db_url) as store:
            report = analyze_paths([corpus], options, store=store, executor=executor)
        return _content(report), [(Path(e.path).name, e.stage) for e in report.errors]

    here = run("here", None)
    monkeypatch.setattr(pipeline, "CLEAN_MIN_RECORDS", 1)
    executor = _Recording()
    try:
        there = run("there", executor)
    finally:
        executor.shutdown()
    assert sum("clean_many" in name for name in executor.names) >= 1  # a partial over the options
    assert there == here
    assert ("zz_menu_only.html", "clean") in there[1]


def _worker_settings() -> tuple[str | None, bool]:
    import os

    from newsdesk.nlp.pipeline import _keep_freed_memory

    return os.environ.get("OPENBLAS_NUM_THREADS"), _keep_freed_memory()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="glibc/Linux allocator settings")
def test_local_workers_run_one_blas_thread_and_keep_freed_memory(monkeypatch) -> None:
    """A pool's workers start with one BLAS thread (before numpy loads) and glibc told to keep
    freed arrays for the next batch (`nlp.pipeline._keep_freed_memory`)."""
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    with open_executor("local:1") as executor:
        assert executor is not None
        assert executor.submit(_worker_settings).result() == ("1", True)


def test_chunks_keep_copies_together_and_results_come_in_input_order(monkeypatch) -> None:
    """Articles sharing a paragraph go to one chunk (one parse); results come back in input
    order, the same as annotating here in one process."""
    from newsdesk.nlp import pipeline as nlp_pipeline
    from newsdesk.pipeline import RunState, read_articles

    state = RunState()
    read_articles([DEMO], Options(), state)
    articles = list(state.articles.values())[:8]
    articles.insert(1, articles[6])  # a repeat far from its first copy
    monkeypatch.setattr(nlp_pipeline, "CHUNK_ARTICLES", 3)
    plan = nlp_pipeline._plan(articles, Options().nlp)
    assert any({1, 7} <= set(chunk) for chunk in plan)
    assert [i for chunk in plan for i in chunk] != list(range(len(articles)))
    executor = _Recording()
    try:
        spread = list(nlp_pipeline.annotate(articles, Options().nlp, executor))
    finally:
        executor.shutdown()
    assert spread == list(nlp_pipeline.annotate(articles, Options().nlp))
    assert [e.article_id for e in spread] == [a.id for a in articles]


@pytest.mark.parametrize("ahead", [None, 1])
def test_a_worker_that_dies_costs_its_item_only(ahead) -> None:
    """One item kills its worker process: the pool starts afresh, the chunks in flight run
    again, the culprit's chunk runs item by item, and only the culprit gets an error."""
    from _crash import upper_or_die
    from newsdesk.executors import ordered_results

    items = [f"w{i}" for i in range(12)]
    items[5] = "boom"
    chunks = [items[i : i + 3] for i in range(0, len(items), 3)]
    with open_executor("local:2") as pool:
        out = list(
            ordered_results(
                pool, upper_or_die, iter(chunks), ahead, isolate=lambda c: [([x], [f"error:{x}"]) for x in c]
            )
        )
        assert out == [x.upper() if x != "boom" else "error:boom" for x in items]
        assert pool.submit(upper_or_die, ["after"]).result() == ["AFTER"]  # the pool works on


class _Watched:
    """An executor that notes how many of its futures were unfinished at each submit."""

    def __init__(self, pool) -> None:
        self.pool = pool
        self._max_workers = 2
        self.futures: list = []
        self.busy: list[int] = []

    def submit(self, fn, /, *args):
        self.busy.append(sum(not f.done() for f in self.futures))
        future = self.pool.submit(fn, *args)
        self.futures.append(future)
        return future


def test_after_a_worker_dies_the_chunks_that_were_only_waiting_run_together(tmp_path, monkeypatch) -> None:
    """The pool had taken at most one chunk more than it has workers: those run again one at a
    time until the culprit is found; the chunks queued behind them run again side by side."""
    from _crash import upper_after_boom
    from newsdesk.executors import ordered_results

    monkeypatch.setenv("NEWSDESK_TEST_BOOM_MARKER", str(tmp_path / "boom"))
    items = ["boom", *(f"w{i}" for i in range(23))]
    with open_executor("local:2") as pool:
        watched = _Watched(pool)
        out = list(
            ordered_results(
                watched,
                upper_after_boom,
                iter([[x] for x in items]),
                None,
                isolate=lambda c: [(c, ["error"])],
            )
        )
    assert out == ["error", *(x.upper() for x in items[1:])]
    again = watched.busy[len(items) :]  # the submits after the first round
    assert again and max(again) > 1


def test_without_isolation_a_dead_worker_is_raised() -> None:
    from concurrent.futures import BrokenExecutor

    from _crash import upper_or_die
    from newsdesk.executors import ordered_results

    with open_executor("local:2") as pool, pytest.raises(BrokenExecutor):
        list(ordered_results(pool, upper_or_die, iter([["a"], ["boom"]]), None))


def test_an_article_that_kills_its_worker_becomes_an_annotate_error() -> None:
    from newsdesk.nlp.pipeline import _one_by_one
    from newsdesk.pipeline import RunState, read_articles

    state = RunState()
    read_articles([DEMO], Options(), state)
    articles = list(state.articles.values())[:2]
    parts = _one_by_one((articles, "model", 32, "numpy", (1, 1.0, 0)))
    assert [chunk[0] for chunk, _ in parts] == [[a] for a in articles]
    assert all(chunk[1:] == ("model", 32, "numpy", (1, 1.0, 0)) for chunk, _ in parts)
    (error,) = parts[0][1]
    assert error.stage == "annotate" and error.record == articles[0].id and "died" in error.message


def test_workers_that_cannot_run_at_all_fail_the_run() -> None:
    """Every item of a chunk killing its worker is no bad record: the failure is raised, not
    turned into an error per item."""
    from concurrent.futures import BrokenExecutor

    from _crash import upper_or_die
    from newsdesk.executors import ordered_results

    with open_executor("local:2") as pool, pytest.raises(BrokenExecutor):
        list(
            ordered_results(
                pool,
                upper_or_die,
                iter([["boom", "boom"]]),
                None,
                isolate=lambda c: [([x], ["e"]) for x in c],
            )
        )
