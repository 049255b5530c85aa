"""The semantic layer: the model's files, its vectors, and what it changes in answers."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import retrieval.embedder as embedder_module
from corpus.files import bundled_reports
from retrieval.embedder import Embedder, ModelError, ModelFiles, shared_embedder, shipped_vectors
from retrieval.library import Library
from retrieval.query import parse_query
from retrieval.search import paragraph_terms
from retrieval.semantic import (
    VECTOR_SHARE_COVERED,
    VECTOR_SHARE_UNCOVERED,
    SemanticLayer,
    vector_share,
    with_feedback,
)
from retrieval.vectors import ReportVectors, embed_text, report_vectors, text_digest

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text())


def keys(answer) -> list[str]:
    return [f"{h.paragraph.report}#{h.paragraph.number}" for h in answer.hits]


# ---- the model's files --------------------------------------------------------------------


def test_the_model_matches_sentence_transformers_on_reference_sentences() -> None:
    """Vectors from onnxruntime + tokenizers agree with the original float32 model."""
    vectors = shared_embedder().encode(REFERENCE["texts"])
    cosines = (vectors * np.asarray(REFERENCE["vectors"], dtype=np.float32)).sum(axis=1)
    assert cosines.min() > 0.995, cosines


def test_a_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    files = ModelFiles.installed()
    with pytest.raises(ModelError, match=r"cannot read the embedding model.*SEMANTIC=off"):
        Embedder(ModelFiles(tmp_path / "model.onnx", files.tokenizer))


def test_an_altered_model_file_is_refused(tmp_path: Path) -> None:
    files = ModelFiles.installed()
    altered = tmp_path / "model.onnx"
    shutil.copyfile(files.model, altered)
    with altered.open("r+b") as handle:
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelError, match="not the expected file"):
        Embedder(ModelFiles(altered, files.tokenizer))


def test_an_altered_tokenizer_is_refused(tmp_path: Path) -> None:
    files = ModelFiles.installed()
    altered = tmp_path / "tokenizer.json"
    altered.write_text(files.tokenizer.read_text("utf-8").replace("[UNK]", "[UNKNOWN]"))
    with pytest.raises(ModelError, match="embedding tokenizer"):
        Embedder(ModelFiles(files.model, altered))


async def test_a_library_with_a_broken_model_refuses_to_open_and_names_the_way_out(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> Embedder:
        raise ModelError("the embedding model … set REPORTBOT_SEMANTIC=off")

    monkeypatch.setattr("retrieval.library.shared_embedder", broken)
    with pytest.raises(ModelError, match="SEMANTIC=off"):
        await Library.open(db_path)
    assert not await asyncio.to_thread(db_path.exists)  # refused before the database was made
    async with await Library.open(db_path, semantic=False) as library:
        assert (await library.ask("oil revenue", k=1)).hits


# ---- vectors --------------------------------------------------------------------------------


def test_long_paragraphs_are_encoded_whole_not_cut_at_the_window() -> None:
    embedder = shared_embedder()
    sentence = "Member States reported returnees crossing borders with forged passports. "
    long_text = sentence * 10 + "The group also trades antiquities from looted museums. " * 30
    whole = embedder.encode([long_text])[0]
    head = embedder.encode([sentence * 10])[0]
    tail = embedder.encode(["The group also trades antiquities from looted museums. " * 30])[0]
    assert float(whole @ tail) > float(head @ tail)  # the tail beyond 256 tokens counts


def test_the_shipped_vectors_are_what_the_model_makes_of_the_bundled_paragraphs() -> None:
    embedder = shared_embedder()
    shipped = shipped_vectors()
    paragraphs = [p for r in bundled_reports() for p in r.paragraphs]
    assert all(text_digest(embedder.model_id, embed_text(p)) in shipped for p in paragraphs)
    sample = paragraphs[::25]
    fresh = embedder.encode([embed_text(p) for p in sample])
    for paragraph, vector in zip(sample, fresh, strict=True):
        stored = shipped[text_digest(embedder.model_id, embed_text(paragraph))]
        assert float(stored @ vector) > 0.995  # int8 quantisation costs ~1e-3


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float32,
        st.tuples(st.integers(0, 12), st.just(16)),
        elements=st.floats(-1, 1, width=32),
    )
)
def test_vectors_survive_bytes_and_quantisation(raw: np.ndarray) -> None:
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    unit = np.where(norms > 0, raw / np.maximum(norms, 1e-12), 0).astype(np.float32)
    numbers = list(range(1, len(unit) + 1))
    digests = [f"d{n}" for n in numbers]
    stored = ReportVectors.from_bytes(
        ReportVectors.quantise("m", numbers, unit, digests).to_bytes()
    )
    assert stored.numbers == tuple(numbers)
    assert stored.digests == tuple(digests)
    assert np.abs(stored.dequantise() - unit).max(initial=0) <= 1 / 127 / 2 + 1e-6


def test_a_damaged_vector_blob_is_refused() -> None:
    blob = ReportVectors.quantise("m", [1, 2], np.eye(2, 4, dtype=np.float32)).to_bytes()
    with pytest.raises(ValueError, match="wrong length"):
        ReportVectors.from_bytes(blob[:-3])
    with pytest.raises(ValueError, match="not a reportbot vector blob"):
        ReportVectors.from_bytes(b"not vectors")


def test_unchanged_paragraphs_are_not_encoded_again() -> None:
    report = bundled_reports()[0]
    calls: list[int] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.ones((len(texts), 4), dtype=np.float32) / 2

    first = report_vectors(report, encode, "m")
    again = report_vectors(report, encode, "m", known=first.by_digest())
    assert calls == [len(report.paragraphs)]
    assert again.numbers == first.numbers


# ---- answers --------------------------------------------------------------------------------


async def test_a_paraphrase_sharing_no_word_finds_its_paragraph_only_with_the_layer(
    bundled_db: Path,
) -> None:
    question = "kids who were brainwashed"
    async with await Library.open(bundled_db, bootstrap=False) as on:
        answer = await on.ask(question, k=5)
        (paragraph,) = await on.cite("S/2018/80", 66)
    typed = set(parse_query(question).terms)
    assert typed
    assert not typed & set(paragraph_terms(paragraph))  # no word in common
    assert "S/2018/80#66" in keys(answer)
    async with await Library.open(bundled_db, bootstrap=False, semantic=False) as off:
        assert "S/2018/80#66" not in keys(await off.ask(question, k=10))


@pytest.mark.parametrize(
    ("question", "exact"),
    [
        ("what did resolution 2396 ask of states about borders", "2396"),
        ("S/2017/573 propaganda online", "S/2017/573"),
        ("90 per cent revenue loss", "90"),
    ],
)
async def test_numbers_and_symbols_rank_paragraphs_that_contain_them_first(
    library: Library, question: str, exact: str
) -> None:
    answer = await library.ask(question, k=10)
    contains = [
        exact in h.paragraph.text + " ".join(f.text for f in h.paragraph.footnotes)
        for h in answer.hits
    ]
    assert contains[0]
    assert contains == sorted(contains, reverse=True)  # no paragraph without it before one with it


async def test_a_year_says_when_and_does_not_put_paragraphs_printing_it_first(
    library: Library,
) -> None:
    # S/2016/501 para. 18 gives ISIL's fighters in Iraq and Syria "currently", never "2016"; the
    # paragraphs that print 2016 are about other things. A figure still works as above.
    question = "roughly how many fighters did ISIL command in Iraq and Syria in 2016"
    answer = await library.ask(question, k=5)
    assert (answer.hits[0].paragraph.report, answer.hits[0].paragraph.number) == ("S/2016/501", 18)
    assert any("2016" not in h.paragraph.text for h in answer.hits[:3])


async def test_a_question_in_other_words_than_the_reports_leans_on_the_vectors(
    library: Library,
) -> None:
    # BM25's best paragraph for it holds only "branch" (the Libyan branch, S/2016/501 para. 26);
    # the answer (ISIL in East Africa curtailed, paralysed by a power struggle) shares no word.
    answer = await library.ask("why has the somali branch gone quiet", k=3)
    top = answer.hits[0].paragraph
    assert (top.report, top.number) == ("S/2018/80", 25)


@given(st.floats(-1.0, 2.0), st.floats(-1.0, 2.0))
def test_the_vectors_share_falls_as_bm25_covers_more_of_the_question(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert VECTOR_SHARE_COVERED <= vector_share(high) <= vector_share(low) <= VECTOR_SHARE_UNCOVERED
    assert vector_share(0.0) == VECTOR_SHARE_UNCOVERED
    assert vector_share(1.0) == pytest.approx(VECTOR_SHARE_COVERED)


async def test_a_quoted_phrase_is_in_every_hit_with_the_layer_on(library: Library) -> None:
    answer = await library.ask('"foreign terrorist fighters" returning home', k=10)
    assert answer.hits
    for hit in answer.hits:
        text = hit.paragraph.text + " " + " ".join(f.text for f in hit.paragraph.footnotes)
        assert "foreign terrorist fighters" in text.lower()


async def test_off_is_bm25_alone_and_never_loads_the_model(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> Embedder:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr("retrieval.library.shared_embedder", refuse)
    monkeypatch.setattr(embedder_module, "shared_embedder", refuse)
    async with await Library.open(bundled_db, bootstrap=False, semantic=False) as library:
        answer = await library.ask("how do they pay for things", k=5)
    assert all(hit.similarity is None for hit in answer.hits)
    scores = [hit.score for hit in answer.hits]
    assert scores == sorted(scores, reverse=True)


async def test_the_layer_adds_a_similarity_to_every_hit(library: Library) -> None:
    answer = await library.ask("how do they pay for things", k=5)
    assert answer.hits
    assert all(hit.similarity is not None and -1 <= hit.similarity <= 1 for hit in answer.hits)


async def test_now_prefers_the_newest_report(library: Library) -> None:
    answer = await library.ask("how is ISIL making money now?", k=3)
    assert answer.hits[0].paragraph.report == "S/2018/80"
    assert answer.query == "how is ISIL making money now?"  # the time word stays in the reply


@pytest.mark.parametrize(
    ("question", "report"),
    [
        ("report:latest prisons", "S/2018/80"),
        ("what does the sixth report say about prisons", "S/2018/80"),
        ("the second report on oil", "S/2016/501"),
        ("report:oldest oil", "S/2016/501"),
        ("what does the 2018 report say about prisons", "S/2018/80"),
        ("the report of 2016 on oil", "S/2016/501"),
    ],
)
async def test_reports_named_by_their_place_in_the_series(
    library: Library, question: str, report: str
) -> None:
    answer = await library.ask(question, k=10)
    assert answer.hits
    assert {h.paragraph.report for h in answer.hits} == {report}


@pytest.mark.parametrize(
    "question",
    [
        "compare the 2016 and 2018 reports on Libya",  # two reports
        "airline passenger lists in 2016 and in the 2018 report",  # two years
        "the 2019 report on Libya",  # no report of 2019 is held
    ],
)
async def test_a_year_naming_no_single_held_report_filters_nothing(
    library: Library, question: str
) -> None:
    answer = await library.ask(question, k=10)
    assert {h.paragraph.report for h in answer.hits} == {"S/2016/501", "S/2018/80"}


async def test_the_report_option_takes_latest(library: Library) -> None:
    answer = await library.ask("prisons", k=10, report="latest")
    assert {h.paragraph.report for h in answer.hits} == {"S/2018/80"}


async def test_an_acronym_the_reports_never_write_finds_the_name_it_spells(
    library: Library,
) -> None:
    assert keys(await library.ask("ISGS", k=3))[0] == "S/2018/80#22"
    assert "S/2018/80#47" in keys(await library.ask("BIMSTEC training", k=3))


async def test_a_report_ingested_later_gets_vectors_and_answers_paraphrases(
    library: Library, report_text
) -> None:
    text = report_text(
        [
            "Member States strengthened aviation security screening at major airports.",
            "The Monitoring Team observed that the group sells stolen cultural artefacts.",
        ]
    )
    await library.ask("warm up", k=1)
    await library.ingest(text.encode(), source="t.txt", symbol="S/2099/1", date=dt.date(2099, 1, 1))
    answer = await library.ask("selling looted antiques report:S/2099/1", k=1)
    assert keys(answer) == ["S/2099/1#2"]


@pytest.mark.parametrize(
    "unusable",
    ["DELETE FROM report_vectors", "UPDATE report_vectors SET model = 'an-older-model'"],
    ids=["from before the layer", "from before a model upgrade"],
)
async def test_a_database_whose_vectors_the_model_cannot_use_is_encoded_once_on_open(
    bundled_db: Path, unusable: str
) -> None:
    """Each report is encoded once, and an older model's vectors, which nothing reads any
    more, do not stay beside the new ones."""
    with sqlite3.connect(bundled_db) as db:
        db.execute(unusable)
    messages: list[str] = []
    async with await Library.open(bundled_db, progress=messages.append) as library:
        assert (await library.ask("kids who were brainwashed", k=5)).hits
    assert any("encoding S/2018/80 for the semantic layer" in m for m in messages)
    with sqlite3.connect(bundled_db) as db:
        models = db.execute("SELECT model, count(*) FROM report_vectors GROUP BY model").fetchall()
    assert [count for _, count in models] == [2]
    assert "an-older-model" not in {model for model, _ in models}
    messages.clear()
    async with await Library.open(bundled_db, progress=messages.append):
        pass
    assert not any("encoding" in m for m in messages)  # stored: never encoded again


async def test_vectors_encoded_on_open_never_overwrite_a_newer_version(
    bundled_db: Path, report_text, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database from before the layer is encoded on open (seconds of CPU); if another process
    replaces a report meanwhile, its vectors (of the new text) stay, not the old text's."""
    first = ["Border guards checked the travel documents of returning fighters.", "Old text."]
    second = [first[0], "Donors funded new schools for children in the camps."]
    async with await Library.open(bundled_db, bootstrap=False) as library:
        await library.ingest(report_text(first).encode(), source="a.txt", symbol="S/2099/1")
    with sqlite3.connect(bundled_db) as db:
        db.execute("DELETE FROM report_vectors WHERE report = 'S/2099/1'")

    encode = Library._encode
    replaced: list[bool] = []

    async def encode_while_another_process_replaces(self, report, known=None):
        if report.meta.symbol == "S/2099/1" and not replaced:
            replaced.append(True)
            async with await Library.open(bundled_db, bootstrap=False) as other:
                text = report_text(second).encode()
                await other.ingest(text, source="b.txt", symbol="S/2099/1")
        return await encode(self, report, known)

    monkeypatch.setattr(Library, "_encode", encode_while_another_process_replaces)
    async with await Library.open(bundled_db, bootstrap=False) as library:
        assert replaced
        assert (await library.ask("schools for kids report:S/2099/1", k=1)).hits
        paragraphs = await library.cite("S/2099/1", 1, 2)
    with sqlite3.connect(bundled_db) as db:
        model, blob = db.execute(
            "SELECT model, data FROM report_vectors WHERE report = 'S/2099/1'"
        ).fetchone()
    assert [p.text for p in paragraphs] == second
    wanted = [text_digest(model, embed_text(p)) for p in paragraphs]
    assert list(ReportVectors.from_bytes(blob).digests) == wanted


