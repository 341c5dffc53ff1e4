"""The command line as a user runs it: help, analyze, stories, show, export-text, extract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _articles import write_corpus
from newsdesk.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    "command", [[], ["analyze"], ["ingest"], ["report"], ["extract"], ["stories"], ["show"], ["export-text"]]
)
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    tmp = tmp_path_factory.mktemp("cli")
    corpus = write_corpus(tmp / "corpus")
    db = tmp / "store.db"
    result = runner.invoke(app, ["analyze", str(corpus), "-o", str(tmp / "out"), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    return tmp / "out", db, json.loads(result.stdout)


def test_analyze_writes_reports(analyzed: tuple[Path, Path, dict]) -> None:
    out, _, summary = analyzed
    assert summary["articles"] == 3
    assert (out / "report.json").is_file() and (out / "report.html").is_file()
    data = json.loads((out / "report.json").read_text())
    assert data["schema_version"] == 1
    from newsdesk.render.json import validate_report

    validate_report(data)


def test_spans_index_exported_text(analyzed: tuple[Path, Path, dict]) -> None:
    out, db, _ = analyzed
    data = json.loads((out / "report.json").read_text())
    texts: dict[str, str] = {}
    for article in data["articles"]:
        result = runner.invoke(app, ["export-text", article["id"], "--db", str(db)])
        assert result.exit_code == 0
        texts[article["id"]] = result.stdout
    checked = 0
    for story in data["stories"]:
        for fact in story["facts"]:
            for m in fact["mentions"]:
                start, end = m["span"]
                assert texts[m["article_id"]][start:end] == m["text"]
                checked += 1
    assert checked > 0


def test_stories_and_show(analyzed: tuple[Path, Path, dict]) -> None:
    _, db, summary = analyzed
    result = runner.invoke(app, ["stories", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["id"] for r in rows} >= {s["id"] for s in summary["stories"]}
    story_id = summary["stories"][0]["id"]
    shown = runner.invoke(app, ["show", story_id, "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    missing = runner.invoke(app, ["show", "no-such-story", "--db", str(db)])
    assert missing.exit_code == 2


def test_stories_table_keeps_whole_ids_on_a_narrow_terminal(analyzed: tuple[Path, Path, dict]) -> None:
    """The id is what a user pastes into `newsdesk show`: titles are cut, ids never."""
    _, db, summary = analyzed
    result = runner.invoke(app, ["stories", "--db", str(db)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(map(len, result.stdout.splitlines())) <= 80
    for story in summary["stories"]:
        assert story["id"] in result.stdout


def test_rerun_adds_nothing(analyzed: tuple[Path, Path, dict], tmp_path: Path) -> None:
    out, db, first = analyzed
    corpus = out.parent / "corpus"
    result = runner.invoke(
        app, ["analyze", str(corpus), "-o", str(tmp_path / "again"), "--db", str(db), "--json"]
    )
    assert result.exit_code == 0, result.output
    again = json.loads(result.stdout)
    assert again["stats"]["count_articles_new"] == 0
    assert again["stats"]["count_annotated"] == 0
    assert {s["id"] for s in again["stories"]} == {s["id"] for s in first["stories"]}


def test_extract_jsonl(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    result = runner.invoke(app, ["extract", str(corpus / "orchard.txt"), "--jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(records) == 1
    rec = records[0]
    assert rec["published"] == "2026-05-10"
    for key in ("timexes", "quantities", "quotes", "entities"):
        for item in rec[key]:
            start, end = item["span"]
            assert rec["text"][start:end] == item["text"]


def test_nothing_readable_exits_nonzero(tmp_path: Path) -> None:
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 20)
    result = runner.invoke(
        app, ["analyze", str(tmp_path), "-o", str(tmp_path / "out"), "--db", str(tmp_path / "s.db")]
    )
    assert result.exit_code == 1


def test_unopenable_store_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    corpus = write_corpus(tmp_path / "corpus")
    result = runner.invoke(
        app, ["analyze", str(corpus), "-o", str(tmp_path / "out"), "--db", str(blocker / "x.db")]
    )
    assert result.exit_code == 2
    assert "[store] cannot open" in result.output
    assert "Traceback" not in result.output


def test_ingest_incrementally_then_report(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    db = str(tmp_path / "inc.db")
    first = runner.invoke(app, ["ingest", str(corpus / "harbor-1.txt"), "--db", db, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["new"] == 1
    second = runner.invoke(app, ["ingest", str(corpus), "--db", db, "--json"])
    assert json.loads(second.stdout)["new"] == 2  # harbor-1 was already stored
    rep = runner.invoke(app, ["report", "-o", str(tmp_path / "out"), "--db", db, "--json"])
    assert rep.exit_code == 0, rep.output
    summary = json.loads(rep.stdout)
    assert summary["articles"] == 3
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    stories = {a["path"].rsplit("/", 1)[-1]: a["story_id"] for a in data["articles"]}
    assert stories["harbor-1.txt"] == stories["harbor-2.txt"] != stories["orchard.txt"]


def test_moved_files_hit_the_caches_and_report_their_new_paths(tmp_path: Path) -> None:
    import shutil

    corpus = write_corpus(tmp_path / "first")
    db = str(tmp_path / "moved.db")
    assert runner.invoke(app, ["analyze", str(corpus), "-o", str(tmp_path / "o1"), "--db", db]).exit_code == 0
    moved = tmp_path / "second"
    shutil.copytree(corpus, moved)
    result = runner.invoke(app, ["analyze", str(moved), "-o", str(tmp_path / "o2"), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["stats"]["count_articles_new"] == 0 and summary["stats"]["count_annotated"] == 0
    data = json.loads((tmp_path / "o2" / "report.json").read_text())
    assert all(a["path"].startswith(str(moved)) for a in data["articles"])


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("cluster.threshold", "expected SECTION.NAME=VALUE"),
        ("threshold=0.1", "expected SECTION.NAME=VALUE"),
        ("cluster.no_such_option=1", "cluster.no_such_option"),
        ("cluster.threshold=high", "cluster.threshold"),
        ("cluster.embedding_weight=2", "cluster.embedding_weight"),
    ],
)
def test_a_bad_set_option_is_a_clear_error(tmp_path: Path, setting: str, message: str) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "s.db"), "--set", setting])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "s.db").exists()  # nothing was stored


def test_set_changes_the_options(tmp_path: Path) -> None:
    from newsdesk.cli import _options

    options = _options(str(tmp_path / "s.db"), ["cluster.threshold=0.1", "dedup.threshold=0.7"])
    assert options.cluster.threshold == 0.1 and options.dedup.threshold == 0.7
    assert options.cluster.window_days == 14  # the rest keep their defaults


def test_read_commands_refuse_a_store_that_is_not_there(tmp_path: Path) -> None:
    for command in (["stories"], ["show", "s123"], ["report", "-o", str(tmp_path / "o")]):
        result = runner.invoke(app, [*command, "--db", str(tmp_path / "nothing.db")])
        assert result.exit_code == 2 and "no store at" in result.output, result.output
    assert not (tmp_path / "nothing.db").exists()


def test_show_takes_the_start_of_an_id_and_lists_article_warnings(analyzed: tuple[Path, Path, dict]) -> None:
    _, db, summary = analyzed
    story_id = summary["stories"][0]["id"]
    result = runner.invoke(app, ["show", story_id[:8], "--db", str(db), "--no-pager"])
    assert result.exit_code == 0, result.output
    assert "corroborated" in result.output or "one source" in result.output


def test_a_wrong_set_name_lists_the_valid_ones(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["analyze", str(tmp_path), "-o", str(tmp_path / "o"), "--set", "cluster.treshold=0.3"]
    )
    assert result.exit_code == 2 and "threshold" in result.output and "no such option" in result.output


def test_markup_in_a_title_is_printed_as_text(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    body = "Grain prices rose sharply at the port on Monday as ships queued outside the harbour. " * 6
    (corpus / "a.txt").write_text(
        f" date 2026-05-11\nGrain [/b] prices [link=https://evil.example]x[/link]\n\n{body}"
    )
    db = tmp_path / "m.db"
    analyzed = runner.invoke(
        app, ["analyze", str(corpus), "-o", str(tmp_path / "o"), "--db", str(db)], env={"COLUMNS": "200"}
    )
    assert analyzed.exit_code == 0, analyzed.output
    assert "Grain [" in analyzed.output  # the title as text (markup would have failed on "[/b]")
    listed = runner.invoke(app, ["stories", "--db", str(db)], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and "[/b]" in listed.output and "\x1b]8;" not in listed.output


def test_ingest_reads_json_lines_from_standard_input(tmp_path: Path) -> None:
    line = json.dumps(
        {
            "title": "Tram line opens",
            "published": "2026-05-12",
            "source": "City Post",
            "text": "The new tram line between the harbour and the university opened on Tuesday, the city "
            "transport office said. About 12,000 passengers used it on the first day.",
        }
    )
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["ingest", "-", "--db", str(db), "--json"], input=line + "\n" + "{bad\n")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["new"] == 1 and len(summary["errors"]) == 1  # the bad line is reported, the good one kept


def test_show_lists_warnings_of_a_story_reported_before_another(tmp_path: Path) -> None:
    """A report over one folder keeps the warnings the store holds for the other stories."""
    from newsdesk.options import Options
    from newsdesk.pipeline import analyze_paths, last_flags
    from newsdesk.store import Store

    demo = Path(__file__).resolve().parents[1] / "examples" / "corpus"
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "a08.txt").write_text((demo / "a08_recycled_inquiry_headline.txt").read_text(encoding="utf-8"))
    (two / "b06.txt").write_text((demo / "b06_freight_column_no_headline.txt").read_text(encoding="utf-8"))
    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}")
    with Store(options.db_url) as store:
        first = analyze_paths([one], options, store=store)
        warned = {a.article.id for a in first.articles if a.flags}
        analyze_paths([two], options, store=store)
        assert warned and set(last_flags(store, warned)) == warned
