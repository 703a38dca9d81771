"""Interchange: JSONL, Label Studio and brat round trips over the five seeds through the store, per-record
errors, and the pure readers and writers of corpus.formats."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from corpus.errors import NewsspanError
from corpus.formats.annotation_files import detect_format, read_annotation_file
from corpus.formats.brat import read_brat, records_to_brat
from corpus.formats.items import ReadOptions
from corpus.formats.jsonl import read_records
from corpus.formats.labelstudio import read_labelstudio, records_to_labelstudio
from corpus.offsets import OffsetError, codepoints_to_utf16, utf16_to_codepoints
from corpus.text import sha256_text
from tests.store_fixtures import PASSWORD
from workbench.store import CLI_USER, ImportFailed


def seed_records(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Records of all four labels on one seed, found by phrase: actors (one linked as speaker), a number,
    a claim and a framing passage; attributes of every type (enum, boolean, list, number, free text)."""
    text, doc_id = document["text"], document["doc_id"]

    def at(start: int, end: int, label: str, attributes: dict, **extra: Any) -> dict:
        return {
            "doc_id": doc_id,
            "start": start,
            "end": end,
            "label": label,
            "attributes": attributes,
            **extra,
        }

    xi = text.index("Xi")
    putin = text.index("Putin")
    number = re.search(r"\d[\d,.]*\d|\d", text)
    sentences = [m for m in re.finditer(r"[A-Z][^.\n“”]{30,200}\.", text)]
    claim, framing = sentences[1], sentences[2]
    return [
        at(
            xi,
            xi + 2,
            "actor",
            {"type": "PER", "mention": "name", "entity_id": ["xi_jinping"], "metonymy": False},
            id="xi",
        ),
        at(
            putin,
            putin + 5,
            "actor",
            {"type": "PER", "mention": "name", "entity_id": ["vladimir_putin"]},
            id="putin",
        ),
        at(number.start(), number.end(), "number", {"value": 7, "bound": "about", "kind": "other"}, id="n1"),
        at(
            claim.start(),
            claim.end() - 1,
            "claim",
            {
                "speaker": "xi",
                "attribution": "indirect",
                "kind": "factual",
                "check_worthy": True,
                "cue": "said so",
            },
            id="c1",
            links=[{"role": "about", "target": "putin"}],
        ),
        at(framing.start(), framing.end() - 1, "framing", {"frame": "Political", "voice": "outlet"}, id="f1"),
    ]


def comparable(records: list[dict[str, Any]]) -> list[tuple]:
    """Records without ids, annotator and timestamps; links compared by the target's offsets."""
    by_id = {(r["doc_id"], r["id"]): (r["start"], r["end"]) for r in records}

    def resolve(doc_id: str, value: Any) -> Any:
        return by_id.get((doc_id, value), value) if isinstance(value, str) else value

    rows = []
    for r in records:
        attributes = {k: resolve(r["doc_id"], v) for k, v in r["attributes"].items()}
        links = [(link["role"], resolve(r["doc_id"], link["target"])) for link in r.get("links") or []]
        rows.append(
            (
                r["doc_id"],
                r["start"],
                r["end"],
                r["span_text"],
                r["label"],
                json.dumps(attributes, sort_keys=True),
                tuple(links),
                r["text_sha256"],
                r["schema_version"],
            )
        )
    return sorted(rows)


@pytest.fixture
def loaded(store, seed_documents):
    store.load_documents(CLI_USER, seed_documents, release="0.1.0")
    for name in ("ana", "ben", "carl"):
        store.create_user(CLI_USER, name, "annotator", PASSWORD)
    return store


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_utf16_offsets_round_trip_with_astral_characters() -> None:
    text = "a😀b👩‍👩‍👧c"
    every = list(range(len(text) + 1))
    assert utf16_to_codepoints(text, codepoints_to_utf16(text, every)) == every
    assert codepoints_to_utf16(text, [2]) == [3]
    with pytest.raises(OffsetError, match="surrogate"):
        utf16_to_codepoints(text, [2])  # inside the surrogate pair


