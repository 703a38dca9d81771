"""Label Studio files as the real server writes them (tests/fixtures/labelstudio/, made by
``python -m tests.labelstudio_server`` with Label Studio 1.23.2): read in both offset conventions, through the
store, with no span, label or relation lost or moved.

``ls-1.23-export.json`` is Label Studio's JSON export of two projects: newsspan's export of
``fixture_records()`` imported into it (two annotators, a speaker relation, an ``about`` link, every attribute
type, label names with spaces, commas, brackets and non-ASCII letters, emoji everywhere), and the same text with
three spans marked by hand on Label Studio's labeling page (code points: Label Studio 1.23 counts them).
``ls-utf16-export.json`` is the same export with UTF-16 offsets, as Label Studio before 1.23 wrote them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.formats.items import ReadOptions, link_attributes
from corpus.formats.labelstudio import read_labelstudio
from corpus.scheme import load_labelset
from tests.labelstudio_server import DRAWN, FIXTURES, LABELSET, fixture_documents, fixture_records
from tests.scheme_fixtures import make_document
from tests.store_fixtures import PASSWORD
from workbench.store import CLI_USER

CODE_POINTS = FIXTURES / "ls-1.23-export.json"
UTF16 = FIXTURES / "ls-utf16-export.json"


def spans_of(records: list[dict[str, Any]]) -> list[tuple]:
    """Records as comparable rows: offsets, text, label, attributes and links with targets by offsets."""
    by_id = {(r["doc_id"], r["id"]): (r["start"], r["end"]) for r in records}

    def target(doc_id: str, value: Any) -> Any:
        return by_id.get((doc_id, value), value) if isinstance(value, str) else value

    return sorted(
        (
            r["start"],
            r["end"],
            r["span_text"],
            r["label"],
            json.dumps({k: target(r["doc_id"], v) for k, v in r["attributes"].items()}, sort_keys=True),
            tuple((link["role"], target(r["doc_id"], link["target"])) for link in r.get("links") or []),
        )
        for r in records
    )


def drawn_spans() -> list[tuple]:
    text = next(iter(fixture_documents().values()))["text"]
    rows = []
    for label, phrase in DRAWN:
        start = text.index(phrase)
        rows.append((start, start + len(phrase), phrase, label, "{}", ()))
    return rows


@pytest.fixture
def names_labelset(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWSSPAN_LABELSET", str(LABELSET))
    return load_labelset(LABELSET)


def test_the_fixtures_are_label_studio_exports_in_both_conventions() -> None:
    exported = json.loads(CODE_POINTS.read_text(encoding="utf-8"))
    older = json.loads(UTF16.read_text(encoding="utf-8"))
    assert [task["data"]["text"] for task in exported] == [task["data"]["text"] for task in older]
    # Label Studio's own export: its ids and users, newsspan's annotation ids kept as import_id
    first = exported[0]["annotations"][0]
    assert {"completed_by", "created_at", "import_id", "result"} <= set(first) and first["import_id"] == 1
    hand = exported[-1]["annotations"][0]
    assert hand["import_id"] is None and all(r.get("origin") == "manual" for r in hand["result"])
    text = exported[-1]["data"]["text"]
    putin = next(r for r in hand["result"] if r["value"]["text"] == "Putin")["value"]
    assert text[putin["start"] : putin["end"]] == "Putin"  # marked by hand after 😀: code points
    old = next(r for r in older[-1]["annotations"][0]["result"] if r["value"]["text"] == "Putin")["value"]
    assert old["start"] == putin["start"] + 1  # UTF-16: 😀 counts two


@pytest.mark.parametrize("path", [CODE_POINTS, UTF16], ids=["code-points", "utf16"])
def test_reading_either_convention_gives_the_same_spans(path: Path, names_labelset) -> None:
    specs = names_labelset.attribute_specs()
    items = read_labelstudio(path, specs, link_attributes(names_labelset), ReadOptions(annotator="ana"))
    assert all(item.problems == [] for item in items), [item.problems for item in items if item.problems]
    bases = {item.offsets for item in items}
    assert bases == ({"same", "codepoints"} if path == CODE_POINTS else {"same", "utf16"})
    records = [{**item.record, "annotator": "ana"} for item in items]
    ana = [r for r in fixture_records() if r["annotator"] == "ana"]
    assert spans_of(records) == sorted(spans_of(ana) + drawn_spans())


@pytest.mark.parametrize("path", [CODE_POINTS, UTF16], ids=["code-points", "utf16"])
def test_label_studio_files_import_into_the_store_unmoved(store, names_labelset, path: Path) -> None:
    documents = [make_document(d["text"], source_id=d["source_id"]) for d in fixture_documents().values()]
    store.load_documents(CLI_USER, documents)
    for name in ("ana", "ben"):
        store.create_user(CLI_USER, name, "annotator", PASSWORD)
    ana = store.import_file(CLI_USER, path, annotator="ana")
    ben = store.import_file(CLI_USER, path, annotator="ben")
    assert (ana.imported, ben.imported, ana.errors, ben.errors) == (10, 4, [], [])
    convention = "codepoints" if path == CODE_POINTS else "utf16"
    assert ana.offsets[convention] > 0 and set(ana.offsets) <= {"same", convention}
    stored = store.export_records(CLI_USER)
    for record in stored:
        text = next(d["text"] for d in documents if d["doc_id"] == record["doc_id"])
        assert text[record["start"] : record["end"]] == record["span_text"]
    expected = {name: [r for r in fixture_records() if r["annotator"] == name] for name in ("ana", "ben")}
    for name in ("ana", "ben"):  # the hand-marked annotation names no annotator: both take it
        mine = [r for r in stored if r["annotator"] == name]
        assert spans_of(mine) == sorted(spans_of(expected[name]) + drawn_spans())
