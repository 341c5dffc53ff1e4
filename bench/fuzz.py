"""Fuzz every reader with generated inputs (issue 21): crashes, hangs, memory, silent inputs.

    .venv/bin/python bench/fuzz.py [--per-reader 10000] [--readers txt,html,jsonl,warc,feed]
                                   [--seed 21] [--hang-s 20] [--no-clean] [--dump READER:I PATH]

For each reader, N inputs are generated from the seed (valid documents with hostile fields,
byte-level damage, truncation, gzip wrapping, small compressed bombs, deep nesting, huge numbers,
junk), each written to a temp file and run through `iter_sources` and then `clean` on every
article, in a worker process. Reported per reader:

- crashes: an exception out of iter_sources, or out of clean other than NewsdeskError, or a
  worker that died (the input is named);
- hangs: an input still running after --hang-s seconds (the worker is killed, restarted after it);
- unaccounted: an input that gave neither an article nor an error;
- slowest input (seconds) and the workers' peak RSS (VmHWM).

Targets: crashes, hangs and unaccounted all 0, max RSS <= 1 GB; the exit status is 1 when one
is missed. The same inputs come back for the same seed: `--dump jsonl:123 /tmp/x.jsonl` writes
input 123 of the JSONL reader for a look. Each worker caps its address space at 4 GB so that a
blow-up is a reported MemoryError, not a swapped machine.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import random
import resource
import select
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READERS = ("txt", "html", "jsonl", "warc", "feed")
SUFFIX = {"txt": ".txt", "html": ".html", "jsonl": ".jsonl", "warc": ".warc", "feed": ".rss"}
RSS_TARGET_MB = 1024

BODY = (
    "Harbour engineers in the invented town of Gullhaven installed a new tide gauge on the north pier on "
    "Wednesday, the port authority said. The gauge reports the water level every six minutes, and the "
    "coastal warning office will publish the readings."
)
NASTY = [
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff",
    "\ufffe", "\uffff", "\ud800", "\udfff", "<", ">", "&", "&amp;", "&#0;", "&#xD800;", "]]>", "<![CDATA[",
    "\r", "\n", "\r\n", '"', "'", "\\", "\\u", "[b]", "[/b]", "[link=https://x.example]", "é", "漢", "😀",
    "\u202e", "\u200b", " ", "\t", "{", "}", "[", "]", "<p>", "</p>", "<script>", "<!--", "-->", "%s", "{0}",
]  # fmt: skip
DATES = [
    "2026-04-18", "18 April 2026", "Sat, 18 Apr 2026 09:30:00 +0200", "2026-04-18T09:30:00Z", "1713430200",
    "1713430200000", "yesterday", "32/13/2026", "0000-00-00", "9999-99-99T99:99", "", "April", "2026",
]  # fmt: skip


# --------------------------------------------------------------------------- generation


def _nasty(rng: random.Random, n: int = 12) -> str:
    parts = []
    for _ in range(rng.randint(0, n)):
        r = rng.random()
        if r < 0.4:
            parts.append(rng.choice(NASTY))
        elif r < 0.7:
            parts.append(rng.choice(BODY.split()))
        elif r < 0.8:
            parts.append(chr(rng.randint(0, 0x10FFFF)))
        else:
            parts.append(rng.choice(DATES))
        parts.append(rng.choice(["", " ", " "]))
    return "".join(parts)


def _field(rng: random.Random) -> str:
    """A field value: short, hostile, or long (long enough to pass the field limits)."""
    r = rng.random()
    if r < 0.5:
        return _nasty(rng)
    if r < 0.7:
        return rng.choice(DATES)
    if r < 0.85:
        return rng.choice(["x", "1", " ", "Sat, 18 Apr 2026 ", "<p>", "ab1 ", "\u2028"]) * rng.randint(
            50, 60_000
        )
    return BODY[: rng.randint(0, len(BODY))]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """Byte damage: flips, inserts, deletions, duplicated slices, truncation."""
    buf = bytearray(data)
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 8])):
        if not buf:
            break
        at = rng.randrange(len(buf))
        op = rng.randrange(6)
        if op == 0:
            buf[at] = rng.randrange(256)
        elif op == 1:
            buf[at:at] = bytes([rng.randrange(256)]) * rng.randint(1, 16)
        elif op == 2:
            del buf[at : at + rng.randint(1, 64)]
        elif op == 3:
            buf[at:at] = buf[rng.randrange(len(buf)) :][: rng.randint(1, 256)]
        elif op == 4:
            del buf[at:]
        else:
            buf[at:at] = rng.choice(
                [b"\n", b"\r", b"\x00", b"\x1f\x8b", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc0"]
            )
    return bytes(buf)


def _bomb(rng: random.Random, prefix: bytes, fill: bytes, mb: tuple[int, int] = (8, 48)) -> bytes:
    """A small gzip that unpacks to 8-48 MB (or `mb`): prefix, then `fill` repeated."""
    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    out = [comp.compress(prefix)]
    block = fill * ((1 << 20) // len(fill))
    out.extend(comp.compress(block) for _ in range(rng.randint(*mb)))
    out.append(comp.flush())
    return b"".join(out)


def _wrap(rng: random.Random, data: bytes) -> bytes:
    data = _mutate(rng, data)
    if rng.random() < 0.2:
        data = gzip.compress(data, mtime=0)
        if rng.random() < 0.2:
            data = _mutate(rng, data)
    return data


def gen_txt(rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.15:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 2000)))
    if r < 0.2:
        return _bomb(rng, b" date 2026-04-18\n", b"The tide rose. ")
    text = f" date {rng.choice(DATES)} {rng.choice(['', '200', '404'])}\n{_field(rng)}\n\n{BODY}\n{_nasty(rng, 40)}\n"
    enc = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"])
    return _wrap(rng, text.encode(enc, "surrogatepass" if enc.startswith("utf-8") else "replace"))


def gen_html(rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.05:
        return _bomb(rng, b"<html><body>", b"<p>w</p>")
    n_tags = rng.choice([0, 1, 10, 100, 1000, 10_000, 60_000]) if rng.random() < 0.3 else 3
    filler = rng.choice(["<p>w</p>", "<div>", "<span>x</span>", "<br>", "<!-- c -->", "<p>"]) * n_tags
    body = (
        f"<p>{BODY}</p><script>{_nasty(rng)}</script>{_nasty(rng)}<p>{_nasty(rng, 30)} {BODY}</p>{filler}"
        f"<div class='{_nasty(rng)}'>{_field(rng)}</div>"
    )
    if rng.random() < 0.4:  # a fragment, as JSONL and feeds carry
        page = body
    else:
        page = (
            f"<!DOCTYPE html><html><head><meta charset='{rng.choice(['utf-8', 'latin-1', 'x-bogus', ''])}'>"
            f"<title>{_field(rng)}</title><meta property='article:published_time' content='{_field(rng)}'>"
            f"<meta name='author' content='{_field(rng)}'></head><body><article><h1>{_nasty(rng)}</h1>{body}"
            "</article></body></html>"
        )
    enc = rng.choice(["utf-8", "utf-8", "cp1252"])
    return _wrap(
        rng, page.encode(enc, "surrogatepass" if enc == "utf-8" and rng.random() < 0.5 else "replace")
    )


def _json_value(rng: random.Random, depth: int = 0) -> object:
    r = rng.random()
    if depth > 3 or r < 0.4:
        return rng.choice([None, True, 1, -1.5, 10**20, 1e308, _nasty(rng), ""])
    if r < 0.7:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {_nasty(rng, 3): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def gen_jsonl(rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.03:
        good = json.dumps({"title": "T", "text": BODY}).encode() + b"\n"
        fill = rng.choice([b" ", b"\n", b"x", good])
        # a bomb of good records is cleaned record by record: 1-4 MB (~50,000 records) is enough
        return _bomb(rng, good, fill, (1, 4) if fill == good else (8, 48))
    lines: list[bytes] = []
    for _ in range(rng.randint(0, 12)):
        k = rng.random()
        if k < 0.6:
            rec: dict[str, object] = {
                rng.choice(["text", "content", "body", "txt"]): rng.choice(
                    [BODY, _field(rng), f"<p>{BODY}</p><p>{_nasty(rng)}</p>"]
                )
            }
            for key in ("title", "published", "authors", "url", "source", "date", "headline", "byline"):
                if rng.random() < 0.5:
                    rec[key] = _field(rng) if rng.random() < 0.8 else _json_value(rng)
            rec["extra"] = _json_value(rng)
            text = json.dumps(rec, ensure_ascii=rng.random() < 0.5)
            lines.append(text.encode("utf-8", "surrogatepass"))
        elif k < 0.7:
            d = rng.choice([10, 63, 65, 500, 999, 1000, 5000, 100_000])
            lines.append(b'{"text": "x", "d": ' + rng.choice([b"[", b'{"a":']) * d + b"1" + b"]" * d + b"}")
        elif k < 0.75:
            lines.append(
                b'{"text": "'
                + BODY.encode()
                + b'", "n": '
                + b"7" * rng.choice([4300, 4301, 5000, 100_000])
                + b"}"
            )
        elif k < 0.85:
            lines.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 80))))
        else:
            lines.append(rng.choice([b"", b" ", b"\x1f", b"[]", b"null", b"{}", b"\xef\xbb\xbf{}", b"\r"]))
    data = rng.choice([b"\n", b"\r\n", b"\n\n"]).join(lines)
    if rng.random() < 0.1:  # a whole-file array or a pretty-printed object
        data = json.dumps(
            rng.choice([[{"text": BODY}, _json_value(rng)], {"text": BODY, "t": _json_value(rng)}]),
            indent=rng.choice([None, 2]),
        ).encode()
    return _wrap(rng, data)


def gen_warc(rng: random.Random) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    r = rng.random()
    if r < 0.08:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 600)))
    packed = rng.random() < 0.5
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=packed)
    if rng.random() < 0.5:
        writer.write_record(
            writer.create_warcinfo_record(
                "fuzz.warc", {"software": _nasty(rng).encode("utf-8", "replace").decode()}
            )
        )
    for i in range(rng.randint(0, 4)):
        body = f"<html><head><title>{_nasty(rng)}</title></head><body><p>{BODY}</p><p>{_field(rng)[:5000]}</p></body></html>"
        payload = body.encode("utf-8", "surrogatepass" if rng.random() < 0.3 else "replace")
        headers = [
            (
                "Content-Type",
                rng.choice(
                    [
                        "text/html; charset=utf-8",
                        "text/html; charset=x-bogus",
                        "text/html",
                        "image/png",
                        "application/xhtml+xml",
                    ]
                ),
            )
        ]
        if rng.random() < 0.2:
            payload = (
                gzip.compress(payload, mtime=0) if rng.random() < 0.8 else zlib.compress(b"\0" * (8 << 20))
            )
            headers.append(("Content-Encoding", rng.choice(["gzip", "deflate", "br", "x-bogus"])))
        if rng.random() < 0.1:
            headers.append(("Transfer-Encoding", "chunked"))
            payload = f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n"
        http = StatusAndHeaders(
            rng.choice(["200 OK", "200 OK", "404 Not Found"]), headers, protocol="HTTP/1.1"
        )
        kind = rng.choice(["response", "response", "response", "resource", "request", "revisit", "metadata"])
        rec = writer.create_warc_record(
            f"https://example.org/{i}",
            kind,
            payload=io.BytesIO(payload),
            http_headers=http if kind != "resource" else None,
        )
        writer.write_record(rec)
    data = out.getvalue()
    if rng.random() < 0.05 and packed:  # a small bomb: one record unpacking to 8-48 MB
        head = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:b>\r\nContent-Length: 999999999\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
        data += _bomb(rng, head, b"<p>w</p>")
    return _mutate(rng, data)


def gen_feed(rng: random.Random) -> bytes:
    from xml.sax.saxutils import escape

    items = []
    for i in range(rng.randint(0, 5)):
        f = (lambda s: s) if rng.random() < 0.2 else escape
        content = (
            f"<content:encoded><![CDATA[<p>{BODY}</p>{_nasty(rng)}]]></content:encoded>"
            if rng.random() < 0.5
            else ""
        )
        items.append(
            f"<item><title>{f(_field(rng))}</title><link>https://example.org/{i}</link><guid>{f(_nasty(rng))}</guid>"
            f"<pubDate>{f(_field(rng))}</pubDate><dc:creator>{f(_field(rng))}</dc:creator>"
            f"<description>{f(_nasty(rng, 30))} {BODY}</description>{content}</item>"
        )
    if rng.random() < 0.3:
        feed = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>V</title>'
            + "".join(
                f"<entry><title>{escape(_nasty(rng))}</title><id>urn:{i}</id><published>{escape(_field(rng))}</published><content type='html'>{escape(BODY)}</content></entry>"
                for i in range(rng.randint(0, 3))
            )
            + "</feed>"
        )
    else:
        feed = (
            '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>{escape(_nasty(rng))}</title>{"".join(items)}</channel></rss>'
        )
    return _wrap(rng, feed.encode("utf-8", "surrogatepass" if rng.random() < 0.3 else "replace"))


GENERATORS = {"txt": gen_txt, "html": gen_html, "jsonl": gen_jsonl, "warc": gen_warc, "feed": gen_feed}


def make_input(reader: str, seed: int, i: int) -> tuple[str, bytes]:
    rng = random.Random(f"{seed}:{reader}:{i}")
    data = GENERATORS[reader](rng)
    suffix = SUFFIX[reader]
    if reader == "warc" and data.startswith(b"\x1f\x8b"):
        suffix = ".warc.gz"
    elif data.startswith(b"\x1f\x8b") and rng.random() < 0.5:
        suffix += ".gz"
    return f"input{suffix}", data


# --------------------------------------------------------------------------- worker


def worker(reader: str, seed: int, start: int, stop: int, folder: Path, do_clean: bool) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    sys.path.insert(0, str(ROOT / "src"))
    from newsdesk.clean import clean
    from newsdesk.errors import NewsdeskError
    from newsdesk.ingest import iter_sources
    from newsdesk.options import IngestOptions
    from newsdesk.records import ProcessingError, RawDoc

    options = IngestOptions(max_bytes=2_000_000, max_container_bytes=20_000_000)
    for i in range(start, stop):
        print(json.dumps({"start": i}), flush=True)
        name, data = make_input(reader, seed, i)
        for old in folder.iterdir():
            old.unlink()
        path = folder / name
        path.write_bytes(data)
        t0 = time.perf_counter()
        docs = errors = 0
        crash = None
        try:
            for item in iter_sources([path], options):
                if isinstance(item, ProcessingError):
                    errors += 1
                    continue
                assert isinstance(item, RawDoc)
                docs += 1
                if do_clean:
                    with contextlib.suppress(NewsdeskError):
                        clean(item, options)
        except BaseException as exc:  # what the run would have died of
            crash = (
                f"{type(exc).__name__}: {exc}"[:300]
                + " | "
                + traceback.format_exc(limit=-3).replace("\n", " ")[-600:]
            )
        dt = time.perf_counter() - t0
        print(
            json.dumps({"done": i, "docs": docs, "errors": errors, "crash": crash, "dt": round(dt, 4)}),
            flush=True,
        )
    print(
        json.dumps({"rss_kb": _hwm_kb(os.getpid()) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}),
        flush=True,
    )


# --------------------------------------------------------------------------- parent


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_reader(reader: str, n: int, seed: int, hang_s: float, do_clean: bool) -> dict:
    stats = {"reader": reader, "inputs": 0, "articles": 0, "errors": 0, "crashes": 0, "hangs": 0, "unaccounted": 0,
             "slowest_s": 0.0, "slowest_input": None, "max_rss_mb": 0.0, "examples": []}  # fmt: skip
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{reader}-") as tmp:
        i = 0
        while i < n:
            cmd = [
                sys.executable,
                __file__,
                "--worker",
                reader,
                "--seed",
                str(seed),
                "--start",
                str(i),
                "--stop",
                str(n),
                "--folder",
                tmp,
            ]
            if not do_clean:
                cmd.append("--no-clean")
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1
            )
            assert proc.stdout is not None
            current: int | None = None
            finished = False
            peak_kb = 0
            while True:
                ready, _, _ = select.select([proc.stdout], [], [], hang_s)
                if not ready:  # the current input hangs
                    peak_kb = max(peak_kb, _hwm_kb(proc.pid))
                    proc.kill()
                    proc.wait()
                    stats["hangs"] += 1
                    stats["inputs"] += 1
                    stats["examples"].append(f"hang: {reader}:{current}")
                    i = (current if current is not None else i) + 1
                    break
                line = proc.stdout.readline()
                if not line:  # the worker died (a crash in C, or killed for memory)
                    proc.wait()
                    if current is not None:
                        stats["crashes"] += 1
                        stats["inputs"] += 1
                        stats["examples"].append(
                            f"crash: {reader}:{current}: worker died (status {proc.returncode})"
                        )
                        i = current + 1
                    else:
                        i = n  # cannot even start: give up on this reader
                        stats["examples"].append(f"worker failed to start (status {proc.returncode})")
                    break
                try:
                    msg = json.loads(line)
                except ValueError:  # a library printed to stdout: not ours
                    continue
                if "start" in msg:
                    current = msg["start"]
                    peak_kb = max(peak_kb, _hwm_kb(proc.pid))
                elif "done" in msg:
                    stats["inputs"] += 1
                    stats["articles"] += msg["docs"]
                    stats["errors"] += msg["errors"]
                    if msg["crash"]:
                        stats["crashes"] += 1
                        stats["examples"].append(f"crash: {reader}:{msg['done']}: {msg['crash']}")
                    elif msg["docs"] + msg["errors"] == 0:
                        stats["unaccounted"] += 1
                        stats["examples"].append(f"unaccounted: {reader}:{msg['done']}")
                    if msg["dt"] > stats["slowest_s"]:
                        stats["slowest_s"], stats["slowest_input"] = msg["dt"], f"{reader}:{msg['done']}"
                    current = None
                elif "rss_kb" in msg:
                    peak_kb = max(peak_kb, msg["rss_kb"])
                    finished = True
                    break
            if finished:
                proc.wait()
                i = n
            stats["max_rss_mb"] = max(stats["max_rss_mb"], round(peak_kb / 1024, 1))
    stats["wall_s"] = round(time.perf_counter() - t_start, 1)
    return stats


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-reader", type=int, default=10_000, help="inputs per reader (default 10,000)")
    ap.add_argument("--readers", default=",".join(READERS))
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--hang-s", type=float, default=20.0, help="an input running longer than this is a hang")
    ap.add_argument("--no-clean", action="store_true", help="readers only, without clean() on each article")
    ap.add_argument(
        "--dump", nargs=2, metavar=("READER:I", "PATH"), help="write one generated input and exit"
    )
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--stop", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.seed, args.start, args.stop, args.folder, not args.no_clean)
        return 0
    if args.dump:
        reader, i = args.dump[0].split(":")
        name, data = make_input(reader, args.seed, int(i))
        Path(args.dump[1]).write_bytes(data)
        print(f"{args.dump[1]}: {len(data):,} bytes (generated as {name})")
        return 0
    readers = [r for r in args.readers.split(",") if r]
    print(f"fuzz: {args.per_reader:,} inputs per reader, seed {args.seed}, hang after {args.hang_s:g} s, "
          f"clean {'off' if args.no_clean else 'on'}; {os.cpu_count()} CPUs")  # fmt: skip
    results = []
    header = f"{'reader':<7}{'inputs':>8}{'articles':>10}{'errors':>8}{'crashes':>9}{'hangs':>7}{'unaccounted':>13}{'slowest_s':>11}{'max_rss_mb':>12}{'wall_s':>8}"
    print(header)
    for reader in readers:
        s = run_reader(reader, args.per_reader, args.seed, args.hang_s, not args.no_clean)
        results.append(s)
        print(f"{reader:<7}{s['inputs']:>8,}{s['articles']:>10,}{s['errors']:>8,}{s['crashes']:>9}{s['hangs']:>7}"
              f"{s['unaccounted']:>13}{s['slowest_s']:>11.2f}{s['max_rss_mb']:>12.1f}{s['wall_s']:>8.1f}", flush=True)  # fmt: skip
    for s in results:
        for example in s["examples"][:5]:
            print("  " + example)
        if s["slowest_input"]:
            print(f"  slowest {s['reader']}: {s['slowest_input']} ({s['slowest_s']:.2f} s)")
    bad = [
        s
        for s in results
        if s["crashes"] or s["hangs"] or s["unaccounted"] or s["max_rss_mb"] > RSS_TARGET_MB
    ]
    print(
        f"targets (crashes, hangs, unaccounted 0; max RSS <= {RSS_TARGET_MB} MB): {'missed' if bad else 'met'}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