def test_seed_records_round_trip_through_jsonl_labelstudio_and_brat(loaded, seed_documents, tmp_path) -> None:
    store = loaded
    records = [r for d in seed_documents for r in seed_records(d)]
    # JSONL in: minimal records (no span_text, text_sha256, schema_version: filled and checked)
    report = store.import_file(CLI_USER, write_jsonl(tmp_path / "in.jsonl", records), annotator="ana")
    assert report.imported == 25 and report.errors == []
    ana = store.export_records(CLI_USER)
    assert len(ana) == 25 and {r["annotator"] for r in ana} == {"ana"}
    assert {r["label"] for r in ana} == {"actor", "claim", "number", "framing"}
    for r in ana:
        assert (
            seed_documents[[d["doc_id"] for d in seed_documents].index(r["doc_id"])]["text"][
                r["start"] : r["end"]
            ]
            == r["span_text"]
        )

    # JSONL out and in again: identical, so nothing to do
    store.export_file(CLI_USER, tmp_path / "out.jsonl", "jsonl")
    again = store.import_file(CLI_USER, tmp_path / "out.jsonl", annotator="ana")
    assert (again.imported, again.unchanged) == (0, 25)

    # Label Studio out -> in as ben: the same records (ids renamed where ana already uses them)
    store.export_file(CLI_USER, tmp_path / "ls.json", "labelstudio")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert len(tasks) == 5 and all(t["annotations"][0]["result"][0]["type"] == "labels" for t in tasks)
    only_ben = ReadOptions(annotator="ben")  # the file names ana as the annotator: nothing of ben's in it
    report = store.import_file(CLI_USER, tmp_path / "ls.json", annotator="ben", options=only_ben)
    assert report.imported == 0 and only_ben.skipped == {"ana": 5}
    report = store.import_file(CLI_USER, tmp_path / "ls.json", annotator="ben", options=ReadOptions())
    assert report.imported == 25, report.errors
    ben = [r for r in store.export_records(CLI_USER) if r["annotator"] == "ben"]
    assert comparable(ben) == comparable(ana)

    # brat standoff, one .ann + .txt per seed named by source_id -> in as carl
    brat = tmp_path / "brat"
    brat.mkdir()
    for document in seed_documents:
        mine = [r for r in ana if r["doc_id"] == document["doc_id"]]
        (brat / f"{document['source_id']}.ann").write_text(
            records_to_brat(mine, {"speaker"}), encoding="utf-8"
        )
        (brat / f"{document['source_id']}.txt").write_text(document["text"], encoding="utf-8")
    report = store.import_file(CLI_USER, brat, annotator="carl")
    assert report.imported == 25, report.errors
    carl = [r for r in store.export_records(CLI_USER) if r["annotator"] == "carl"]
    assert comparable(carl) == comparable(ana)


def test_labelstudio_offsets_are_code_points_out_and_either_convention_in(
    loaded, seed_documents, tmp_path
) -> None:
    document = {**seed_documents[0], "text": "Xi 😀 met Putin 👩‍👩‍👧 today.", "doc_id": "0123456789abcdef"}
    document["text_sha256"] = sha256_text(document["text"])
    loaded.load_documents(CLI_USER, [document])
    start = document["text"].index("Putin")
    record = {
        "doc_id": document["doc_id"],
        "start": start,
        "end": start + 5,
        "label": "actor",
        "id": "p",
        "attributes": {"type": "PER", "mention": "name"},
        "span_text": "Putin",
        "annotator": "ana",
        "text_sha256": document["text_sha256"],
        "created_at": "2025-01-01T00:00:00Z",
        "schema_version": "1.0.0",
    }
    tasks = records_to_labelstudio([record], {document["doc_id"]: document}, {})
    value = tasks[0]["annotations"][0]["result"][0]["value"]
    assert (value["start"], value["end"]) == (start, start + 5)  # code points, as Label Studio 1.23 counts
    (tmp_path / "ls.json").write_text(json.dumps(tasks), encoding="utf-8")
    report = loaded.import_file(CLI_USER, tmp_path / "ls.json", annotator="ana")
    assert report.imported == 1 and report.offsets == {"codepoints": 1}
    assert loaded.export_records(CLI_USER)[0]["start"] == start

    # an older Label Studio counted UTF-16 code units: the emoji before Putin counts 2
    value.update(start=start + 1, end=start + 6)
    del tasks[0]["meta"]  # a file of Label Studio's own: it does not say whose the annotation is
    (tmp_path / "old.json").write_text(json.dumps(tasks), encoding="utf-8")
    report = loaded.import_file(CLI_USER, tmp_path / "old.json", annotator="ben")
    assert report.imported == 1 and report.offsets == {"utf16": 1}
    assert {r["start"] for r in loaded.export_records(CLI_USER)} == {start}


