"""Story clustering: online vs batch agreement, idempotence, persistence, seeds."""

from __future__ import annotations

import json
import os
import re
import zlib
from pathlib import Path

import pytest

from newsdesk.cluster import StoryClusterer, cluster_batch, read_segment
from newsdesk.options import ClusterOptions, Options
from newsdesk.records import Article, DuplicateInfo, content_id

# Three invented stories, three reports each, in different words.
STORIES = {
    "ferry": [
        "Ferry workers in Port Calder extended their strike on Monday, leaving commuters stranded. Union leader "
        "Tomas Brevik said crews would stay out until the Calder Ferry Company improved its offer.",
        "The Port Calder ferry walkout entered a third day. Tomas Brevik of the ferry union accused the Calder "
        "Ferry Company of stalling, while commuters queued for replacement buses around the bay.",
        "Calder Ferry Company managers met union negotiators led by Tomas Brevik late on Monday, but the Port "
        "Calder strike went on and the ferry terminal stayed closed to commuters.",
    ],
    "orchard": [
        "Growers in the Linden Valley picked a record apple harvest, the growers' cooperative said. Chair Ada "
        "Marsh credited a warm spring for the Linden orchards' crop of 18,000 tonnes.",
        "Ada Marsh, who chairs the Linden Valley cooperative, said packing sheds ran double shifts to handle "
        "the record apple crop, and exporters shipped the first Linden apples overseas.",
        "A shortage of pickers left apples on the trees in upper Linden Valley orchards, cooperative chair Ada "
        "Marsh said, despite the record harvest of 18,000 tonnes of apples.",
    ],
    "bridge": [
        "Engineers closed the Varrow River bridge in Eastmoor after inspectors found cracks in two steel "
        "girders, mayor Ilse Quant said. Traffic was diverted through the Eastmoor bypass.",
        "The Varrow River bridge will stay shut for at least a month, Eastmoor mayor Ilse Quant told the council, "
        "after inspectors reported cracked girders under the eastern span of the bridge.",
        "Drivers in Eastmoor faced long queues on the bypass after the Varrow River bridge closure; mayor Ilse "
        "Quant said steel girder repairs on the bridge would begin next week.",
    ],
}


def make(aid: str, text: str, published: str | None) -> Article:
    return Article(
        id=aid,
        path=f"{aid}.txt",
        fmt="txt",
        text=text,
        title=None,
        title_source="absent",
        published=published,
        published_source="header" if published else "absent",
        body_span=(0, len(text)),
        body_segments=((0, len(text)),),
        word_count=len(text.split()),
    )


def corpus() -> list[Article]:
    """Interleaved in time, the way a feed delivers them; one article has no date."""
    out = []
    for i in range(3):
        for name, texts in STORIES.items():
            published = None if (name, i) == ("bridge", 2) else f"2026-05-{10 + i:02d}"
            out.append(make(f"{name}-{i}", texts[i], published))
    return out


def partition(stories: dict[str, tuple[str, ...]] | dict[str, str]) -> set[frozenset[str]]:
    if stories and isinstance(next(iter(stories.values())), str):
        groups: dict[str, set[str]] = {}
        for aid, sid in stories.items():  # type: ignore[union-attr]
            groups.setdefault(sid, set()).add(aid)  # type: ignore[arg-type]
        return {frozenset(g) for g in groups.values()}
    return {frozenset(m) for m in stories.values()}  # type: ignore[arg-type]


EXPECTED = {frozenset(f"{name}-{i}" for i in range(3)) for name in STORIES}


def test_online_finds_the_three_stories() -> None:
    clusterer = StoryClusterer(ClusterOptions())
    for article in corpus():
        clusterer.assign(article)
    assert partition(clusterer.stories()) == EXPECTED
    assert {e.kind for e in clusterer.log} >= {"new", "assign"}


def test_online_and_batch_agree() -> None:
    articles = corpus()
    clusterer = StoryClusterer(ClusterOptions())
    for article in articles:
        clusterer.assign(article)
    batch = cluster_batch(list(reversed(articles)), {}, {}, ClusterOptions())
    assert partition(batch) == partition(clusterer.stories()) == EXPECTED


def test_story_ids_are_stable_content_ids() -> None:
    first = cluster_batch(corpus(), {}, {}, ClusterOptions())
    second = cluster_batch(corpus(), {}, {}, ClusterOptions())
    assert first == second
    assert first["ferry-0"] == first["ferry-2"] != first["orchard-0"]


def test_readding_changes_nothing_and_copies_join_their_original() -> None:
    clusterer = StoryClusterer(ClusterOptions())
    articles = corpus()
    ids = [clusterer.assign(a) for a in articles]
    before = clusterer.stories()
    log_len = len(clusterer.log)
    assert [clusterer.assign(a) for a in articles] == ids
    assert clusterer.stories() == before and len(clusterer.log) == log_len
    copy = make("copy", STORIES["orchard"][0], "2026-05-13")
    sid = clusterer.assign(copy, duplicate_of="orchard-0")
    assert sid == ids[1]
    assert clusterer.log[-1].kind == "copy"
    dup = {"copy": DuplicateInfo("copy", "orchard-0", 1.0, "exact")}
    batch = cluster_batch([*articles, copy], {}, dup, ClusterOptions())
    assert batch["copy"] == batch["orchard-0"]


