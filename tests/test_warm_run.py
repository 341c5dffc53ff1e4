"""A warm re-run reuses stored extractions, dossiers and flags, and reports exactly what a cold run does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsdesk.options import Options
from newsdesk.pipeline import FLAGS_BLOB, analyze_paths
from newsdesk.records import Extraction, to_dict
from newsdesk.store import Store
from newsdesk.store.codec import LazyRecords, to_json


def _content(report) -> dict:
    data = to_dict(report)
    data.pop("generated_at")
    data.pop("stats")
    return data


DEMO = Path(__file__).resolve().parents[1] / "examples" / "corpus"
# a wire copy, recycled content under a new headline, no headline or date: articles with flags
FILES = (
    "a01_northgate_levee_breach.txt",
    "a02_evening_post_levee_copy.txt",
    "a08_recycled_inquiry_headline.txt",
    "b06_freight_column_no_headline.txt",
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in FILES:
        shutil.copy(DEMO / name, folder / name)
    return folder


def test_rerun_reports_the_same_and_decodes_no_extraction(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    options = Options(db_url=f"sqlite:///{tmp_path / 's.db'}")
    with Store(options.db_url) as store:
        cold = analyze_paths([corpus], options, store=store)
        assert store.load_blob(FLAGS_BLOB)
        decoded: list[str] = []
        real = LazyRecords.__getitem__

        def spy(self, key):
            decoded.append(key)
            return real(self, key)

        monkeypatch.setattr(LazyRecords, "__getitem__", spy)
        warm = analyze_paths([corpus], options, store=store)
    assert warm.stats["count_annotated"] == 0
    assert decoded == []  # dossiers and flags came from the store
    assert _content(warm) == _content(cold)
    assert any(a.flags for a in warm.articles)  # the reused flags are real ones


def test_flags_are_made_again_when_an_input_changes(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    from newsdesk import flags

    calls: list[int] = []
    real = flags.flag_articles

    def counted(articles, *args):
        calls.append(len(articles))
        return real(articles, *args)

    monkeypatch.setattr(flags, "flag_articles", counted)
    url = f"sqlite:///{tmp_path / 's.db'}"
    with Store(url) as store:
        analyze_paths([corpus], Options(db_url=url), store=store)
        analyze_paths([corpus], Options(db_url=url), store=store)
        assert calls == [4]  # the re-run reused them
        stricter = Options.model_validate({"db_url": url, "reconcile": {"stale_days": 30}})
        analyze_paths([corpus], stricter, store=store)
        assert calls == [4, 4]  # other options
        shutil.copy(DEMO / "a04_harbor_ledger_day_two.txt", corpus / "a04.txt")
        analyze_paths([corpus], stricter, store=store)
        assert calls == [4, 4, 5]  # a new article (and perhaps new story members)
        analyze_paths([corpus / FILES[0]], stricter, store=store)
        assert calls[-1] != 5  # another set of articles


def test_lazy_records_decode_on_read_and_merge_undecoded() -> None:
    ext = Extraction(article_id="a1", version="v")
    lazy = LazyRecords(Extraction, {"a1": to_json(ext)})
    assert "a1" in lazy and len(lazy) == 1 and lazy.decoded() == 0
    merged = LazyRecords(Extraction)
    merged.update(lazy)
    assert merged.decoded() == 0 and list(merged) == ["a1"]
    assert merged["a1"] == ext and merged.decoded() == 1
    merged["a2"] = Extraction(article_id="a2", version="v")
    assert list(merged) == ["a1", "a2"]
    with pytest.raises(KeyError):
        merged["zz"]
    del merged["a1"]
    assert list(merged) == ["a2"] and dict(merged) == {"a2": Extraction(article_id="a2", version="v")}
