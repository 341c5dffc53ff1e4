"""Size limits: single-article files are bounded; web archives are streamed record by record."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.ingest import iter_sources
from newsdesk.options import IngestOptions
from newsdesk.records import ProcessingError, RawDoc

PAGE = (
    "<html><head><title>Tide gauge {i} installed at Gullhaven pier</title></head><body><article>"
    "<h1>Tide gauge {i} installed at Gullhaven pier</h1>"
    "<p>Harbour engineers installed tide gauge number {i} on the north pier on Wednesday, the port authority said.</p>"
    "<p>The gauge reports the water level every six minutes to the coastal warning office.</p>"
    "</article></body></html>"
)


def _warc(path: Path, n: int) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(n):
            body = PAGE.format(i=i).encode()
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            rec = writer.create_warc_record(
                f"https://gullhaven.example/gauge-{i}",
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
            )
            writer.write_record(rec)


def test_warc_larger_than_max_bytes_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    _warc(path, 40)
    options = IngestOptions(max_bytes=path.stat().st_size // 4)
    items = list(iter_sources([path], options))
    docs = [x for x in items if isinstance(x, RawDoc)]
    assert len(docs) == 40
    assert not [x for x in items if isinstance(x, ProcessingError)]


def test_text_file_over_max_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("The council met and adjourned. " * 200, encoding="utf-8")
    items = list(iter_sources([path], IngestOptions(max_bytes=1000)))
    assert len(items) == 1 and isinstance(items[0], ProcessingError)
    assert items[0].stage == "ingest" and "max_bytes" in items[0].message