def test_bad_records_get_per_record_errors_with_file_and_line(loaded, seed_documents, tmp_path) -> None:
    store = loaded
    good = seed_records(seed_documents[0])
    bad_offsets = {
        **good[0],
        "id": "bad1",
        "start": good[0]["start"] + 1,
        "end": good[0]["end"] + 1,
        "span_text": "Xi",
    }
    unknown_label = {**good[1], "id": "bad2", "label": "person"}
    unknown_doc = {**good[2], "id": "bad3", "doc_id": "ffffffffffffffff"}
    lines = [good[0], bad_offsets, good[1], unknown_label, unknown_doc, good[2]]
    path = write_jsonl(tmp_path / "mixed.jsonl", lines)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    with pytest.raises(ImportFailed) as failure:
        store.import_file(CLI_USER, path, annotator="ana")
    errors = failure.value.errors
    assert any(e.startswith(f"{path}:2: span_text") for e in errors), errors
    assert any(e.startswith(f"{path}:4: label") and "person" in e for e in errors), errors
    assert any(e.startswith(f"{path}:5: unknown document 'ffffffffffffffff'") for e in errors), errors
    assert any(e.startswith(f"{path}:7: not valid JSON") for e in errors), errors
    assert len(errors) == 4
    assert store.export_records(CLI_USER) == []  # nothing imported without --partial

    report = store.import_file(CLI_USER, path, annotator="ana", partial=True)
    assert report.imported == 3 and len(report.errors) == 4
    assert sorted(r["id"] for r in store.export_records(CLI_USER)) == ["n1", "putin", "xi"]


def test_partial_import_drops_a_claim_whose_speaker_was_bad(loaded, seed_documents, tmp_path) -> None:
    records = seed_records(seed_documents[0])
    records[0]["label"] = "actress"  # the claim's speaker "xi" is now bad, so the claim cannot link to it
    path = write_jsonl(tmp_path / "speaker.jsonl", records)
    report = loaded.import_file(CLI_USER, path, annotator="ana", partial=True)
    assert {r["label"] for r in loaded.export_records(CLI_USER)} == {"actor", "number", "framing"}
    assert any(":1: label" in e for e in report.errors) and any(
        ":4: attributes.speaker" in e for e in report.errors
    )