def test_persistence_round_trip() -> None:
    options = ClusterOptions()
    articles = corpus()
    whole = StoryClusterer(options)
    for a in articles:
        whole.assign(a)
    half = StoryClusterer(options)
    for a in articles[:5]:
        half.assign(a)
    restored = StoryClusterer.from_bytes(half.to_bytes(), options)
    for a in articles[5:]:
        restored.assign(a)
    assert restored.stories() == whole.stories()
    assert restored.log == whole.log


def test_cold_story_is_not_joined() -> None:
    options = ClusterOptions(window_days=14)
    clusterer = StoryClusterer(options)
    a = clusterer.assign(make("a", STORIES["bridge"][0], "2026-01-01"))
    b = clusterer.assign(make("b", STORIES["bridge"][1], "2026-03-01"))
    c = clusterer.assign(make("c", STORIES["bridge"][2], None))  # undated: no window applies
    assert a != b
    assert c in (a, b)


def _read_seed(path: Path) -> Article:
    """Minimal reading of a crawler export: drop the ' date ...' header, keep its date."""
    raw = path.read_text(encoding="utf-8")
    published = None
    m = re.match(r" date (\d{4}-\d{2}-\d{2})(?: \d{3})?\s?", raw)
    if m:
        published = m.group(1)
        raw = raw[m.end() :]
    text = re.sub(r"[ \t]+", " ", raw).strip()
    return make(path.stem, text, published)


def test_seed_articles_form_one_story_without_the_old_one(seeds_dir: Path) -> None:
    articles = [_read_seed(p) for p in sorted(seeds_dir.glob("*.txt"))]
    if len(articles) < 5:
        pytest.skip("expected five seed articles")
    by_prefix = {a.id[:3]: a.id for a in articles}
    for ordered in (articles, sorted(articles, key=lambda a: (a.published or "9999", a.id))):
        clusterer = StoryClusterer(ClusterOptions())
        for a in ordered:
            clusterer.assign(a)
        assigned = {a.id: clusterer.story_of(a.id) for a in ordered}
        main = {assigned[by_prefix[p]] for p in ("000", "001", "002", "003")}
        assert len(main) == 1, assigned
        assert assigned[by_prefix["004"]] not in main
    batch = cluster_batch(articles, {}, {}, ClusterOptions())
    assert len({batch[by_prefix[p]] for p in ("000", "001", "002", "003")}) == 1
    assert batch[by_prefix["004"]] != batch[by_prefix["000"]]


def test_seed_story_with_spacy_extractions(seeds_dir: Path, nlp) -> None:
    """The pipeline passes spaCy entities and timexes: the seed story holds with them too."""
    from newsdesk.nlp.pipeline import analysis_text, doc_extraction

    articles = [_read_seed(p) for p in sorted(seeds_dir.glob("*.txt"))]
    if len(articles) < 5:
        pytest.skip("expected five seed articles")
    extractions = {a.id: doc_extraction(nlp(analysis_text(a)), a) for a in articles}
    by_prefix = {a.id[:3]: a.id for a in articles}
    clusterer = StoryClusterer(ClusterOptions())
    for a in sorted(articles, key=lambda a: (a.published or "9999", a.id)):
        clusterer.assign(a, extractions[a.id])
    online = {a.id: clusterer.story_of(a.id) for a in articles}
    batch = cluster_batch(articles, extractions, {}, ClusterOptions())
    for assigned in (online, batch):
        assert len({assigned[by_prefix[p]] for p in ("000", "001", "002", "003")}) == 1
        assert assigned[by_prefix["004"]] != assigned[by_prefix["000"]]


def test_empty_and_undated_articles_do_not_break_anything() -> None:
    clusterer = StoryClusterer(ClusterOptions())
    empty = make("empty", "", None)
    first = clusterer.assign(empty)
    for a in corpus():
        clusterer.assign(a)
    assert clusterer.story_of("empty") == first
    assert clusterer.stories()[first] == ("empty",)
    restored = StoryClusterer.from_bytes(clusterer.to_bytes(), ClusterOptions())
    assert restored.stories() == clusterer.stories()
    assert cluster_batch([empty], {}, {}, ClusterOptions()) == {"empty": first}


def test_vocabulary_cap_keeps_clustering_working() -> None:
    options = ClusterOptions(max_vocabulary=1000)
    clusterer = StoryClusterer(options)
    for a in corpus():
        clusterer.assign(a)
    clusterer._df.update({f"w:filler{i}": 1 for i in range(2000)})
    clusterer._prune_vocabulary()
    assert len(clusterer._df) <= 750
    clusterer.assign(make("late", STORIES["ferry"][1] + " Talks resumed.", "2026-05-12"))
    assert clusterer.story_of("late") == clusterer.story_of("ferry-0")


