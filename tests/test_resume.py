"""A killed ingest leaves nothing out of the stories: the next run finishes what it left.

Each crash point is reproduced by stopping the pipeline after one of its steps (the
store then holds exactly what a kill at that point leaves, since every step commits
its own transaction), and one test kills a real `newsdesk ingest` process with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _articles import write_corpus
from newsdesk import pipeline
from newsdesk.options import Options
from newsdesk.store import Store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "corpus"


def _finished(db: Path) -> tuple[int, int]:
    """(stored articles, articles without a story)."""
    store = Store(f"sqlite:///{db}")
    try:
        return len(store.article_ids()), len(store.unassigned_article_ids())
    finally:
        store.close()


class _Killed(Exception):
    pass


@pytest.mark.parametrize("stop_after", ["store_articles", "find_copies", "annotate_missing"])
def test_a_rerun_finishes_what_a_crashed_ingest_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_after: str
) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    db = tmp_path / "s.db"
    options = Options(db_url=f"sqlite:///{db}")
    real = getattr(pipeline, stop_after)

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise _Killed

    monkeypatch.setattr(pipeline, stop_after, crash)
    store = Store(options.db_url)
    with pytest.raises(_Killed):
        pipeline.ingest_paths([corpus], options, store)
    store.close()
    stored, unassigned = _finished(db)
    assert stored == 3 and unassigned == 3  # the state a kill at that point leaves

    monkeypatch.setattr(pipeline, stop_after, real)
    store = Store(options.db_url)
    try:
        state = pipeline.ingest_paths([corpus], options, store)
        assert state.counts.get("resumed") == 3 and not state.new_ids
        report = pipeline.report_for(store, None, options)
    finally:
        store.close()
    assert _finished(db) == (3, 0)
    assert {a.article.id for a in report.articles if a.story_id} == {a.article.id for a in report.articles}
    assert len(report.stories) == 2  # the two harbour reports and the orchard one


def test_a_rerun_over_other_paths_still_finishes_the_left_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text(" date 2026-05-12\nTram Line Opens\n\n" + "The new tram line opened. " * 20)
    db = tmp_path / "s.db"
    options = Options(db_url=f"sqlite:///{db}")
    real = pipeline.find_copies
    monkeypatch.setattr(
        pipeline, "find_copies", lambda *a, **k: (real(*a, **k), (_ for _ in ()).throw(_Killed))
    )
    store = Store(options.db_url)
    with pytest.raises(_Killed):
        pipeline.ingest_paths([corpus], options, store)
    store.close()
    monkeypatch.setattr(pipeline, "find_copies", real)
    store = Store(options.db_url)
    try:
        pipeline.ingest_paths([other], options, store)
    finally:
        store.close()
    assert _finished(db) == (4, 0)


@pytest.mark.slow
def test_sigkill_during_ingest_then_rerun_leaves_every_article_in_a_story(tmp_path: Path) -> None:
    """A real `kill -9` once the store holds articles; whatever step it lands in, the rerun finishes."""
    db = tmp_path / "s.db"
    cmd = [sys.executable, "-m", "newsdesk", "ingest", str(DEMO), "--db", f"sqlite:///{db}", "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if db.exists():
                try:
                    with sqlite3.connect(db) as conn:
                        n = conn.execute("select count(*) from articles").fetchone()[0]
                except sqlite3.Error:
                    n = 0
                if n:
                    break
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    stored, unassigned = _finished(db)
    assert stored >= 15 and unassigned == 0
    report = subprocess.run(
        [sys.executable, "-m", "newsdesk", "report", "-o", str(tmp_path / "out"), "--db", f"sqlite:///{db}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "out" / "report.json").exists()


def test_an_ingest_writes_the_assignments_of_its_own_articles_only(tmp_path: Path, monkeypatch) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    more = tmp_path / "more"
    more.mkdir()
    (more / "x.txt").write_text(" date 2026-05-12\nTram Line Opens\n\n" + "The new tram line opened. " * 20)
    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}")
    written: list[int] = []
    with Store(options.db_url) as store:
        pipeline.ingest_paths([corpus], options, store)
        real = store.set_stories
        monkeypatch.setattr(store, "set_stories", lambda rows: (written.append(len(rows)), real(rows))[1])
        pipeline.ingest_paths([more], options, store)
        assert written == [1] and len(store.story_assignments()) == 4


def test_a_process_looks_for_leftovers_once_and_again_after_its_own_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search reads every stored article: a long-running process (the service's worker,
    `watch`) does it on its first ingest, then only after one of its own ingests failed."""
    corpus = write_corpus(tmp_path / "corpus")
    options = Options(db_url=f"sqlite:///{tmp_path / 'once.db'}")
    pipeline.forget_loaded_state()
    searched = []
    with Store(options.db_url) as store:
        real = store.unassigned_article_ids
        monkeypatch.setattr(store, "unassigned_article_ids", lambda n=0: searched.append(1) or real(n))
        pipeline.ingest_paths([corpus], options, store)
        pipeline.ingest_paths([corpus], options, store)
        assert len(searched) == 1
        monkeypatch.setattr(pipeline, "find_copies", lambda *a, **k: (_ for _ in ()).throw(_Killed))
        with pytest.raises(_Killed):
            pipeline.ingest_paths([tmp_path / "corpus"], options, store)
        monkeypatch.undo()
        monkeypatch.setattr(store, "unassigned_article_ids", lambda n=0: searched.append(1) or real(n))
        pipeline.ingest_paths([corpus], options, store)
    assert len(searched) == 2