def _layer(rows: list[list[float]]) -> SemanticLayer:
    matrix = np.array(rows, dtype=np.float32)
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return SemanticLayer.of_vectors(unit, lambda _q: np.zeros(matrix.shape[1], np.float32), "test")


@settings(max_examples=30, deadline=None)
@given(docs=st.integers(0, 2600), seed=st.integers(0, 2**32 - 1))
def test_similarities_are_the_stored_vectors_dot_the_question(docs: int, seed: int) -> None:
    """Compared a block at a time from int8, every doc (the last, partial block's too) gets its
    stored vector's cosine with the question, as the float32 vectors themselves would give it."""
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((docs, 16)).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    layer = SemanticLayer.of_vectors(vectors, lambda _q: np.zeros(16, np.float32), "test")
    query = vectors[0] if docs else np.ones(16, np.float32) / 4
    stored = layer.vectors(range(docs))
    assert np.allclose(stored, vectors, atol=1 / 127)  # int8: within a step of the original
    assert np.allclose(layer.similarities(query), stored @ query, rtol=1e-5, atol=1e-6)


def test_vector_feedback_lifts_what_the_closest_paragraphs_share() -> None:
    """Rocchio in vector space: the paragraphs closest to the question all lean one way, so one
    leaning that way overtakes one nearer the question's own vector but away from the answers."""
    leaning, away = [1.0, 0.8, 0.0], [1.0, 0.0, 0.6]
    layer = _layer([[1.0, 0.45, 0.0], [1.0, 0.5, 0.0], [1.0, 0.55, 0.0], leaning, away])
    query = np.array([1.0, 0.0, 0.0], np.float32)
    plain = layer.similarities(query)
    moved = with_feedback(layer, query, plain, None)
    assert plain[4] > plain[3]
    assert moved[3] > moved[4]


def test_vector_feedback_learns_only_from_paragraphs_the_filters_allow() -> None:
    layer = _layer([[1.0, 0.0], [1.0, 0.05], [1.0, -0.05], [0.0, 1.0], [0.1, 1.0]])
    query = np.array([0.9, 0.44], np.float32)
    plain = layer.similarities(query)
    allowed = np.array([False, False, False, True, True])
    assert with_feedback(layer, query, plain, allowed)[3] > plain[3]
    assert with_feedback(layer, query, plain, None)[3] < plain[3]


async def test_vector_feedback_changes_the_order_not_the_evidence(library: Library) -> None:
    """The similarity a hit shows (and the weak-answer rule reads) is to the question itself."""
    question = "how is ISIL making money now?"
    answer = await library.ask(question, k=5)
    model = shared_embedder()
    asked = model.encode_query(question)
    paragraphs = model.encode([embed_text(hit.paragraph) for hit in answer.hits])
    for hit, vector in zip(answer.hits, paragraphs, strict=True):
        assert hit.similarity == pytest.approx(float(vector @ asked), abs=0.01)
