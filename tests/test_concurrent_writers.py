"""Two writers at once into one store lose nothing: the stage state is changed under a lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.options import Options
from newsdesk.pipeline import load_clusterer
from newsdesk.store import Store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "corpus"


def _halves(tmp_path: Path) -> tuple[Path, Path]:
    files = sorted(p for p in DEMO.iterdir() if p.is_file())
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, part in ((a, files[::2]), (b, files[1::2])):
        folder.mkdir()
        for f in part:
            shutil.copy(f, folder / f.name)
    return a, b


def _state(db: Path) -> tuple[int, int, int, int]:
    """(articles, articles in the dedup index, articles the clusterer holds, unassigned)."""
    options = Options()
    with Store(f"sqlite:///{db}") as store:
        indexed = len(store.dedup_seen(store.article_ids()))
        clusterer, _segments, _whole = load_clusterer(store, options)
        held = sum(len(m) for m in clusterer.stories().values())
        return len(store.article_ids()), indexed, held, len(store.unassigned_article_ids())


def test_two_ingests_at_once_keep_every_article_in_the_index_and_the_stories(tmp_path: Path) -> None:
    a, b = _halves(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    db = tmp_path / "together.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "ingest", str(folder), "--db", f"sqlite:///{db}", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for folder in (a, b)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()[-2000:]
    alone = tmp_path / "alone.db"
    for folder in (a, b):
        done = subprocess.run(
            [sys.executable, "-m", "newsdesk", "ingest", str(folder), "--db", f"sqlite:///{alone}", "--json"],
            capture_output=True,
            env=env,
            timeout=600,
        )
        assert done.returncode == 0
    together, one_by_one = _state(db), _state(alone)
    assert together == one_by_one
    assert together[0] == together[2] and together[3] == 0


_COUNTER = """
import sys, time
from newsdesk.store import Store
store = Store(sys.argv[1])
for _ in range(int(sys.argv[2])):
    with store.lock():
        n = int(store.load_blob("counter") or b"0")
        time.sleep(0.01)  # widen the window a lost update needs
        store.save_blob("counter", str(n + 1).encode())
store.close()
"""


def test_the_store_lock_serializes_read_change_write_across_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    Store(url).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", _COUNTER, url, "15"], env=env) for _ in range(3)]
    for p in procs:
        assert p.wait(timeout=120) == 0
    with Store(url) as store:
        assert store.load_blob("counter") == b"45"
