"""The whole job on the server backend: PostgreSQL gives the same report as SQLite, and re-runs add nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _analyze(db: str, out: Path) -> tuple[dict, dict]:
    result = runner.invoke(
        app, ["analyze", str(ROOT / "examples" / "corpus"), "-o", str(out), "--db", db, "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), json.loads((out / "report.json").read_text())


def _shape(report: dict) -> tuple:
    stories = sorted(
        (s["id"], len(s["article_ids"]), len(s["facts"]), len(s["conflicts"])) for s in report["stories"]
    )
    flags = sorted((a["id"], tuple(sorted(f["code"] for f in a["flags"]))) for a in report["articles"])
    return stories, flags


def test_postgres_matches_sqlite_and_reruns_add_nothing(postgres_url: str, tmp_path: Path) -> None:
    _, on_sqlite = _analyze(f"sqlite:///{tmp_path / 's.db'}", tmp_path / "sqlite")
    summary, on_pg = _analyze(postgres_url, tmp_path / "pg")
    assert summary["stats"]["count_articles_new"] == len(on_pg["articles"])
    assert _shape(on_pg) == _shape(on_sqlite)
    again, _ = _analyze(postgres_url, tmp_path / "pg2")
    assert again["stats"]["count_articles_new"] == 0
    assert again["stats"]["count_annotated"] == 0
    stories = runner.invoke(app, ["stories", "--db", postgres_url, "--json"])
    assert stories.exit_code == 0
    assert {r["id"] for r in json.loads(stories.stdout)} == {s["id"] for s in on_pg["stories"]}