def test_labelstudio_and_brat_errors(loaded, seed_documents, tmp_path) -> None:
    store = loaded
    document = seed_documents[0]
    records = seed_records(document)
    for r in records:
        r.update(
            span_text=document["text"][r["start"] : r["end"]],
            annotator="ana",
            text_sha256=document["text_sha256"],
            created_at="2025-01-01T00:00:00Z",
            schema_version="1.0.0",
        )
    tasks = records_to_labelstudio(records, {document["doc_id"]: document}, {})
    tasks[0]["data"]["text"] = document["text"] + " (updated)"  # the spans fit, the document is another
    (tmp_path / "other-text.json").write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    with pytest.raises(ImportFailed, match="differs from document"):
        store.import_file(CLI_USER, tmp_path / "other-text.json", annotator="ana")
    tasks = records_to_labelstudio(records, {document["doc_id"]: document}, {})
    tasks[0]["annotations"][0]["result"][0]["value"]["labels"] = ["villain"]
    results = tasks[0]["annotations"][0]["result"]
    next(r for r in results if r.get("id") == "putin" and r["type"] == "labels")["value"]["end"] += 1
    (tmp_path / "bad.json").write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        store.import_file(CLI_USER, tmp_path / "bad.json", annotator="ana")
    assert any(
        re.match(rf"{re.escape(str(tmp_path / 'bad.json'))}:\d+ \(task 1, region xi\): label", e)
        for e in failure.value.errors
    ), failure.value.errors
    assert "villain" in failure.value.message
    moved = [e for e in failure.value.errors if "region putin" in e]
    assert len(moved) == 1 and "span text 'Putin' matches neither text[" in moved[0], moved

    ann = tmp_path / f"{document['source_id']}.ann"
    ann.write_text(
        "T1\tactor 0 2;5 8\tXi Jin\nT2\tactor 0 3\tXi \nT3\tperson 18 20\tXi\nE1\tx:T1\n", encoding="utf-8"
    )
    with pytest.raises(ImportFailed) as failure:
        store.import_file(CLI_USER, ann, annotator="ana")
    errors = failure.value.errors
    assert any(e.startswith(f"{ann}:1: discontinuous span") for e in errors), errors
    assert any(e.startswith(f"{ann}:3: label") for e in errors), errors
    assert any(e.startswith(f"{ann}:4: unsupported brat line") for e in errors), errors
    (tmp_path / "nowhere.ann").write_text("T1\tactor 0 2\tXi\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="unknown document 'nowhere'"):
        store.import_file(CLI_USER, tmp_path / "nowhere.ann", annotator="ana")
    assert store.export_records(CLI_USER) == []


# -- the pure formats (corpus.formats): no store ------------------------------------------------------------

SPECS = {
    "type": {"type": "string", "enum": ["PER", "ORG"]},
    "metonymy": {"type": "boolean"},
    "entity_id": {"type": "array", "items": {"type": "string"}},
    "value": {"type": "number"},
    "cue": {"type": "string"},
    "speaker": {"type": "string", "x-link": {"label": "actor"}},
}
TEXT = "Xi 😀 met Putin 👩‍👩‍👧 today."
DOCUMENT = {"doc_id": "0123456789abcdef", "text": TEXT, "source_id": "s1", "title": "T"}


def _records() -> list[dict[str, Any]]:
    xi, putin = TEXT.index("Xi"), TEXT.index("Putin")
    base = {"doc_id": DOCUMENT["doc_id"], "annotator": "ana"}
    return [
        {**base, "id": "x", "start": xi, "end": xi + 2, "span_text": "Xi", "label": "actor",
         "attributes": {"type": "PER", "metonymy": False, "entity_id": ["xi_jinping"], "value": 2.5}},
        {**base, "id": "p", "start": putin, "end": putin + 5, "span_text": "Putin", "label": "actor",
         "attributes": {"type": "PER", "cue": "free text", "speaker": "x"}, "links": [{"role": "about", "target": "x"}]},
    ]  # fmt: skip


def test_jsonl_reader_gives_one_item_per_line_with_its_problem(tmp_path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"doc_id": "d", "start": 0}\n\n{"source_id": "s", "start": 1}\n{oops\n[1]\n\xff\n')
    items = read_records(path)
    assert [item.where for item in items] == [f"{path}:{n}" for n in (1, 3, 4, 5, 6)]
    assert items[0].record == {"doc_id": "d", "start": 0} and items[0].source_id is None
    assert items[1].record == {"start": 1} and items[1].source_id == "s"
    assert items[2].record is None and items[2].problems[0].startswith("not valid JSON")
    assert items[3].problems == ["a line must be a JSON object, got list"]
    assert items[4].problems[0].startswith("invalid UTF-8 at byte 0")


def test_labelstudio_writer_and_reader_round_trip_in_code_points(tmp_path) -> None:
    tasks = records_to_labelstudio(_records(), {DOCUMENT["doc_id"]: DOCUMENT}, SPECS)
    (task,) = tasks
    assert task["data"] == {"text": TEXT, "doc_id": DOCUMENT["doc_id"], "source_id": "s1", "title": "T"}
    putin = TEXT.index("Putin")
    first = next(r for r in task["annotations"][0]["result"] if r.get("id") == "p")
    assert (first["value"]["start"], first["value"]["end"]) == (putin, putin + 5)  # code points, 😀 is one
    relations = [r for r in task["annotations"][0]["result"] if r["type"] == "relation"]
    assert relations == [
        {"type": "relation", "from_id": "p", "to_id": "x", "direction": "right", "labels": ["speaker"]},
        {"type": "relation", "from_id": "p", "to_id": "x", "direction": "right", "labels": ["about"]},
    ]
    assert task["meta"] == {"newsspan": {"annotators": {"1": "ana"}}} and "completed_by" not in str(task)
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    items = read_labelstudio(path, SPECS, {"actor": {"speaker"}})
    assert all(item.problems == [] and item.task_text == TEXT for item in items)
    assert [item.offsets for item in items] == ["same", "codepoints"]
    keys = ("id", "start", "end", "span_text", "label", "attributes", "doc_id")
    assert [{k: item.record[k] for k in keys} for item in items] == [
        {k: r[k] for k in keys} for r in _records()
    ]
    assert items[1].record["links"] == [{"role": "about", "target": "x"}]


def test_labelstudio_reader_reports_bad_files_and_spans(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"[\xff]")
    (item,) = read_labelstudio(path, SPECS)
    assert item.record is None and item.problems[0].startswith("invalid UTF-8")
    path.write_text("{not json", encoding="utf-8")
    assert read_labelstudio(path, SPECS)[0].problems[0].startswith("not valid JSON")
    path.write_text('"text"', encoding="utf-8")
    assert read_labelstudio(path, SPECS)[0].problems == [
        "expected a Label Studio export: a JSON list of tasks"
    ]
    tasks = records_to_labelstudio(_records()[:1], {DOCUMENT["doc_id"]: DOCUMENT}, SPECS)
    tasks[0]["annotations"][0]["result"][0]["value"].update(start=4, end=5)  # inside 😀's surrogate pair
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    (item,) = read_labelstudio(path, SPECS)
    assert item.record is None and item.problems == [
        "span text 'Xi' does not match text[4:5] ' ' (as code points)"
    ]
    tasks[0]["annotations"][0]["result"][0]["value"].update(start=40, end=45)
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    assert read_labelstudio(path, SPECS)[0].problems == ["offsets 40-45 do not fit the task text"]
    assert re.match(rf"{re.escape(str(path))}:\d+ \(task 1, region x\)$", item.where)


def test_brat_writer_and_reader_round_trip(tmp_path) -> None:
    ann = tmp_path / f"{DOCUMENT['doc_id']}.ann"
    ann.write_text(records_to_brat(_records(), {"speaker"}), encoding="utf-8")
    (tmp_path / f"{DOCUMENT['doc_id']}.txt").write_text(TEXT, encoding="utf-8")
    assert "R1\tspeaker Arg1:T2 Arg2:T1" in ann.read_text() and "A2\tmetonymy T1 false" in ann.read_text()
    items = read_brat(tmp_path, SPECS, {"speaker"})
    expected = [r["attributes"] for r in _records()]
    expected[1]["speaker"] = "T1"  # a link attribute travels as a relation between T ids
    assert [item.record["attributes"] for item in items] == expected
    assert [item.record["doc_id"] for item in items] == [DOCUMENT["doc_id"]] * 2
    assert items[1].record["links"] == [{"role": "about", "target": "T1"}] and items[0].task_text == TEXT
    ann.write_text("T1\tactor 0 2\tXi\nA1\tvalue T1 many\n", encoding="utf-8")
    assert read_brat(ann, SPECS, set())[1].problems == ["attribute value needs a number, not 'many'"]


def test_the_format_of_a_path_and_missing_files(tmp_path) -> None:
    assert [detect_format(tmp_path / name) for name in ("a.jsonl", "a.json", "a.ann")] == [
        "jsonl",
        "labelstudio",
        "brat",
    ]
    assert detect_format(tmp_path) == "brat"
    with pytest.raises(NewsspanError, match="cannot tell the format"):
        detect_format(tmp_path / "a.txt")
    with pytest.raises(NewsspanError, match="does not exist"):
        read_annotation_file(tmp_path / "missing.jsonl")
