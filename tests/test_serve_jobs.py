"""A service job updates the read model from what it did (no whole-store reads), and the result
is the read model a fresh start would build, also when another writer stored articles between jobs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsdesk.options import Options
from newsdesk.pipeline import ingest_paths
from newsdesk.serve.catalog import Catalog
from newsdesk.serve.worker import ingest_job, publish_job
from newsdesk.store import Store

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"

pytestmark = pytest.mark.slow


def _folder(tmp: Path, name: str, files: tuple[str, ...]) -> Path:
    folder = tmp / name
    folder.mkdir()
    for f in files:
        shutil.copy(CORPUS / f, folder / f)
    return folder


def _same_as_fresh(catalog: Catalog, store: Store) -> None:
    fresh = Catalog(store)
    fresh.ensure()
    assert catalog._articles.keys() == fresh._articles.keys()
    assert catalog._story_of == fresh._story_of
    assert catalog._duplicates == fresh._duplicates
    assert {a: f for a, f in catalog._flags.items() if f} == {a: f for a, f in fresh._flags.items() if f}
    assert [c.summary for c in catalog._stories.values()] == [c.summary for c in fresh._stories.values()]


def test_jobs_refresh_the_catalog_to_what_a_fresh_start_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = Options(db_url=f"sqlite:///{tmp_path / 'desk.db'}", workers=-1)
    with Store(options.db_url) as store:
        catalog = Catalog(store)
        catalog.ensure()
        whole: list[str] = []  # reads of the whole assignment map or story list, after the start
        for name in ("story_assignments", "list_stories"):
            read = getattr(store, name)
            monkeypatch.setattr(store, name, lambda read=read, name=name: whole.append(name) or read())
        jobs = [
            ("a01_northgate_levee_breach.txt", "b01_crescent_times_summit.txt"),
            ("a02_evening_post_levee_copy.txt", "a03_harbor_ledger_levee.html", "b07_veshk_ledger_grain.txt"),
            ("a04_harbor_ledger_day_two.txt", "b02_sarnessa_observer_summit.html"),
        ]
        for n, files in enumerate(jobs):
            if n == 2:  # another writer ingests (no report) between two jobs
                ingest_paths(
                    [_folder(tmp_path, "other", ("a05_riverbend_courier_shelters.txt",))], options, store
                )
            done = ingest_job(store, options, _folder(tmp_path, f"job{n}", files))
            assert done.article_ids and not done.errors
            publish_job(catalog, done)
            assert not whole, whole
            _same_as_fresh(catalog, store)  # (which reads them whole)
            whole.clear()
            assert set(done.moved) >= set(done.new_ids)


def test_an_article_the_job_did_not_see_makes_the_refresh_read_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL an insert's number is taken before its commit, so a slow writer's article can
    land below the last number read: the counts show it and the refresh reads every article."""
    options = Options(db_url=f"sqlite:///{tmp_path / 'desk.db'}", workers=-1)
    with Store(options.db_url) as store:
        catalog = Catalog(store)
        catalog.ensure()
        done = ingest_job(store, options, _folder(tmp_path, "one", ("a01_northgate_levee_breach.txt",)))
        publish_job(catalog, done)
        ingest_paths([_folder(tmp_path, "slow", ("b01_crescent_times_summit.txt",))], options, store)
        catalog._seq += 1  # as if the slow writer's article had a number below the last one read
        done = ingest_job(store, options, _folder(tmp_path, "two", ("a04_harbor_ledger_day_two.txt",)))
        publish_job(catalog, done)
        _same_as_fresh(catalog, store)


def test_an_idle_poll_reads_one_row_and_still_sees_another_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.pipeline import analyze_paths
    from newsdesk.serve.catalog import FULL_POLL_EVERY

    options = Options(db_url=f"sqlite:///{tmp_path / 'desk.db'}", workers=-1)
    with Store(options.db_url) as store:
        analyze_paths([_folder(tmp_path, "first", ("a01_northgate_levee_breach.txt",))], options, store=store)
        catalog = Catalog(store)
        catalog.ensure()
        listed: list[int] = []
        read = store.list_stories
        monkeypatch.setattr(store, "list_stories", lambda: listed.append(1) or read())
        assert not any(catalog.poll() for _ in range(FULL_POLL_EVERY - 1))
        assert not listed  # idle: only the mark was read
        analyze_paths([_folder(tmp_path, "other", ("b01_crescent_times_summit.txt",))], options, store=store)
        assert catalog.poll()  # the mark moved: compared, reloaded
        _same_as_fresh(catalog, store)
