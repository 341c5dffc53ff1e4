"""Issue 3's bad-input folder: every good article is analyzed, each bad one is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _articles import HARBOR_1, ORCHARD
from newsdesk.cli import app

LATIN1 = " date 2026-05-12\nCafé Owners in Sétif Protest New Rent Rules\n\nThe owners of thirty cafés marched on Tuesday against rent rules they called unfair, the association's président said.\n"


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    (folder / "good.txt").write_text(HARBOR_1, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 400)
    (folder / "latin1.txt").write_bytes(LATIN1.encode("latin-1"))
    lines = [
        json.dumps(
            {
                "url": "https://example.org/a",
                "title": "Orchard harvest",
                "published": "2026-05-10",
                "text": ORCHARD,
            }
        ),
        '{"url": "https://example.org/broken", "title": ',
        json.dumps(
            {
                "url": "https://example.org/c",
                "title": "Ferry strike",
                "published": "2026-05-11",
                "text": HARBOR_1,
            }
        ),
    ]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (folder / "huge.txt").open("w", encoding="utf-8") as f:
        chunk = "The committee met again and adjourned without a vote. " * 1000
        while f.tell() < 50_000_000:
            f.write(chunk + "\n")
    return folder


@pytest.fixture(scope="module")
def result(bad_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    out = tmp_path_factory.mktemp("out")
    res = CliRunner().invoke(app, ["analyze", str(bad_folder), "-o", str(out), "--db", str(out / "s.db")])
    data = json.loads((out / "report.json").read_text())
    return res.exit_code, res.output, data


def test_exit_zero_with_warning(result: tuple[int, str, dict]) -> None:
    code, output, _ = result
    assert code == 0
    assert "warning" in output


def test_good_articles_analyzed(result: tuple[int, str, dict]) -> None:
    _, _, data = result
    paths = [a["path"] for a in data["articles"]]
    assert any(p.endswith("good.txt") for p in paths)
    assert any(p.endswith("latin1.txt") for p in paths)
    assert sum(p.endswith("feed.jsonl") for p in paths) == 2
    latin = next(a for a in data["articles"] if a["path"].endswith("latin1.txt"))
    assert latin["title"] == "Café Owners in Sétif Protest New Rent Rules"


@pytest.mark.parametrize("name", ["empty.txt", "binary.txt", "feed.jsonl", "huge.txt"])
def test_bad_inputs_reported(result: tuple[int, str, dict], name: str) -> None:
    _, _, data = result
    errors = [e for e in data["errors"] if e["path"].endswith(name)]
    assert errors, f"no error reported for {name}"
    for e in errors:
        assert e["stage"] and e["message"]