def _drifting() -> list[Article]:
    """A ferry story that an article on both the ferry strike and the harvest bridges to orchard reports."""
    ferry, orchard = STORIES["ferry"], STORIES["orchard"]
    texts = [
        ("f0", ferry[0]),
        ("f1", ferry[1]),
        ("both", ferry[2] + " " + orchard[0]),
        ("o1", orchard[1]),
        ("o2", orchard[2]),
        ("f2", ferry[2]),
        ("o0", orchard[0]),
        (
            "f3",
            "Commuters in Port Calder faced a fourth day without ferries as the strike called by Tomas "
            "Brevik dragged on and the Calder Ferry Company hired buses.",
        ),
        (
            "o3",
            "Linden Valley exporters said the record apple harvest would fill cold stores until spring, "
            "Ada Marsh of the cooperative told growers.",
        ),
    ]
    return [make(aid, text, f"2026-05-{10 + i:02d}") for i, (aid, text) in enumerate(texts)]


def _splits(clusterer: StoryClusterer) -> list:
    return [e for e in clusterer.log if e.kind == "split"]


def test_a_story_that_drifted_into_two_groups_splits_and_the_split_is_recorded() -> None:
    clusterer = StoryClusterer(ClusterOptions())
    ids = {a.id: clusterer.assign(a) for a in _drifting()}
    # The bridging article pulled the orchard reports into the ferry story ...
    assert ids["o1"] == ids["o2"] == ids["o0"] == ids["f0"]
    # ... until the check at nine members split them off; the founding part keeps its id.
    (split,) = _splits(clusterer)
    assert split.story_id == ids["f0"] == content_id("f0", prefix="s")
    assert split.article_ids == ("both", "o1", "o2", "o0", "o3")  # the bridge goes with the orchard reports
    assert split.other_story_id == content_id("both", prefix="s")  # the new story's first article
    assert 0.0 <= split.score < ClusterOptions().split_threshold
    assert partition(clusterer.stories()) == {
        frozenset({"f0", "f1", "f2", "f3"}),
        frozenset({"both", "o1", "o2", "o0", "o3"}),
    }
    assert ids["o3"] == split.other_story_id  # assign answers with the story after the split
    restored = StoryClusterer.from_bytes(clusterer.to_bytes(), ClusterOptions())
    assert restored.log == clusterer.log and restored.stories() == clusterer.stories()


def test_splits_are_deterministic_and_readding_changes_nothing() -> None:
    runs = []
    for _ in range(2):
        clusterer = StoryClusterer(ClusterOptions())
        for a in _drifting():
            clusterer.assign(a)
        runs.append(clusterer)
    assert runs[0].log == runs[1].log and runs[0].stories() == runs[1].stories()
    clusterer = runs[0]
    before, n_log = clusterer.stories(), len(clusterer.log)
    for a in _drifting():
        assert clusterer.assign(a) == clusterer.story_of(a.id)
    assert clusterer.stories() == before and len(clusterer.log) == n_log


def test_a_copy_follows_its_original_in_a_split() -> None:
    clusterer = StoryClusterer(ClusterOptions())
    articles = _drifting()
    for a in articles[:4]:
        clusterer.assign(a)
    clusterer.assign(make("o1-copy", STORIES["orchard"][1], "2026-05-14"), duplicate_of="o1")
    for a in articles[4:]:
        clusterer.assign(a)
    (split,) = _splits(clusterer)
    assert "o1-copy" in split.article_ids
    assert clusterer.story_of("o1-copy") == clusterer.story_of("o1") != clusterer.story_of("f0")


def test_no_split_below_the_threshold_setting() -> None:
    clusterer = StoryClusterer(ClusterOptions(split_threshold=0.0))
    for a in _drifting():
        clusterer.assign(a)
    assert not _splits(clusterer)


@pytest.mark.parametrize("stored", [3, 5])  # articles placed before the run
def test_a_runs_record_of_placements_equals_the_change_in_the_assignment_map(stored: int) -> None:
    """The service finds what a job moved from the run's record (placed, left, changes) instead
    of reading the whole map before and after: both must say the same."""
    from newsdesk.options import Options
    from newsdesk.pipeline import RunState, assign_stories, record_placement
    from newsdesk.store import Store

    articles = _drifting()
    with Store("sqlite://") as store:
        store.put_articles(articles)
        assign_stories(store, articles[:stored], {}, {}, Options())  # before the run
        before = store.story_assignments()
        run = RunState()
        for batch in (articles[stored : stored + 2], articles[stored + 2 :]):  # the run, in two batches
            record_placement(run, assign_stories(store, batch, {}, {}, Options()), {a.id for a in batch})
        after = store.story_assignments()
    assert run.changes  # the drifting stories merge or split
    changed = {a: s for a, s in after.items() if before.get(a) != s}
    assert {a: s for a, s in run.placed.items() if run.left.get(a) != s} == changed
    assert {a: before[a] for a in changed if a in before} == {
        a: run.left[a] for a in changed if a in run.left
    }
    assert set(run.left) <= set(before) and run.left


