"""Round trips through a real Label Studio server (1.23, from the optional venv of ``make labelstudio``).

newsspan -> Label Studio -> newsspan: the store's export (with emoji in the text, label names with spaces,
commas and brackets, two annotators, a speaker relation and an ``about`` link, a document without spans) goes
into a project made with the exported ``label_config.xml`` through Label Studio's API, comes back out as Label
Studio's own JSON export and into a new store: no span, label, attribute or relation is lost or moved.

Label Studio -> newsspan -> Label Studio: spans marked by hand on Label Studio's labeling page after emoji go
into newsspan and out again into a second project; Label Studio's two exports hold the same spans.

Skipped, with the reason, when .venv-labelstudio is absent (``make test`` does not need it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.formats.items import ReadOptions
from tests.labelstudio_server import (
    EMAIL,
    LABELSET,
    LabelStudio,
    LabelStudioError,
    fixture_documents,
    fixture_records,
    missing_reason,
)
from tests.scheme_fixtures import make_document
from tests.store_fixtures import PASSWORD
from tests.test_labelstudio_fixtures import spans_of
from workbench.store import CLI_USER, Store, open_store
from workbench.store.engine import dispose_engine

pytestmark = [
    pytest.mark.labelstudio,
    pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason())),
]


@pytest.fixture(scope="module")
def server():
    with LabelStudio() as running:
        yield running


@pytest.fixture
def names_labelset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSSPAN_LABELSET", str(LABELSET))


def new_store(path: Path) -> Store:
    """A SQLite store with the fixture documents and the annotators ana and ben."""
    store = open_store(f"sqlite:///{path}")
    documents = [make_document(d["text"], source_id=d["source_id"]) for d in fixture_documents().values()]
    store.load_documents(CLI_USER, documents)
    for name in ("ana", "ben"):
        store.create_user(CLI_USER, name, "annotator", PASSWORD)
    return store


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def results(tasks: list[dict[str, Any]]) -> list[tuple]:
    """Every span and relation of a Label Studio export, by text and offsets (ids and users left out)."""
    rows = []
    for task in tasks:
        text = task["data"]["text"]
        for annotation in task["annotations"]:
            regions = {r["id"]: r for r in annotation["result"] if r["type"] == "labels"}
            for result in annotation["result"]:
                value = result.get("value", {})
                if result["type"] == "labels":
                    span = text[value["start"] : value["end"]]
                    rows.append(
                        ("span", value["start"], value["end"], span, value["text"], tuple(value["labels"]))
                    )
                elif result["type"] == "relation":
                    source, target = regions[result["from_id"]]["value"], regions[result["to_id"]]["value"]
                    rows.append(("relation", source["start"], target["start"], tuple(result["labels"])))
    return sorted(rows)


def test_newsspan_to_label_studio_and_back_loses_and_moves_nothing(server, names_labelset, tmp_path) -> None:
    store = new_store(tmp_path / "first.sqlite")
    records = fixture_records()
    for name in ("ana", "ben"):
        mine = [r for r in records if r["annotator"] == name]
        assert store.import_file(
            CLI_USER, write_jsonl(tmp_path / f"{name}.jsonl", mine), annotator=name
        ).imported
    before = store.export_records(CLI_USER)
    # ana is a Label Studio user (its admin): her annotation is completed by her there
    store.export_file(CLI_USER, tmp_path / "out" / "ls.json", "labelstudio", annotator_emails={"ana": EMAIL})
    tasks = json.loads((tmp_path / "out" / "ls.json").read_text(encoding="utf-8"))
    config = (tmp_path / "out" / "label_config.xml").read_text(encoding="utf-8")
    assert len(tasks) == 2 and [len(t["annotations"]) for t in tasks].count(0) == 1  # the empty document too

    project = server.create_project("newsspan round trip", config)  # Label Studio checks the config
    answer = server.import_tasks(project, tasks)
    assert (answer["task_count"], answer["annotation_count"]) == (2, 2)
    exported = server.export(project)
    assert len(exported) == 2
    assert results(exported) == results(tasks)  # Label Studio holds what newsspan wrote
    path = tmp_path / "from-label-studio.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")

    second = new_store(tmp_path / "second.sqlite")
    for name in ("ana", "ben"):
        report = second.import_file(CLI_USER, path, annotator=name)
        assert report.errors == [] and report.imported == len([r for r in before if r["annotator"] == name])
        assert set(report.offsets) <= {"same", "codepoints"}  # Label Studio 1.23 writes code points
    after = second.export_records(CLI_USER)
    for name in ("ana", "ben"):
        assert spans_of([r for r in after if r["annotator"] == name]) == spans_of(
            [r for r in before if r["annotator"] == name]
        )
    dispose_engine(f"sqlite:///{tmp_path / 'first.sqlite'}")
    dispose_engine(f"sqlite:///{tmp_path / 'second.sqlite'}")


def test_label_studio_refuses_unknown_annotator_emails_so_none_are_written(server, tmp_path) -> None:
    document = next(iter(fixture_documents().values()))
    from corpus.formats.labelstudio import records_to_labelstudio

    records = [r for r in fixture_records() if r["annotator"] == "ben"]
    mapped = records_to_labelstudio(
        records, {document["doc_id"]: document}, {}, annotator_emails={"ben": "b@x.org"}
    )
    project = server.create_project("emails", "<View><Text name='text' value='$text'/></View>")
    with pytest.raises(LabelStudioError, match="Unknown annotator's email"):
        server.import_tasks(project, mapped)
    plain = records_to_labelstudio(records, {document["doc_id"]: document}, {})
    assert server.import_tasks(project, plain)["annotation_count"] == 1


def test_label_studio_takes_the_labeling_configs_of_the_shipped_label_sets(server) -> None:
    from corpus.formats.labelstudio import label_config
    from corpus.scheme import load_labelset
    from corpus.scheme.files import schema_path

    for name in ("labelset.json", "examples/propaganda.labelset.json"):
        config = label_config(load_labelset(schema_path(name)), ["about"])
        assert server.create_project(name, config) > 0  # Label Studio validates the config: HTTP 400 if not


@pytest.mark.browser
def test_label_studio_to_newsspan_and_back_keeps_hand_marked_spans(
    server, browser, names_labelset, tmp_path
) -> None:
    from corpus.formats.labelstudio import label_config
    from corpus.scheme import load_labelset

    document = next(iter(fixture_documents().values()))
    config = label_config(load_labelset(LABELSET))
    project = server.create_project("marked by hand", config)
    server.import_tasks(project, [{"data": {"text": document["text"], "doc_id": document["doc_id"]}}])
    marked = [("Cause-Effect", "Putin"), ("Appeal to fear", "a fear 😱 of war"), ("B-Loc", "🇷🇺")]
    server.draw(browser, project, server.task_ids(project)[0], marked)
    first = server.export(project)
    assert sorted(r[3] for r in results(first)) == sorted(phrase for _, phrase in marked)
    (tmp_path / "first.json").write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")

    store = new_store(tmp_path / "store.sqlite")
    report = store.import_file(CLI_USER, tmp_path / "first.json", annotator="ana", options=ReadOptions())
    assert report.imported == 3 and report.errors == [], report.errors
    assert report.offsets.get("codepoints", 0) >= 2  # after the emoji, Label Studio counted code points
    store.export_file(CLI_USER, tmp_path / "again" / "ls.json", "labelstudio")
    again = json.loads((tmp_path / "again" / "ls.json").read_text(encoding="utf-8"))
    second = server.create_project("back again", (tmp_path / "again" / "label_config.xml").read_text())
    server.import_tasks(second, again)
    assert results(server.export(second)) == results(first)
    dispose_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
