"""Source offsets (issue #15): every change ingest makes to an article is recorded, and offsets counted in the
original file map to the stored text and back, exactly, through ``corpus.provenance``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.documents import build_document
from corpus.formats.items import Item
from corpus.provenance import (
    OffsetMappingError,
    apply_edits,
    item_to_stored,
    normalize_source,
    source_length,
    source_span_text,
    stored_span_text,
    to_source,
    to_stored,
)
from corpus.readers import read_jsonl, read_txt
from corpus.text import normalize_newlines

# A BOM, CRLF and lone-CR line endings, an emoji (one code point), a boilerplate line cleaning removes (with the
# blank line after it) and trailing whitespace.
SOURCE = (
    "\ufeffPutin met Xi in Moscow.\r\n"
    "Share this article on Facebook\r\n"
    "\r\n"
    "Xi said trade grew 😀 by 5%.\rThe talks\r\nwent on.  \r\n"
)


def document_of(tmp_path: Path, source: str, name: str = "article.txt", *, clean: bool = True) -> dict:
    path = tmp_path / name
    path.write_bytes(source.encode("utf-8"))
    (article,) = list(read_txt(path))
    return build_document(article, clean=clean)


def as_raw(source: str, index: int) -> str:
    """What one source character is in the raw text (an independent statement of the rules)."""
    char = source[index]
    if index == 0 and char == "\ufeff":
        return ""
    if char == "\r":
        return "" if source[index + 1 : index + 2] == "\n" else "\n"
    return char


def test_normalize_source_records_the_bom_and_every_carriage_return() -> None:
    raw, edits = normalize_source(SOURCE, drop_bom=True)
    assert raw == normalize_newlines(SOURCE[1:])  # the same raw text as before provenance existed
    assert apply_edits(SOURCE, edits) == raw
    assert [(e.start, e.original, e.replacement, e.reason) for e in edits[:2]] == [
        (0, "\ufeff", "", "byte-order mark"),
        (SOURCE.index("\r"), "\r", "", "CRLF line ending"),
    ]
    lone = SOURCE.index("\rThe")
    assert any(e.start == lone and e.replacement == "\n" and e.reason == "CR line ending" for e in edits)
    assert all(SOURCE[e.start : e.end] == e.original for e in edits)
    _, kept = normalize_source(SOURCE, drop_bom=False)  # a JSONL/CSV value keeps a leading BOM
    assert kept[0].reason == "CRLF line ending"


def test_ingest_records_source_edits_and_keeps_doc_id(tmp_path: Path) -> None:
    document = document_of(tmp_path, SOURCE)
    assert document["raw_text"] == normalize_newlines(SOURCE[1:])
    assert [edit["reason"] for edit in document["source_edits"]][0] == "byte-order mark"
    assert source_length(document) == len(SOURCE)
    assert document["removed"], "cleaning removed the share line"
    # --no-clean still records the BOM and the line endings
    raw = document_of(tmp_path, SOURCE, "raw.txt", clean=False)
    assert raw["text"] == raw["raw_text"] and raw["removed"] == []
    assert raw["source_edits"] == document["source_edits"] and raw["doc_id"] == document["doc_id"]


def test_a_plain_lf_file_has_no_source_edits(tmp_path: Path) -> None:
    document = document_of(tmp_path, "Plain text.\nSecond line.\n")
    assert document["source_edits"] == []


def test_jsonl_values_record_their_line_endings_but_keep_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "\ufeffFirst\r\nsecond"}) + "\n", encoding="utf-8")
    (article,) = list(read_jsonl(path))
    assert article.text == "\ufeffFirst\nsecond"
    assert [edit["reason"] for edit in article.source_edits] == ["CRLF line ending"]


def test_every_source_span_outside_removed_text_lands_on_the_same_characters(tmp_path: Path) -> None:
    document = document_of(tmp_path, SOURCE)
    text = document["text"]
    mapped = refused = 0
    for start in range(len(SOURCE) + 1):
        for end in range(start, len(SOURCE) + 1):
            try:
                s, e = to_stored(document, start, end)
            except OffsetMappingError as error:
                assert "cleaning removed" in error.what or "only characters ingest dropped" in error.what
                refused += 1
                continue
            mapped += 1
            # the stored characters are the source's, less the dropped BOM and CRs (a lone CR reads as \n)
            assert text[s:e] == stored_span_text(document, start, end, SOURCE[start:end])
            assert text[s:e] == "".join(as_raw(SOURCE, i) for i in range(start, end))
    assert mapped and refused


def test_round_trip_stored_source_stored_is_the_identity(tmp_path: Path) -> None:
    for clean in (True, False):
        document = document_of(tmp_path, SOURCE, f"rt{clean}.txt", clean=clean)
        text = document["text"]
        crossing = 0
        for start in range(len(text) + 1):
            for end in range(start, len(text) + 1):
                try:
                    source = to_source(document, start, end)
                except OffsetMappingError as error:
                    assert "crosses text that cleaning removed" in error.what
                    crossing += 1
                    continue
                assert to_stored(document, *source) == (start, end)
                source_text = source_span_text(document, *source, text[start:end])
                assert source_text == SOURCE[source[0] : source[1]]
        assert (crossing > 0) == clean  # only spans over the removed share line have no source range


def test_spans_in_removed_or_dropped_text_and_out_of_range_are_refused(tmp_path: Path) -> None:
    document = document_of(tmp_path, SOURCE)
    share = SOURCE.index("Share")
    with pytest.raises(OffsetMappingError, match=r"falls in text that cleaning removed \(share widget"):
        to_stored(document, share, share + 5)
    with pytest.raises(OffsetMappingError, match="only characters ingest dropped"):
        to_stored(document, 0, 1)  # the BOM alone
    with pytest.raises(OffsetMappingError, match="not a span of the source text"):
        to_stored(document, 5, len(SOURCE) + 1)
    with pytest.raises(OffsetMappingError, match="not a span of the stored text"):
        to_source(document, 3, 2)


def test_an_item_is_mapped_or_refused_with_its_file_and_line(tmp_path: Path) -> None:
    document = document_of(tmp_path, SOURCE)
    start = SOURCE.index("Xi said")
    record = {"doc_id": document["doc_id"], "start": start, "end": start + 26, "label": "claim"}
    record["span_text"] = SOURCE[start : start + 26]
    found = {document["doc_id"]: document}.get
    item = item_to_stored(Item("spans.jsonl:1", dict(record)), found)
    assert item.problems == []
    stored = item.record
    assert (
        document["text"][stored["start"] : stored["end"]]
        == stored["span_text"]
        == "Xi said trade grew 😀 by 5%"
    )
    share = SOURCE.index("Share")
    bad = item_to_stored(Item("spans.jsonl:2", {**record, "start": share, "end": share + 5}), found)
    assert bad.record is None and bad.where == "spans.jsonl:2" and "cleaning removed" in bad.problems[0]
    unknown = item_to_stored(Item("spans.jsonl:3", {**record, "doc_id": "0" * 16}), found)
    assert unknown.record is None and "unknown document" in unknown.problems[0]
    # a Label Studio / brat item carrying its text: the source text is checked, then replaced by the stored one
    task = item_to_stored(Item("tasks.json:1", dict(record), task_text=SOURCE), found)
    assert task.problems == [] and task.task_text == document["text"]
    other = item_to_stored(Item("tasks.json:2", dict(record), task_text=SOURCE.replace("\r\n", "\n")), found)
    assert other.record is None and "not the source text" in other.problems[0]


# --- through the command line: ingest, release, store, import --offsets source, export --offsets source ----

BOM_ARTICLE = (
    "\ufeffVladimir Putin met Xi Jinping in Moscow on Thursday.\nXi said trade grew by 5% this year.\n"
)
CRLF_ARTICLE = (
    "Xi Jinping arrived in Moscow.\r\n"
    "How did you feel after reading this article?\r\n"
    "\r\n"
    "Putin said the talks went well.\r\n"
)
PASSWORD = "correct horse battery staple"


def newsspan(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args],
        cwd=home, input=stdin, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NEWSSPAN_HOME": str(home)},
    )  # fmt: skip
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def public_corpus_span(name: str, source: str, phrase: str, label: str, attributes: dict) -> dict:
    """A span as a public corpus counts it: over the file as Python reads it without newline translation, the
    BOM one code point."""
    start = source.index(phrase)
    return {"source_id": name, "start": start, "end": start + len(phrase), "span_text": phrase, "label": label,
            "attributes": attributes}  # fmt: skip


ACTOR = {"type": "PER", "mention": "name"}
CLAIM = {"attribution": "indirect", "kind": "factual", "check_worthy": True}


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    """A project with a BOM file and a CRLF file (with a reader poll cleaning removes) ingested, released and
    loaded into the store, and an annotator."""
    home = tmp_path / "project"
    articles = home / "articles"
    articles.mkdir(parents=True)
    (articles / "bom.txt").write_bytes(BOM_ARTICLE.encode("utf-8"))
    (articles / "crlf.txt").write_bytes(CRLF_ARTICLE.encode("utf-8"))
    for step in (("ingest", str(articles)), ("release", "build", "0.1.0"), ("store", "load-release")):
        assert newsspan(*step, home=home).returncode == 0
    assert newsspan("user", "add", "ana", home=home, stdin=f"{PASSWORD}\n{PASSWORD}\n").returncode == 0
    return home


def test_import_with_source_offsets_lands_on_exactly_the_right_text(loaded: Path) -> None:
    spans = [
        public_corpus_span("bom", BOM_ARTICLE, "Vladimir Putin", "actor", ACTOR),
        public_corpus_span("bom", BOM_ARTICLE, "trade grew by 5% this year", "claim", CLAIM),
        public_corpus_span("crlf", CRLF_ARTICLE, "Xi Jinping", "actor", ACTOR),
        public_corpus_span("crlf", CRLF_ARTICLE, "the talks went well", "claim", CLAIM),
        public_corpus_span("crlf", CRLF_ARTICLE, "Xi Jinping arrived in Moscow.\r\n", "claim", CLAIM),
    ]
    path = loaded / "spans.jsonl"
    path.write_text("".join(json.dumps(span, ensure_ascii=False) + "\n" for span in spans), encoding="utf-8")
    # counted as stored offsets, every span in the BOM and CRLF files is off
    stored = newsspan("import", str(path), "--annotator", "ana", home=loaded)
    assert stored.returncode == 1 and "does not match" in stored.stderr

    result = newsspan("import", str(path), "--annotator", "ana", "--offsets", "source", home=loaded)
    assert result.returncode == 0, result.stderr
    assert "imported 5 record(s)" in result.stdout
    documents = {
        d["source_id"]: d
        for d in map(json.loads, (loaded / "data/corpus/documents.jsonl").read_text().splitlines())
    }
    out = loaded / "export.jsonl"
    assert newsspan("export", str(out), home=loaded).returncode == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_text = {record["span_text"]: record for record in records}
    for span in spans:
        document = documents[span["source_id"]]
        record = by_text[normalize_newlines(span["span_text"])]
        assert record["doc_id"] == document["doc_id"]
        assert document["text"][record["start"] : record["end"]] == record["span_text"]
    bom = by_text["Vladimir Putin"]
    assert (bom["start"], bom["end"]) == (0, 14), "the BOM counted in the file is not in the stored text"

    # and back: export --offsets source gives the corpus's own offsets and span texts
    source_out = loaded / "source.jsonl"
    assert newsspan("export", str(source_out), "--offsets", "source", home=loaded).returncode == 0
    back = {
        (r["doc_id"], r["start"], r["end"], r["span_text"])
        for r in map(json.loads, source_out.read_text(encoding="utf-8").splitlines())
    }
    assert back == {
        (documents[s["source_id"]]["doc_id"], s["start"], s["end"], s["span_text"]) for s in spans
    }


def test_a_span_inside_removed_text_is_refused_per_record(loaded: Path) -> None:
    good = public_corpus_span("crlf", CRLF_ARTICLE, "Putin", "actor", ACTOR)
    poll = public_corpus_span("crlf", CRLF_ARTICLE, "How did you feel", "claim", CLAIM)
    bom = {
        **public_corpus_span("bom", BOM_ARTICLE, "V", "actor", ACTOR),
        "start": 0,
        "end": 1,
        "span_text": "\ufeff",
    }
    path = loaded / "spans.jsonl"
    path.write_text("".join(json.dumps(span) + "\n" for span in (good, poll, bom)), encoding="utf-8")
    result = newsspan("import", str(path), "--annotator", "ana", "--offsets", "source", home=loaded)
    assert result.returncode == 1 and "nothing imported" in result.stderr
    assert f"{path}:2: source span" in result.stderr and "cleaning removed (reader poll" in result.stderr
    assert f"{path}:3: source span 0..1 holds only characters ingest dropped" in result.stderr
    partial = newsspan(
        "import", str(path), "--annotator", "ana", "--offsets", "source", "--partial", home=loaded
    )
    assert partial.returncode == 0 and "imported 1 record(s)" in partial.stdout


def test_unknown_offsets_basis_is_one_clear_line(loaded: Path) -> None:
    result = newsspan("import", "x.jsonl", "--annotator", "ana", "--offsets", "utf16", home=loaded)
    assert result.returncode == 1 and "unknown --offsets 'utf16'" in result.stderr