def test_the_store_keeps_merges_and_splits_for_the_report() -> None:
    from dataclasses import replace

    from _report_fixture import build_report
    from newsdesk.options import Options
    from newsdesk.pipeline import assign_stories, load_story_events, load_topics
    from newsdesk.render.json import report_to_dict, validate_report
    from newsdesk.store import Store

    articles = _drifting()
    with Store("sqlite://") as store:
        store.put_articles(articles)
        assign_stories(store, articles[:3], {}, {}, Options())  # two runs: the state and events persist
        assign_stories(store, articles[3:], {}, {}, Options())
        assigned = store.story_assignments()
        events = load_story_events(store)
        topics = load_topics(store)
    clusterer = StoryClusterer(ClusterOptions())
    for a in articles:
        clusterer.assign(a)
    assert events == [e for e in clusterer.log if e.kind in ("merge", "split")] and events
    assert partition(assigned) == partition(clusterer.stories())
    assert topics == {sid: tid for tid, sids in clusterer.topics().items() for sid in sids}
    assert set(topics) == set(assigned.values())
    report, _articles = build_report(False)
    data = report_to_dict(replace(report, story_events=tuple(events)))
    validate_report(data)
    assert data["story_events"][0]["kind"] == "split"
    assert data["story_events"][0]["article_ids"] == ["both", "o1", "o2", "o0", "o3"]


OTHER_FERRY = [  # another ferry strike: the same kind of event as "ferry", other people and places
    "Ferry crews in Halvik walked out on Thursday in a strike over pay, stranding commuters on the island "
    "route. Union spokeswoman Greta Olsen said the Halvik Ferry Line had refused to negotiate.",
    "The Halvik ferry strike left commuters queueing for water taxis, union spokeswoman Greta Olsen said, "
    "as the Halvik Ferry Line cancelled every crossing for a second day.",
]


def test_stories_of_one_kind_of_event_share_a_topic() -> None:
    articles = corpus() + [make(f"halvik-{i}", t, f"2026-05-{12 + i:02d}") for i, t in enumerate(OTHER_FERRY)]
    clusterer = StoryClusterer(ClusterOptions())
    for a in articles:
        clusterer.assign(a)
    ferry, halvik = clusterer.story_of("ferry-0"), clusterer.story_of("halvik-0")
    assert ferry != halvik  # two strikes, two stories ...
    topic = clusterer.topic_of("halvik-1")
    assert (
        topic == clusterer.topic_of("ferry-2") == "t" + ferry[1:]
    )  # ... one topic, named by the older story
    assert clusterer.topics()[topic] == (ferry, halvik)
    assert len({clusterer.topic_of(a) for a in ("ferry-0", "orchard-0", "bridge-0")}) == 3
    restored = StoryClusterer.from_bytes(clusterer.to_bytes(), ClusterOptions())
    assert restored.topics() == clusterer.topics()
    assert StoryClusterer(ClusterOptions()).topics() == {} and clusterer.topic_of("unknown") is None


def test_a_story_of_copies_is_checked_for_a_split_without_trouble() -> None:
    clusterer = StoryClusterer(ClusterOptions())
    original = make("orig", STORIES["bridge"][0], "2026-05-10")
    sid = clusterer.assign(original)
    for i in range(7):
        assert clusterer.assign(make(f"copy{i}", original.text, "2026-05-11"), duplicate_of="orig") == sid
    # The ninth member is due a check, with two originals to cluster.
    assert clusterer.assign(make("late", STORIES["bridge"][1], "2026-05-12")) == sid
    assert not _splits(clusterer)


