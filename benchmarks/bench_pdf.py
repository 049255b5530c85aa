"""How long ingesting a PDF takes on one core, and what refusing a PDF bomb costs.

    uv run python benchmarks/bench_pdf.py              # 7 runs per file; ~30 s
    uv run python benchmarks/bench_pdf.py --runs 3

For each fixture PDF (the 20-page fpdf2 one and the 14-page LibreOffice one), in a process
pinned to one core: reading the glyphs (PDFium), laying them out as text, parsing, and the
whole `Library.ingest` (parse, index, store) into a copy of the bundled database. Then, each in a
fresh process, refusing a decompression bomb and a 401-page PDF: time and peak RSS. The last line
is the summary: `bench_pdf: pages=20 ingest_p50=…s (limit 5 s) …`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]

DOCUMENTS = ROOT / "tests" / "corpus" / "documents"
FILES = ("S-2018-80-letter.pdf", "S-2018-80.pdf")
LIMIT_S = 5.0


def _pin_to_one_core() -> int:
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def _time(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


async def _ingest(template: Path, data: bytes, name: str, scratch: Path) -> float:
    from retrieval.library import Library

    path = scratch / "bench.sqlite3"
    shutil.copyfile(template, path)
    library = await Library.open(path, bootstrap=False)
    try:
        start = time.perf_counter()
        await library.ingest(data, source=name)
        return time.perf_counter() - start
    finally:
        await library.close()


async def _template(scratch: Path) -> Path:
    from retrieval.library import Library

    path = scratch / "template.sqlite3"
    library = await Library.open(path)
    await library.close()
    return path


def measure_files(runs: int) -> list[dict[str, object]]:
    from corpus.files import bundled_manifest
    from corpus.parse import parse_report
    from corpus.pdf_glyphs import read_pdf_pages
    from corpus.pdf_text import pdf_report_text

    manifest = bundled_manifest()
    rows = []
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        template = asyncio.run(_template(scratch))
        for name in FILES:
            data = (DOCUMENTS / name).read_bytes()
            glyphs, layout, parse, ingest = [], [], [], []
            pages: list = []
            for _ in range(runs):
                seconds, pages = _time(read_pdf_pages, data, source=name)
                glyphs.append(seconds)
                seconds, text = _time(pdf_report_text, pages)
                layout.append(seconds)
                seconds, _ = _time(parse_report, text, source=name, manifest=manifest)
                parse.append(seconds)
                ingest.append(asyncio.run(_ingest(template, data, name, scratch)))
            rows.append(
                {
                    "file": name,
                    "bytes": len(data),
                    "pages": len(pages),
                    "glyphs_p50_s": statistics.median(glyphs),
                    "layout_p50_s": statistics.median(layout),
                    "parse_p50_s": statistics.median(parse),
                    "ingest_p50_s": statistics.median(ingest),
                    "ingest_max_s": max(ingest),
                }
            )
    return rows


def _refusal_worker(kind: str) -> None:
    """Run in a fresh process: build the bad PDF, then time refusing it; print JSON."""
    _pin_to_one_core()
    from corpus.decode import decode_text
    from corpus.errors import ParseError
    from corpus.pdf_bounds import MAX_INFLATED_BYTES
    from corpus.pdf_glyphs import MAX_PDF_PAGES
    from tests.corpus.documents import bad_pdfs

    if kind == "bomb":
        data = bad_pdfs.inflation_bomb(4 * MAX_INFLATED_BYTES)
    else:
        data = bad_pdfs.many_pages_pdf(MAX_PDF_PAGES + 1)
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        decode_text(data, source=kind)
        message = "accepted!"
    except ParseError as error:
        message = str(error)
    seconds = time.perf_counter() - start
    after_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "kind": kind,
                "file_bytes": len(data),
                "refuse_s": seconds,
                "peak_rss_mib": after_kib / 1024,
                "rss_growth_mib": (after_kib - before_kib) / 1024,
                "message": message,
            }
        )
    )


def measure_refusals() -> list[dict[str, object]]:
    rows = []
    for kind in ("bomb", "pages"):
        done = subprocess.run(
            [sys.executable, __file__, "--worker", kind],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--worker", choices=["bomb", "pages"])
    args = parser.parse_args()
    if args.worker:
        _refusal_worker(args.worker)
        return 0
    core = _pin_to_one_core()
    print(f"# {platform.python_version()} on {platform.machine()}, pinned to core {core}")
    files = measure_files(args.runs)
    for row in files:
        print(
            f"{row['file']:<22} {row['pages']:>3} pages {row['bytes']:>8,} bytes  "
            f"glyphs {row['glyphs_p50_s']:.3f}s  layout {row['layout_p50_s']:.3f}s  "
            f"parse {row['parse_p50_s']:.3f}s  ingest p50 {row['ingest_p50_s']:.3f}s "
            f"(max {row['ingest_max_s']:.3f}s)"
        )
    refusals = measure_refusals()
    for row in refusals:
        print(
            f"refuse {row['kind']:<6} {row['file_bytes']:>9,} bytes in {row['refuse_s']:.3f}s, "
            f"peak RSS {row['peak_rss_mib']:.0f} MiB (+{row['rss_growth_mib']:.0f}): "
            f"{row['message']}"
        )
    twenty = files[0]
    print(
        f"bench_pdf: pages={twenty['pages']} ingest_p50={twenty['ingest_p50_s']:.2f}s "
        f"(limit {LIMIT_S:g} s, ratio {twenty['ingest_p50_s'] / LIMIT_S:.2f}) "
        f"bomb_refuse={refusals[0]['refuse_s']:.2f}s bomb_rss={refusals[0]['peak_rss_mib']:.0f}MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
