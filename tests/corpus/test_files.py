"""corpus.files: the bundled corpus ships with the package; report files are read safely."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from corpus.decode import MAX_REPORT_BYTES
from corpus.errors import ParseError, UserError
from corpus.files import bundled_manifest, bundled_reports, bundled_texts, read_report
from corpus.parse import MetaFlags

REPORT = "S/2099/3\n\nI. Introduction\n\n1. The Council’s first paragraph.\n\n2. Second.\n"


def test_bundled_corpus() -> None:
    assert [e.meta.symbol for e in bundled_manifest()] == ["S/2016/501", "S/2018/80"]
    texts = bundled_texts()
    assert [len(data) > 50_000 for _, data in texts] == [True, True]
    reports = bundled_reports()
    assert [(r.symbol, len(r.paragraphs), len(r.footnotes)) for r in reports] == [
        ("S/2016/501", 91, 0),
        ("S/2018/80", 86, 67),
    ]
    assert bundled_reports() == reports  # callers may mutate the list they get
    assert bundled_reports() is not reports


def test_bundled_files_are_package_data() -> None:
    """Shipped inside the package directory, so hatchling puts them in the wheel."""
    import corpus

    data = Path(corpus.__file__).parent / "data"
    assert {e.file for e in bundled_manifest()} | {"manifest.toml"} <= {
        p.name for p in data.iterdir()
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_read_report_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.replace("\n", "\r\n").encode(encoding))
    report = read_report(path)
    assert report.symbol == "S/2099/3"
    assert report.paragraphs[0].text == "The Council’s first paragraph."


def test_read_report_uses_manifest_and_flags(tmp_path: Path) -> None:
    path = tmp_path / "S-2018-80.txt"
    path.write_bytes(bundled_texts()[1][1])
    report = read_report(path, manifest=bundled_manifest(), flags=MetaFlags(symbol="S/2018/80"))
    assert (report.symbol, report.meta.ordinal) == ("S/2018/80", 6)


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(b"\x00\x01binary"), "binary"),
        (lambda p: p.write_bytes(codecs.BOM_UTF8 + b"Just prose.\n"), "no numbered paragraphs"),
    ],
)
def test_read_report_refusals_name_the_file(tmp_path: Path, make: object, needle: str) -> None:
    path = tmp_path / "bad.txt"
    make(path)  # type: ignore[operator]
    with pytest.raises(UserError, match=needle) as caught:
        read_report(path, flags=MetaFlags(symbol="S/2099/3"))
    assert str(path) in str(caught.value)


def test_oversize_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: 50 MB on paper, nothing on disk
        handle.truncate(50_000_000)
    assert path.stat().st_size > MAX_REPORT_BYTES
    with pytest.raises(ParseError, match="50,000,000 bytes"):
        read_report(path)