def test_split_is_the_same_whatever_the_hash_seed() -> None:
    """Set iteration order (string hashing) must not reach centroids, ids or the saved state."""
    import subprocess
    import sys

    script = (
        "import hashlib, sys; sys.path.insert(0, 'tests')\n"
        "from test_cluster import _drifting\n"
        "from newsdesk.cluster import StoryClusterer\n"
        "from newsdesk.options import ClusterOptions\n"
        "c = StoryClusterer(ClusterOptions())\n"
        "for a in _drifting(): c.assign(a)\n"
        "assert any(e.kind == 'split' for e in c.log)\n"
        "print(hashlib.sha1(c.to_bytes()).hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[1]
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1, digests


def test_story_restored_from_format_1_never_splits() -> None:
    """Members restored from an old state kept no vectors: splitting would drop their years and days."""
    arts = _drifting()
    c = StoryClusterer(ClusterOptions())
    for a in arts[:3]:
        c.assign(a)
    raw = json.loads(zlib.decompress(c.to_bytes()))
    raw["format"] = 1
    raw["stories"] = [s[:10] for s in raw["stories"]]
    for key in ("topics", "topics_stale"):
        raw.pop(key, None)
    restored = StoryClusterer.from_bytes(zlib.compress(json.dumps(raw).encode()), ClusterOptions())
    for a in arts[3:]:
        restored.assign(a)
    assert not [e for e in restored.log if e.kind == "split"]
    assert restored.story_of("f0") == restored.story_of("both")


def test_saved_state_holds_the_topics_it_was_saved_with(tmp_path: Path) -> None:
    """The pipeline groups topics before it saves: a restored clusterer knows every topic id."""
    from newsdesk.pipeline import ingest_paths, load_clusterer
    from newsdesk.store import Store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for a in _drifting():
        (corpus / f"{a.id}.txt").write_text(f" date {a.published}\n{a.text}\n", encoding="utf-8")
    options = Options(db_url=f"sqlite:///{tmp_path / 'nd.db'}")
    with Store(options.db_url) as store:
        ingest_paths([str(corpus)], options, store=store)
        restored, _segments, _whole = load_clusterer(store, options)
    assert not restored._topics_stale
    assert set(restored._topic.values()) == set(restored.topics())


def test_topics_regroup_only_the_most_recent_stories_beyond_the_cap() -> None:
    """Average link is quadratic: past `topic_max_stories` the older live stories keep their topic."""
    options = ClusterOptions(topic_max_stories=2)
    c = StoryClusterer(options)
    arts = corpus()
    for a in arts:
        c.assign(a)
    before = {sid: tid for tid, sids in c.topics().items() for sid in sids}
    assert len(c.stories()) >= 3
    late = make("late-ferry", STORIES["ferry"][0] + " The ferry strike went on.", "2026-07-01")
    c.assign(late)
    after = {sid: tid for tid, sids in c.topics().items() for sid in sids}
    assert set(after) == set(c.stories())
    changed = [sid for sid in before if after[sid] != before[sid]]
    assert len(changed) <= 2  # only the two most recently active stories were regrouped


@pytest.mark.parametrize(
    ("before", "after", "due"),
    [(5, 6, True), (6, 7, False), (8, 9, True), (8, 12, True), (9, 13, False), (13, 14, True)],
)
def test_split_check_is_not_skipped_when_a_merge_jumps_a_size(before: int, after: int, due: bool) -> None:
    """Checks at 6, 9, 14, 21 ... members; a merge from 8 to 12 members passes 9 and is checked."""
    assert StoryClusterer(ClusterOptions())._split_due(before, after) is due


def _postings_hold_only_live_stories(clusterer: StoryClusterer) -> None:
    live = set(clusterer._live)
    for f, posting in clusterer._postings.items():
        assert posting, f
        for s in posting:
            assert s in live and clusterer._stories[s].alias_of is None
            assert f in clusterer._stories[s].posted
    for s in live:  # and every live story is still found under each feature it was indexed by
        for f in clusterer._stories[s].posted:
            assert s in clusterer._postings[f]


def test_compaction_drops_merged_and_evicted_stories_from_the_postings() -> None:
    """The compaction visits only the features of what was dropped; the postings must still be exact."""
    clusterer = StoryClusterer(ClusterOptions())
    for a in corpus():
        clusterer.assign(a)
    stories = [s for s in clusterer._live if clusterer._stories[s].alias_of is None]
    clusterer._absorb(stories[0], stories[1])  # a merge: the second story's postings go stale
    clusterer._evict_cold()  # nothing is cold yet: only the merge is compacted away
    assert stories[1] not in clusterer._live
    _postings_hold_only_live_stories(clusterer)
    late = [make(f"late-{i}", text, "2026-07-01") for i, text in enumerate(STORIES["ferry"])]
    for a in late:
        clusterer.assign(a)
    saved = clusterer.to_bytes()
    clusterer._evict_cold()  # the May stories are cold for two windows now
    assert all(clusterer._stories[s].last_day == clusterer._max_day for s in clusterer._live)
    _postings_hold_only_live_stories(clusterer)
    restored = StoryClusterer.from_bytes(saved, ClusterOptions())  # what went stale is not saved
    restored._evict_cold()
    _postings_hold_only_live_stories(restored)
    assert restored._postings == clusterer._postings


def test_a_recycled_article_looking_forward_to_a_past_year_stays_out_of_the_current_story() -> None:
    """Re-dated old copy about the same bridge: the years it looks forward to give it away."""
    from newsdesk.cluster import article_features

    opts = ClusterOptions()
    old = make(
        "bridge-old",
        "Eastmoor opened its new Varrow River bridge to traffic, mayor Ilse Quant said, and a ferry service "
        "across the river ended after forty years. Tolls are due to end in 2015, and a cycle lane will follow "
        "by 2016.",
        "2026-05-12",
    )
    feats = article_features(old, None, opts)
    assert 2026 not in feats.years and 2014 in feats.years
    clusterer = StoryClusterer(opts)
    for i, text in enumerate(STORIES["bridge"]):
        clusterer.assign(
            make(f"bridge-{i}", text + " Work is due to finish in 2026.", f"2026-05-{10 + i:02d}")
        )
    clusterer.assign(old)
    assert clusterer.story_of("bridge-old") != clusterer.story_of("bridge-0")


def _many_stories(n: int) -> list[Article]:
    """n small stories of two reports each, made of invented words (each story its own words)."""
    import random

    rng = random.Random(5)
    syllables = ["ka", "lo", "mir", "tan", "vel", "du", "sor", "pen", "ri", "gaz", "om", "bru"]
    out = []
    for s in range(n):
        words = ["".join(rng.choice(syllables) for _ in range(3)) + str(s) for _ in range(12)]
        for k in range(2):
            body = " ".join(rng.sample(words, 10)).capitalize() + ". " + " ".join(rng.sample(words, 9)) + "."
            out.append(make(f"m{s}-{k}", body, f"2026-04-{1 + (s % 28):02d}"))
    return out


def _apply(stored: dict[str, bytes], segments: list[bytes], parts: tuple[dict, dict]) -> None:
    write, append = parts
    stored.update(write)
    if "log" in append:
        segments.append(append["log"])


def test_parts_restore_a_clusterer_that_goes_on_exactly_like_the_live_one() -> None:
    """Saved as parts after every batch (only changed chunks written), restored, fed the next batch:
    the same stories, the same log, as the clusterer that never stopped."""
    options = ClusterOptions()
    articles = [*_drifting(), *_many_stories(140), *corpus()]
    live = StoryClusterer(options)
    stored: dict[str, bytes] = {}
    segments: list[bytes] = []
    _apply(stored, segments, live.to_parts(full=True))
    live.mark_saved()
    for start in range(0, len(articles), 23):
        chunks = [stored[k] for k in sorted(stored) if k.startswith("stories/")]
        restored = StoryClusterer.from_parts(stored["core"], chunks, segments, options)
        assert restored.stories() == live.stories() and restored.log == live.log
        for a in articles[start : start + 23]:
            live.assign(a)
            restored.assign(a)
        assert restored.stories() == live.stories() and restored.log == live.log
        _apply(stored, segments, live.to_parts())
        live.mark_saved()
    assert _splits(live), "the drifting story should have split"
    assert len(live.stories()) > 2 * 64  # more than two chunks of stories


def test_an_ingest_rewrites_only_the_chunks_it_changed() -> None:
    options = ClusterOptions()
    clusterer = StoryClusterer(options)
    for a in _many_stories(200):
        clusterer.assign(a)
    whole, _ = clusterer.to_parts(full=True)
    clusterer.mark_saved()
    clusterer.assign(
        make("m3-again", " ".join(["more", *_many_stories(4)[6].text.split()[:12]]), "2026-04-04")
    )
    write, append = clusterer.to_parts()
    chunks = [k for k in write if k.startswith("stories/")]
    assert len([k for k in whole if k.startswith("stories/")]) == 4  # 200 stories
    assert len(chunks) == 1 and "core" in write  # one changed story, one chunk
    assert set(append) == {"log"}
    seg, past = read_segment(append["log"])
    assert [e[2] for e in json.loads(zlib.decompress(past))] == ["m3-again"]
    assert [ids for ids in seg["members"]["add"].values()] == [["m3-again"]]


def test_a_large_story_appends_its_new_members_instead_of_rewriting_its_list() -> None:
    """Member lists live in the appended segments: one more copy in a story of hundreds writes its
    id once, not the story's list; past `split_max_members` the story keeps no member vectors."""
    from dataclasses import replace

    options = ClusterOptions(split_max_members=20)
    live = StoryClusterer(options)
    base = corpus()[0]
    live.assign(base)
    for i in range(300):
        live.assign(replace(base, id=f"copy-{i:03d}"), duplicate_of=base.id)
    (story,) = [s for s in live._stories if s.alias_of is None]
    assert story.closed and story.info == {}  # 301 members, no vectors kept past 20
    write, append = live.to_parts(full=True)
    live.mark_saved()
    live.assign(replace(base, id="copy-late"), duplicate_of=base.id)
    write2, append2 = live.to_parts()
    assert all(b"copy-0" not in zlib.decompress(d) for n, d in write2.items() if n.startswith("stories/"))
    seg, _past = read_segment(append2["log"])
    assert seg["members"] == {"reset": {}, "add": {"0": ["copy-late"]}}
    chunks = {**{n: d for n, d in write.items()}, **write2}
    restored = StoryClusterer.from_parts(
        write2["core"],
        [d for n, d in sorted(chunks.items()) if n.startswith("stories/")],
        [append["log"], append2["log"]],
        options,
    )
    assert restored.stories() == live.stories() and restored._stories[0].closed


def test_chunks_that_still_hold_member_lists_are_read_and_rewritten_once() -> None:
    """A store saved before member lists, frequencies and postings moved to the segments: its
    chunks' lists and its core are used, and the next save writes every chunk without lists, every
    list, the vocabulary and the postings once."""
    from newsdesk.cluster import CHUNK_PART, STORY_CHUNK, _event_row, _pack, _story_row

    options = ClusterOptions()
    live = StoryClusterer(options)
    for a in _many_stories(70):
        live.assign(a)
    old_chunks = [
        _pack({"first": c, "stories": [_story_row(s) for s in live._stories[c : c + STORY_CHUNK]]})
        for c in range(0, len(live._stories), STORY_CHUNK)
    ]
    old_core = _pack(live._core())  # as releases before kept it: with the vocabulary and postings
    old_log = _pack(  # a segment of one JSON object: the decisions and the placements
        {"log": [_event_row(e) for e in live.log], "articles": dict(live._article_story)}
    )
    restored = StoryClusterer.from_parts(old_core, old_chunks, [old_log], options)
    assert restored.stories() == live.stories() and restored.log == live.log
    assert restored.story_of("m5-1") == live.story_of("m5-1")
    again, append = restored.to_parts()
    chunks = [d for n, d in sorted(again.items()) if n.startswith(CHUNK_PART)]
    assert len(chunks) == len(old_chunks)
    assert all(r[1] is None for d in chunks for r in json.loads(zlib.decompress(d))["stories"])
    later = StoryClusterer.from_parts(again["core"], chunks, [append["log"]], options)
    assert later.stories() == live.stories()
    assert later._df == live._df and later._postings == live._postings


def test_a_store_with_the_single_blob_of_an_older_release_is_migrated_to_parts(tmp_path: Path) -> None:
    from newsdesk.pipeline import (
        CLUSTER_BLOB,
        CLUSTER_PARTS,
        assign_stories,
        forget_loaded_state,
        load_clusterer,
    )
    from newsdesk.store import Store

    options = Options(db_url=f"sqlite:///{tmp_path / 'old.db'}")
    first, later = corpus()[:6], corpus()[6:]
    old = StoryClusterer(options.cluster)
    for a in first:
        old.assign(a)
    with Store(options.db_url) as store:
        store.put_articles([*first, *later])
        store.save_blob(CLUSTER_BLOB, old.to_bytes())  # as releases before parts stored it
        restored, _segments, whole = load_clusterer(store, options)
        assert whole and restored.stories() == old.stories()
        assign_stories(store, later, {}, {}, options)
        assert store.load_blob(CLUSTER_BLOB) is None  # folded into parts in the same transaction
        assert store.load_blob(f"{CLUSTER_PARTS}core") is not None
        forget_loaded_state()  # read the store, as a new process would
        now, _segments, whole = load_clusterer(store, options)
        assert now.log == []  # the pipeline leaves the history as rows; with it:
        parts = {n.removeprefix(CLUSTER_PARTS): d for n, d in store.load_blobs(CLUSTER_PARTS)}
        full = StoryClusterer.from_parts(
            parts["core"],
            [d for n, d in sorted(parts.items()) if n.startswith("stories/")],
            [d for n, d in sorted(parts.items()) if n.startswith("log/")],
            options.cluster,
        )
    for a in later:
        old.assign(a)
    assert not whole and now.stories() == old.stories() == full.stories() and full.log == old.log


def test_folding_segments_keeps_the_history_a_restore_left_as_rows() -> None:
    options = ClusterOptions()
    live = StoryClusterer(options)
    for a in corpus()[:5]:
        live.assign(a)
    write, append = live.to_parts(full=True)
    chunks = [d for n, d in sorted(write.items()) if n.startswith("stories/")]
    restored = StoryClusterer.from_parts(write["core"], chunks, [append["log"]], options, history=False)
    assert restored.log == []
    for a in corpus()[5:]:
        live.assign(a)
        restored.assign(a)
    _write, folded = restored.to_parts(history=True)
    rows = json.loads(zlib.decompress(read_segment(folded["log"])[1]))
    assert [r[2] for r in rows] == [e.article_id for e in live.log]  # nothing before the restore lost


def test_a_process_goes_on_from_the_clusterer_it_saved_unless_another_writer_saved_since(
    tmp_path: Path,
) -> None:
    from newsdesk import pipeline
    from newsdesk.pipeline import assign_stories, load_clusterer
    from newsdesk.store import Store

    options = Options(db_url=f"sqlite:///{tmp_path / 'held.db'}")
    articles = corpus()
    with Store(options.db_url) as store:
        store.put_articles(articles)
        assign_stories(store, articles[:4], {}, {}, options)
        held = dict(pipeline._LOADED)  # what this process saved
        same, _segments, _whole = load_clusterer(store, options)
        assert same is next(iter(held.values()))[2]  # nobody saved since: no chunk read again
        pipeline._LOADED.update(held)
        pipeline.forget_loaded_state()  # another process (no memory of ours) saves in between
        assign_stories(store, articles[4:], {}, {}, options)
        pipeline._LOADED.clear()
        pipeline._LOADED.update(held)  # ours is now stale
        fresh, _segments, _whole = load_clusterer(store, options)
    assert fresh is not next(iter(held.values()))[2]
    assert sum(len(m) for m in fresh.stories().values()) == len(articles)  # the other writer's articles too


def test_log_segments_merge_by_level_and_restore_the_same_clusterer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many small ingests: the last segments merge when a level fills (never the whole history at
    once), the count stays small, and a new process reads the clusterer the writer holds."""
    from newsdesk import pipeline
    from newsdesk.pipeline import CLUSTER_PARTS, assign_stories, forget_loaded_state, load_clusterer
    from newsdesk.store import Store

    monkeypatch.setattr(pipeline, "CLUSTER_SEGMENTS_RUN", 3)
    options = Options(db_url=f"sqlite:///{tmp_path / 'tiers.db'}")
    articles = [*_drifting(), *_many_stories(12)]
    with Store(options.db_url) as store:
        store.put_articles(articles)
        for a in articles:
            assign_stories(store, [a], {}, {}, options)
        names = [n for n, _d in store.load_blobs(f"{CLUSTER_PARTS}log/")]
        held = next(iter(pipeline._LOADED.values()))[2]
        topic_parts = store.blob_names(pipeline.TOPICS_SEGMENTS)
        topics = pipeline.load_topics(store)
        forget_loaded_state()
        fresh, _segments, _whole = load_clusterer(store, options)
    levels = [pipeline._segment_level(n) for n in names]
    assert max(levels) >= 2 and len(names) <= 3 * (max(levels) + 1)
    assert levels == sorted(levels, reverse=True)  # older segments hold the higher levels
    assert fresh.stories() == held.stories() and fresh._df == held._df
    assert fresh._postings == held._postings
    # Topics: the whole map once, then only the changes, merged by level as well.
    assert topic_parts and len(topic_parts) < len(articles) // 2
    assert topics == {sid: tid for tid, sids in held.topics().items() for sid in sids}
    live = StoryClusterer(options.cluster)
    for a in articles:
        live.assign(a)
    assert fresh.stories() == live.stories()


def test_document_frequencies_are_appended_and_a_pruned_vocabulary_is_written_whole() -> None:
    """The core keeps no vocabulary and no postings: each save appends the frequencies it added
    and the postings it changed, a save after the vocabulary was pruned writes it whole, and a
    restore (from every segment, or from them merged) reads what the live clusterer has."""
    import datetime as dt
    from dataclasses import replace

    from newsdesk.cluster import merge_segments

    options = ClusterOptions(max_vocabulary=1000)
    live = StoryClusterer(options)
    stored: dict[str, bytes] = {}
    segments: list[bytes] = []
    kinds = []
    articles = [  # a stream of 60 days: stories go cold, so the vocabulary is pruned when it is
        replace(a, published=(dt.date(2026, 1, 1) + dt.timedelta(days=i // 20)).isoformat())
        for i, a in enumerate(_many_stories(600))
    ]
    for start in range(0, len(articles), 100):
        for a in articles[start : start + 100]:
            live.assign(a)
        write, append = live.to_parts(full=not stored)
        assert "df" not in json.loads(zlib.decompress(write["core"]))
        kinds.append(next(iter(read_segment(append["log"])[0]["df"])))
        _apply(stored, segments, (write, append))
        live.mark_saved()
    assert kinds[0] == "reset" and "add" in kinds and kinds.count("reset") >= 2  # pruned once at least
    chunks = [stored[k] for k in sorted(stored) if k.startswith("stories/")]
    for segs in (segments, [merge_segments(segments[:3]), merge_segments(segments[3:])]):
        restored = StoryClusterer.from_parts(stored["core"], chunks, segs, options)
        assert restored._df == live._df and restored.stories() == live.stories()
        assert restored._postings == live._postings


def test_topic_changes_applied_to_the_saved_map_give_the_whole_map() -> None:
    """After the first save, each save appends only the story -> topic entries that changed
    (merged stories as None); applied in order they give what `topics` gives."""
    live = StoryClusterer(ClusterOptions())
    stored: dict[str, str] = {}
    articles = [*_drifting(), *_many_stories(40), *corpus()]
    for start in range(0, len(articles), 7):
        for a in articles[start : start + 7]:
            live.assign(a)
        if live.topics_saved:
            for sid, tid in live.topic_changes().items():
                if tid is None:
                    stored.pop(sid, None)
                else:
                    stored[sid] = tid
        else:
            stored = {sid: tid for tid, sids in live.topics().items() for sid in sids}
            live.topics_saved = True
        live.to_parts()
        live.mark_saved()
        assert stored == {sid: tid for tid, sids in live.topics().items() for sid in sids}
