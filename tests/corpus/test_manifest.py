"""The manifest: validated entries; errors name the entry and what is wrong with it."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.errors import ParseError
from corpus.manifest import ManifestEntry, parse_manifest
from corpus.model import ReportMeta


def test_bundled_manifest_shape(manifest: list[ManifestEntry]) -> None:
    assert [(e.meta.symbol, e.file, e.meta.date, e.meta.ordinal) for e in manifest] == [
        ("S/2016/501", "S-2016-501.txt", dt.date(2016, 5, 31), 2),
        ("S/2018/80", "S-2018-80.txt", dt.date(2018, 1, 31), 6),
    ]
    assert all(e.layout for e in manifest)


def test_minimal_entry_and_normalised_symbol() -> None:
    (entry,) = parse_manifest('[[report]]\nsymbol = "s-2099-1"\nfile = "a.txt"\n')
    assert entry == ManifestEntry(ReportMeta("S/2099/1"), "a.txt", None)


def test_string_dates_are_accepted() -> None:
    (entry,) = parse_manifest('[[report]]\nsymbol = "S/2099/1"\nfile = "a"\ndate = "2099-01-02"\n')
    assert entry.meta.date == dt.date(2099, 1, 2)


def test_empty_manifest() -> None:
    assert parse_manifest("# nothing yet\n") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[report]]\nfile = "a.txt"\n', "entry 1: missing 'symbol'"),
        ('[[report]]\nsymbol = "S/2099/1"\n', "entry 1 (S/2099/1): missing 'file'"),
        (
            '[[report]]\nsymbol = "S/2099/1"\nfile = "a"\ndate = "31 Jan"\n',
            "entry 1 (S/2099/1): bad date '31 Jan' (expected YYYY-MM-DD)",
        ),
        (
            '[[report]]\nsymbol = "S/2099/1"\nfile = "a"\n'
            '[[report]]\nsymbol = "s/2099/1"\nfile = "b"\n',
            "entries 1 and 2 both describe S/2099/1",
        ),
        (
            '[[report]]\nsymbol = "S/2099/1"\nfile = "a"\n'
            '[[report]]\nsymbol = "S/2099/2"\nfile = "a"\n',
            "entries 1 and 2 both name the file 'a'",
        ),
        ('[[report]]\nsymbol = "A/1"\nfile = "a"\n', "entry 1 (A/1): 'A/1' is not a document"),
        (
            '[[report]]\nsymbol = "S/2099/1"\nfile = "a"\nordinal = 0\n',
            "'ordinal' must be a whole number",
        ),
        ('[[report]]\nsymbol = "S/2099/1"\nfile = "a"\nfiel = "b"\n', "unknown key 'fiel'"),
        ("[[report]\n", "not valid TOML"),
        ('report = "x"\n', "array of tables"),
    ],
)
def test_validation_errors_name_the_entry(text: str, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_manifest(text, source="manifest.toml")
    assert str(caught.value).startswith("manifest.toml: ")
    assert message in str(caught.value)
