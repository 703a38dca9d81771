"""Label names are the dataset's own: any 1 to 128 characters without control characters (``PER``, ``B-Loc``,
``Cause-Effect``, ``Appeal to fear``, ``Claim,Opinion``, ``Äußerung [zitiert]``) work in the label set, validation,
features and Parquet, every export and import (brat maps them to types it can hold, and back), the workbench's
label bar and hotkeys (assigned when the label set gives none), ``init --labelset-from`` and ``--label-map``;
messages print names and patterns literally."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpus.errors import NewsspanError
from corpus.features import annotation_features, annotation_row
from corpus.formats.brat import brat_types, read_brat
from corpus.formats.items import link_attributes, parse_pairs
from corpus.scheme import load_labelset, validate_record
from corpus.scheme.labelset import RESERVED_HOTKEYS, assign_hotkeys
from tests.labelstudio_server import FIXTURES, LABELSET, fixture_documents, fixture_records
from tests.scheme_fixtures import make_document, make_record
from tests.store_fixtures import PASSWORD
from tests.test_labelstudio_fixtures import spans_of
from workbench.cli import app
from workbench.span_component.protocol import ACCEPT_KEY, REJECT_KEY, label_specs
from workbench.store import CLI_USER, ImportFailed

NAMES = ["PER", "B-Loc", "Cause-Effect", "Appeal to fear", "Claim,Opinion", "Äußerung [zitiert]"]
runner = CliRunner()


def run(*args: str, code: int = 0, input: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == code, (args, result.output, result.exception)
    return result.output


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWSSPAN_LABELSET", str(LABELSET))
    return load_labelset(LABELSET)


def _with_labels(tmp_path: Path, labels: list[dict[str, Any]]) -> Path:
    data = json.loads(LABELSET.read_text(encoding="utf-8"))
    data["labels"] = labels
    path = tmp_path / "names.labelset.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# -- the label set -------------------------------------------------------------------------------------------


def test_dataset_label_names_load_validate_and_get_hotkeys(names) -> None:
    assert names.names == NAMES
    keys = {label.name: label.hotkeys for label in names.labels}
    assert keys["Appeal to fear"] == ["4", "a"] and keys["Claim,Opinion"] == ["5", "i"]
    assert len(names.hotkeys()) == 12  # every key once
    document = make_document("They spoke of an Appeal to fear, said the Claim,Opinion desk.")
    record = make_record(document, "Appeal to fear", "Appeal to fear", {"intensity": "low"})
    assert validate_record(record, document) == []
    wrong = make_record(document, "Appeal to fear", "appeal to fear", {})
    assert any("did you mean 'Appeal to fear'" in p for p in validate_record(wrong, document))


def test_hotkeys_are_assigned_around_given_and_reserved_keys() -> None:
    labels = [
        {"name": "PER", "hotkeys": ["1", "p"]},
        {"name": "Person"},  # its letters p, e, r: p is PER's, e edits a selected span
        {"name": "No key", "hotkeys": []},  # an empty list: no hotkey wanted
        {"name": "xy"},  # x and y accept and reject a suggestion: never assigned
        *({"name": f"label {n}"} for n in range(12)),
    ]
    keys = assign_hotkeys(labels)
    assert keys[:4] == [["1", "p"], ["2", "r"], [], ["3"]]  # "xy" has no free letter: a digit only
    assert keys[4:7] == [["4", "a"], ["5", "b"], ["6"]]  # a free letter of the name (l links)
    assert keys[10] == ["0"] and keys[11:] == [["c"], ["d"], ["f"], ["g"], ["h"]]  # then any free letter
    every = [key for group in keys for key in group]
    assert len(every) == len(set(every)) and not set(RESERVED_HOTKEYS) & set(every)
    assert {ACCEPT_KEY, REJECT_KEY} <= set(RESERVED_HOTKEYS)


def test_the_label_bar_shows_names_with_spaces_and_their_keys(names) -> None:
    specs = label_specs(names)
    assert [(s["name"], s["hotkeys"]) for s in specs][3:5] == [
        ("Appeal to fear", ["4", "a"]),
        ("Claim,Opinion", ["5", "i"]),
    ]


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("", "should be non-empty"),
        ("x" * 129, "is too long"),
        ("tab\there", "does not match"),
        (" PER", "starts or ends with a space"),
    ],
)
def test_names_that_break_files_are_refused(tmp_path: Path, name: str, what: str) -> None:
    path = _with_labels(tmp_path, [{"name": name, "description": "d", "color": "#000000"}])
    with pytest.raises(NewsspanError, match=what):
        load_labelset(path)
    assert load_labelset(
        _with_labels(tmp_path, [{"name": "x" * 128, "description": "d", "color": "#000000"}])
    )


def test_features_and_parquet_keep_the_names(names, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasets import load_dataset

    features = annotation_features(names)
    assert features["label"].names == NAMES
    document = fixture_documents()[next(iter(fixture_documents()))]
    rows = []
    for record in fixture_records():
        full = {**record, "text_sha256": document["text_sha256"], "created_at": "2025-01-01T00:00:00Z"}
        rows.append(annotation_row({**full, "layer": "annotation", "schema_version": "1.0.0"}, names))
    table = pa.Table.from_pylist(rows, schema=features.arrow_schema)
    (tmp_path / "data").mkdir()
    pq.write_table(table, tmp_path / "data" / "train.parquet")
    loaded = load_dataset(str(tmp_path / "data"), split="train", cache_dir=str(tmp_path / "cache"))
    label = loaded.features["label"]
    assert [label.int2str(row["label"]) for row in loaded] == [r["label"] for r in fixture_records()]


def test_parse_pairs_reads_arguments_and_json_files(tmp_path: Path) -> None:
    assert parse_pairs(["a=b", "Appeal_to_fear=Appeal to fear"], "--label-map") == {
        "a": "b",
        "Appeal_to_fear": "Appeal to fear",
    }
    (tmp_path / "map.json").write_text(json.dumps({"x=y": "Claim,Opinion"}), encoding="utf-8")
    assert parse_pairs([str(tmp_path / "map.json")], "--label-map") == {"x=y": "Claim,Opinion"}
    with pytest.raises(NewsspanError, match="is not OLD=NEW"):
        parse_pairs(["nothing"], "--label-map")


# -- brat ----------------------------------------------------------------------------------------------------


def test_brat_types_map_names_reversibly() -> None:
    types = brat_types(["Claim,Opinion", "Claim_Opinion", "Appeal to fear", "PER", "Äußerung [zitiert]", ","])
    assert types == {
        "Claim_Opinion": "Claim_Opinion",  # a name brat can hold keeps it; the mapped one gets a suffix
        "PER": "PER",
        "Claim,Opinion": "Claim_Opinion_2",
        "Appeal to fear": "Appeal_to_fear",
        "Äußerung [zitiert]": "Äußerung_zitiert",
        ",": "label",
    }
    assert len(set(types.values())) == len(types)


@pytest.fixture
def loaded(store, names, tmp_path):
    documents = [make_document(d["text"], source_id=d["source_id"]) for d in fixture_documents().values()]
    store.load_documents(CLI_USER, documents)
    for name in ("ana", "ben", "carl", "dora"):
        store.create_user(CLI_USER, name, "annotator", PASSWORD)
    for name in ("ana", "ben"):
        path = tmp_path / f"{name}.jsonl"  # not beside the database: on PostgreSQL that is the working folder
        mine = [r for r in fixture_records() if r["annotator"] == name]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in mine), encoding="utf-8")
        assert store.import_file(CLI_USER, path, annotator=name).imported == len(mine)
    return store


def test_brat_export_and_import_lose_and_move_nothing(loaded, names, tmp_path: Path) -> None:
    before = loaded.export_records(CLI_USER)
    assert loaded.export_file(CLI_USER, tmp_path / "brat", "brat") == len(before)
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "# newsspan-map\tlabel\tAppeal_to_fear\tAppeal to fear" in conf
    assert "speaker Arg1:Claim_Opinion, Arg2:PER" in conf and "about Arg1:<ENTITY>, Arg2:<ENTITY>" in conf
    assert "Appeal_to_fear | Appeal to fear" in (tmp_path / "brat" / "visual.conf").read_text(
        encoding="utf-8"
    )
    ana = sorted((tmp_path / "brat" / "ana").iterdir())
    assert [p.suffix for p in ana] == [".ann", ".txt", ".ann", ".txt"]  # the document without spans too
    ann = next(p for p in ana if p.suffix == ".ann" and p.read_text(encoding="utf-8")).read_text(
        encoding="utf-8"
    )
    types = [line.split("\t")[1].split()[0] for line in ann.splitlines() if line.startswith("T")]
    assert "Claim_Opinion" in types and not any(" " in t or "," in t for t in types)
    assert any(line.startswith("R") and "\tspeaker Arg1:T" in line for line in ann.splitlines())
    with pytest.raises(
        ImportFailed, match=r"no \.ann file in this folder: import one annotator's folder of it \(ana, ben\)"
    ):
        loaded.import_file(CLI_USER, tmp_path / "brat", annotator="carl")
    # in again as other annotators: the same spans, labels, attributes and relations
    for source, target in (("ana", "carl"), ("ben", "dora")):
        report = loaded.import_file(CLI_USER, tmp_path / "brat" / source, annotator=target)
        assert report.errors == [] and report.imported == len([r for r in before if r["annotator"] == source])
    after = loaded.export_records(CLI_USER)
    for source, target in (("ana", "carl"), ("ben", "dora")):
        assert spans_of([r for r in after if r["annotator"] == target]) == spans_of(
            [r for r in before if r["annotator"] == source]
        )


def test_brat_spans_over_line_breaks_keep_their_text(tmp_path: Path, names) -> None:
    text = "First line ends\nand the next 😀 goes on."
    document = {"doc_id": "00000000000000aa", "text": text}
    start, end = text.index("ends"), text.index("next") + 4
    record = {
        "id": "a",
        "doc_id": "00000000000000aa",
        "start": start,
        "end": end,
        "span_text": text[start:end],
    }
    record.update(label="Appeal to fear", attributes={}, annotator="ana")
    from corpus.formats.brat import brat_files

    for name, content in brat_files([record], {"00000000000000aa": document}, names).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    assert "\tends and the next" in (tmp_path / "ana" / "00000000000000aa.ann").read_text(encoding="utf-8")
    (item,) = read_brat(tmp_path / "ana", names.attribute_specs(), link_attributes(names))
    assert item.record["span_text"] == text[start:end] and item.record["label"] == "Appeal to fear"


# -- Label Studio and the CLI ---------------------------------------------------------------------------------


def test_label_studio_export_has_every_document_and_a_labeling_config(loaded, tmp_path: Path) -> None:
    loaded.export_file(CLI_USER, tmp_path / "ls.json", "labelstudio")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert len(tasks) == 2 and sorted(len(t["annotations"]) for t in tasks) == [0, 2]
    assert all("completed_by" not in a for t in tasks for a in t["annotations"])
    config = (tmp_path / "label_config.xml").read_text(encoding="utf-8")
    assert '<Label value="Claim,Opinion"' in config and '<Relation value="speaker"/>' in config
    assert '<Label value="Äußerung [zitiert]"' in config
    import xml.etree.ElementTree as ET

    ET.fromstring(config)  # well-formed


def test_cli_import_label_map_and_offsets_report(project, loaded, store_url, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    ana = [r for r in fixture_records() if r.pop("annotator") == "ana"]
    records = [{**r, "label": r["label"].replace(" ", "_")} for r in ana]
    path = tmp_path / "renamed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    bad = runner.invoke(app, ["import", str(path), "--annotator", "carl"])
    assert bad.exit_code == 1 and "'Appeal_to_fear' is not a label" in bad.output
    (tmp_path / "map.json").write_text(json.dumps({"Äußerung_[zitiert]": "Äußerung [zitiert]"}), "utf-8")
    label_maps = ["--label-map", "Appeal_to_fear=Appeal to fear", "--label-map", str(tmp_path / "map.json")]
    out = run("import", str(path), "--annotator", "carl", *label_maps)
    assert "imported 7 record(s) for carl" in out
    out = run(
        "import", str(FIXTURES / "ls-utf16-export.json"), "--annotator", "dora", "--from-annotator", "ben"
    )
    assert "imported 4 record(s) for dora" in out
    assert "Label Studio offsets read:" in out and "UTF-16 code units (older Label Studio)" in out
    out = run(
        "export",
        str(tmp_path / "ls" / "all.json"),
        "--format",
        "labelstudio",
        "--annotator-emails",
        "ana=a@b.org",
    )
    assert "label_config.xml" in out and (tmp_path / "ls" / "label_config.xml").exists()
    tasks = json.loads((tmp_path / "ls" / "all.json").read_text(encoding="utf-8"))
    owners = [a.get("completed_by") for t in tasks for a in t["annotations"]]
    assert {"email": "a@b.org"} in owners and None in owners
    assert "wrote" in run("export", str(tmp_path / "brat"), "--format", "brat")
    assert (tmp_path / "brat" / "annotation.conf").exists()


@pytest.mark.parametrize("source", ["jsonl", "labelstudio", "brat"])
def test_init_labelset_from_an_import_file(project, names, tmp_path: Path, source: str, monkeypatch) -> None:
    if source == "jsonl":
        path = tmp_path / "spans.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in fixture_records()), "utf-8")
    elif source == "labelstudio":
        path = FIXTURES / "ls-1.23-export.json"
    else:
        from corpus.formats.annotation_files import export_files

        files = export_files(fixture_records(), "brat", "brat", fixture_documents(), names)
        for name, content in files.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(content, encoding="utf-8")
        path = tmp_path / "brat"  # the export's top folder: the labels of every annotator's folder
    monkeypatch.delenv("NEWSSPAN_LABELSET")
    out = run("init", "--labelset-from", str(path))
    assert "label set of" in out and "Appeal to fear (" in out
    written = json.loads((project / "labelset.json").read_text(encoding="utf-8"))
    assert sorted(label["name"] for label in written["labels"]) == sorted(NAMES)
    assert all("hotkeys" not in label for label in written["labels"])
    from corpus.scheme import default_labelset

    assert default_labelset().names == [label["name"] for label in written["labels"]]
    assert all(label.hotkeys for label in default_labelset().labels)  # assigned on load


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it: errors go through corpus.cli_support.run_cli."""
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def test_init_labelset_from_refuses_names_that_break_files(project, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"doc_id": "0" * 16, "label": " PER", "start": 0, "end": 1}) + "\n", "utf-8")
    result = cli("init", "--labelset-from", str(path), cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "labels[0].name: label name ' PER' starts or ends with a space" in result.stderr
    assert not (project / "labelset.json").exists()


def test_messages_print_patterns_and_names_literally(project, tmp_path: Path) -> None:
    data = copy.deepcopy(json.loads(LABELSET.read_text(encoding="utf-8")))
    data["labels"][0]["name"] = "[PER]\tperson"
    bad = tmp_path / "bad.labelset.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = cli("init", "--labelset", str(bad), cwd=project)
    assert result.returncode == 1
    assert "'[PER]\\tperson' does not match '^[^\\\\u0000-" in result.stderr, result.stderr  # brackets kept
    document = make_document("Xi met Putin.")
    record = make_record(document, "Xi", "actor", {"type": "PER", "mention": "name"}, id="not an id!")
    (tmp_path / "records.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "docs.jsonl").write_text(json.dumps(document) + "\n", encoding="utf-8")
    documents = ["--documents", str(tmp_path / "docs.jsonl")]
    result = cli("schema", "validate", str(tmp_path / "records.jsonl"), *documents, cwd=project)
    assert result.returncode == 1 and "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$" in result.stdout, result.stdout
