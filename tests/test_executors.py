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
