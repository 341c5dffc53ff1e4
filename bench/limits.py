"""Peak memory and time of ingest on large and hostile inputs (issue 21).

    .venv/bin/python bench/limits.py [--small] [--cases a,b,...] [--tmp DIR] [--json PATH]

Each input is generated in a temporary folder (removed afterwards, never committed) and read
in its own process, so that each row's peak RSS is its own (ru_maxrss of that process):

- jsonl-1gb: a 1 GB JSONL file of ~4.5 KB articles, through iter_sources (not kept);
  time to the first record shows it is streamed.
- jsonl-100k: 100,000 tiny JSONL records, through iter_sources and clean (the stages this
  module owns; story assignment is the pipeline's and not run here).
- warc-gz-bomb: a .warc.gz of a few MB holding one 3 GiB HTML record.
- warc-ce-bomb: a plain .warc whose record carries Content-Encoding: gzip unpacking to 3 GiB.
- jsonl-gz-bomb: a .jsonl.gz of a few MB unpacking to 3 GiB (good lines, then one endless line).
- jsonl-gz-lines: a .jsonl.gz unpacking to 3 GiB of newlines, then a record.
- html-tags: a 4 MB page of 500k <p>, through clean.
- long-published: a JSONL record whose `published` has 50,000 characters, through clean.
- rss-pubdate: an RSS item whose pubDate has 1 MB, through clean.
- rss-author: an RSS item whose dc:creator has 1 MB, through clean.

`--small` divides the sizes by 20 (a 50 MB JSONL, 5,000 records, 150 MiB bombs) for a quick
check. Targets: peak RSS <= 1 GB for every row; streaming from the first second. Default
options (IngestOptions()), as a user gets them.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RSS_TARGET_MB = 1024
STORY = (
    "Harbour engineers in the invented town of Gullhaven installed a new tide gauge on the north pier "
    "on Wednesday, the port authority said. The gauge reports the water level every six minutes. "
)
PAGE_LINE = b"<p>The harbour board met again and adjourned without a vote on the mooring fees.</p>\n"


# --------------------------------------------------------------------------- inputs


def _repeat(chunk: bytes, total: int) -> Iterator[bytes]:
    block = chunk * max(1, (1 << 20) // len(chunk))
    left = total
    while left > 0:
        yield block[:left]
        left -= len(block)


def _gzip_to(path: Path, parts: Iterator[bytes], mode: str = "wb") -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # a bomb: as small as gzip makes it
    with path.open(mode) as out:
        for part in parts:
            out.write(comp.compress(part))
        out.write(comp.flush())


def _warc_head(length: int, http: bytes) -> bytes:
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bomb>\r\n"
        b"WARC-Target-URI: https://gullhaven.example/bomb\r\nWARC-Date: 2026-04-18T09:30:00Z\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        + f"Content-Length: {length}\r\n\r\n".encode()
        + http
    )


def make_jsonl_1gb(folder: Path, scale: int) -> Path:
    path = folder / "big.jsonl"
    size = 1_000_000_000 // scale
    with path.open("wb") as out:
        i = 0
        while out.tell() < size:
            rec = {"title": f"Gauge {i}", "published": "2026-04-18", "text": STORY * 24 + f"Record {i}."}
            out.write(json.dumps(rec).encode() + b"\n")
            i += 1
    return path


def make_jsonl_100k(folder: Path, scale: int) -> Path:
    path = folder / "tiny.jsonl"
    with path.open("wb") as out:
        for i in range(100_000 // scale):
            text = f"Gauge {i} was installed on pier {i % 97} on Wednesday, the port authority said."
            out.write(
                json.dumps({"title": f"Gauge {i}", "published": "2026-04-18", "text": text}).encode() + b"\n"
            )
    return path


def make_warc_gz_bomb(folder: Path, scale: int) -> Path:
    size = (3 << 30) // scale
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    path = folder / "bomb.warc.gz"
    head = _warc_head(len(http) + size, http)
    _gzip_to(path, iter([head, *_repeat(PAGE_LINE, size), b"\r\n\r\n"]))
    return path


def make_warc_ce_bomb(folder: Path, scale: int) -> Path:
    packed = folder / "payload.gz"
    _gzip_to(packed, _repeat(PAGE_LINE, (3 << 30) // scale))
    body = packed.read_bytes()
    packed.unlink()
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    path = folder / "encoded.warc"
    path.write_bytes(_warc_head(len(http) + len(body), http) + body + b"\r\n\r\n")
    return path


def make_jsonl_gz_bomb(folder: Path, scale: int) -> Path:
    good = b"".join(json.dumps({"title": f"T{i}", "text": STORY}).encode() + b"\n" for i in range(3))
    path = folder / "bomb.jsonl.gz"
    _gzip_to(path, iter([good, *_repeat(b"x", (3 << 30) // scale)]))
    return path


def make_jsonl_gz_lines(folder: Path, scale: int) -> Path:
    record = json.dumps({"title": "After the blank lines", "text": STORY}).encode() + b"\n"
    path = folder / "lines.jsonl.gz"
    _gzip_to(path, iter([*_repeat(b"\n", (3 << 30) // scale), record]))
    return path


def make_html_tags(folder: Path, scale: int) -> Path:
    path = folder / "tags.html"
    path.write_bytes(
        b"<html><head><title>Many</title></head><body>" + b"<p>w</p>" * 500_000 + b"</body></html>"
    )
    return path


def make_long_published(folder: Path, scale: int) -> Path:
    path = folder / "published.jsonl"
    path.write_text(
        json.dumps({"title": "Long date", "published": "18 April 2026 " * 3600, "text": STORY}) + "\n"
    )
    return path


def _rss(pub: str, creator: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Gazette</title><item><title>Gauge</title><link>https://gullhaven.example/g</link>"
        f"<pubDate>{pub}</pubDate><dc:creator>{creator}</dc:creator><description>{STORY}</description>"
        "</item></channel></rss>"
    )


def make_rss_pubdate(folder: Path, scale: int) -> Path:
    path = folder / "pubdate.rss"
    path.write_text(_rss("Sat, 18 Apr 2026 " * 62_000, "Mira Halvorsen"))
    return path


def make_rss_author(folder: Path, scale: int) -> Path:
    path = folder / "author.rss"
    path.write_text(_rss("Sat, 18 Apr 2026 09:30:00 +0200", "x" * 1_000_000))
    return path


# name -> (make, run clean on each article)
CASES: dict[str, tuple[Callable[[Path, int], Path], bool]] = {
    "jsonl-1gb": (make_jsonl_1gb, False),
    "jsonl-100k": (make_jsonl_100k, True),
    "warc-gz-bomb": (make_warc_gz_bomb, True),
    "warc-ce-bomb": (make_warc_ce_bomb, True),
    "jsonl-gz-bomb": (make_jsonl_gz_bomb, True),
    "jsonl-gz-lines": (make_jsonl_gz_lines, True),
    "html-tags": (make_html_tags, True),
    "long-published": (make_long_published, True),
    "rss-pubdate": (make_rss_pubdate, True),
    "rss-author": (make_rss_author, True),
}


# --------------------------------------------------------------------------- measuring


def _peak_rss_kb() -> int:
    """This process's peak RSS: VmHWM (ru_maxrss would include the parent's size at fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(path: Path, do_clean: bool) -> None:
    """Read one input; print a JSON line with counts, times and this process's peak RSS."""
    sys.path.insert(0, str(ROOT / "src"))
    from newsdesk.clean import clean
    from newsdesk.errors import NewsdeskError
    from newsdesk.ingest import iter_sources
    from newsdesk.options import IngestOptions
    from newsdesk.records import ProcessingError

    options = IngestOptions()
    t0 = time.perf_counter()
    first = None
    records = errors = articles = clean_errors = 0
    messages: list[str] = []
    for item in iter_sources([path], options):
        if first is None:
            first = time.perf_counter() - t0
        if isinstance(item, ProcessingError):
            errors += 1
            if len(messages) < 2:
                messages.append(item.message[:160])
            continue
        records += 1
        if do_clean:
            try:
                clean(item, options)
                articles += 1
            except NewsdeskError as exc:
                clean_errors += 1
                if len(messages) < 2:
                    messages.append(f"clean: {exc}"[:160])
    total = time.perf_counter() - t0
    rss_mb = _peak_rss_kb() / 1024
    print(json.dumps({"records": records, "errors": errors, "articles": articles, "clean_errors": clean_errors,
                      "first_s": round(first or 0.0, 3), "total_s": round(total, 2), "rss_mb": round(rss_mb, 1),
                      "messages": messages}))  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", action="store_true", help="sizes divided by 20, for a quick check")
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of: " + ", ".join(CASES))
    ap.add_argument("--tmp", type=Path, help="where to generate the inputs (default: the system temp dir)")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1] == "clean")
        return 0
    scale = 20 if args.small else 1
    rows = []
    print(f"limits: {'--small (sizes / 20)' if args.small else 'full sizes'}; default IngestOptions")
    print(f"{'case':<16}{'input_mb':>10}{'gen_s':>7}{'records':>9}{'errors':>8}{'articles':>9}{'first_s':>9}{'total_s':>9}{'rss_mb':>8}  first message")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="newsdesk-limits-", dir=args.tmp) as tmp:
        folder = Path(tmp)
        for name in [c for c in args.cases.split(",") if c]:
            make, do_clean = CASES[name]
            t0 = time.perf_counter()
            path = make(folder, scale)
            gen_s = time.perf_counter() - t0
            size_mb = path.stat().st_size / 1e6
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "clean" if do_clean else "read"],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            path.unlink()
            if out.returncode != 0:
                row = {"case": name, "input_mb": round(size_mb, 1), "failed": out.stderr[-800:]}
                print(f"{name:<16}{size_mb:>10.1f}  FAILED: {out.stderr[-300:]}")
            else:
                row = {
                    "case": name,
                    "input_mb": round(size_mb, 1),
                    "gen_s": round(gen_s, 1),
                    **json.loads(out.stdout.splitlines()[-1]),
                }
                msg = row["messages"][0] if row["messages"] else ""
                print(f"{name:<16}{size_mb:>10.1f}{gen_s:>7.1f}{row['records']:>9,}{row['errors']:>8,}{row['articles']:>9,}"
                      f"{row['first_s']:>9.3f}{row['total_s']:>9.2f}{row['rss_mb']:>8.0f}  {msg[:90]}", flush=True)  # fmt: skip
            rows.append(row)
    bad = [r for r in rows if "failed" in r or r["rss_mb"] > RSS_TARGET_MB]
    print(f"target (peak RSS <= {RSS_TARGET_MB} MB on every row, no failure): {'missed' if bad else 'met'}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
