"""Annotated releases: gold through the store API into Parquet splits that datasets, pandas, polars, duckdb read."""

from __future__ import annotations

import hashlib
import json
import tempfile

import datasets
import pytest

from corpus.annotated_release import (
    AnnotatedDocument,
    build_annotated_release,
    build_annotated_release_from,
    parse_ratios,
)
from corpus.errors import NewsspanError
from corpus.paths import releases_dir
from corpus.release import open_release, verify_release
from tests.store_fixtures import ACTOR, Team, span
from workbench.store.release_source import StoreAnnotationSource

PHRASE = "China and Russia must stand firm in upholding the post-war international order"
CLAIM = {"attribution": "direct quote", "kind": "prescriptive"}


def load(path, config: str, **options):
    """load_dataset with a cache of its own: ``datasets`` reads its cache folder once, at import, and keys local
    folders in a way that two releases built within the same second can collide."""
    cache = tempfile.mkdtemp(prefix="hf-cache-", dir=path.parents[2])
    return datasets.load_dataset(str(path), config, cache_dir=cache, **options)


def check_every_span(dataset_dict: datasets.DatasetDict) -> int:
    """Every span of every split: text[start:end] == span_text. Returns the number of spans checked."""
    checked = 0
    for split in dataset_dict.values():
        for row in split:
            for item in row["spans"]:
                assert row["text"][item["start"] : item["end"]] == item["span_text"], (row["doc_id"], item)
                checked += 1
    return checked


def test_gold_workflow_from_annotators_to_release(project, team: Team) -> None:
    store, doc = team.store, team.doc(0)
    doc_id = doc["doc_id"]
    for user, prefix in ((team.ana, "a"), (team.ben, "b")):
        store.save_annotation(user, {**span(doc, "Xi", "actor", ACTOR, nth=2), "id": f"{prefix}1"})
        store.save_annotation(user, span(doc, PHRASE, "claim", {"speaker": f"{prefix}1", **CLAIM}))
    putin = store.save_annotation(team.ben, span(doc, "Putin", "actor", ACTOR))
    store.save_suggestions(team.admin, [span(doc, "Xi Jinping", "actor", ACTOR)], suggested_by="actors")
    for user in (team.ana, team.ben):
        store.set_document_status(user, doc_id, "done")
    # Done is refused while a span is a draft; an annotator may still add one once the document is in review.
    draft = store.save_annotation(team.ana, span(doc, "Putin", "number", {}))  # kind missing: a draft

    report = store.auto_gold(team.rita, min_agree=2)
    assert len(report.created) == 2 and report.documents == 1
    gold = {record["label"]: record for record in store.annotations(team.rita, doc_id, layer="gold")}
    assert gold["claim"]["attributes"]["speaker"] == gold["actor"]["id"]
    assert store.auto_gold(team.rita, min_agree=2).created == []  # idempotent
    assert store.auto_gold(team.rita, min_agree=3).created == []
    history = store.history(team.admin, gold["claim"]["id"])
    assert history[0]["kind"] == "create" and history[0]["source"] == "gold-auto:2"
    agreed = [r for r in store.annotations(team.rita, doc_id) if r["label"] == "claim"]
    assert {r["review"] for r in agreed} == {"accepted"}
    store.review(team.rita, putin["id"], "accept", putin["version"])

    path = build_annotated_release("0.2.0", StoreAnnotationSource(store))
    assert verify_release("0.2.0") == []
    manifest = open_release("0.2.0").manifest
    assert manifest["gold_spans"] == 3 and manifest["annotators"] == ["ana", "ben"]
    gold_set = load(path, "gold")
    assert sum(split.num_rows for split in gold_set.values()) == 1
    assert check_every_span(gold_set) == 3
    (row,) = [row for split in gold_set.values() for row in split]
    names = next(iter(gold_set.values())).features["spans"].feature["label"].names
    assert names == ["actor", "claim", "number", "framing"]
    labels = [names[s["label"]] for s in row["spans"]]
    assert sorted(labels) == ["actor", "actor", "claim"]
    claim = row["spans"][labels.index("claim")]
    (link,) = claim["links"]
    assert link["role"] == "speaker" and row["spans"][link["target"]]["id"] == claim["attributes"]["speaker"]
    assert row["spans"][link["target"]]["span_text"] == "Xi"
    assert all(s["annotator"] == "gold" and not s["draft"] for s in row["spans"])

    annotations = load(path, "annotations")
    rows = {r["annotator"]: r for split in annotations.values() for r in split}
    assert set(rows) == {"ana", "ben"}  # no suggestion anywhere
    ana_spans = {(s["span_text"], s["draft"]) for s in rows["ana"]["spans"]}
    assert ("Putin", True) in ana_spans and draft["id"] in {s["id"] for s in rows["ana"]["spans"]}
    assert not any(s["span_text"] == "Xi Jinping" for r in rows.values() for s in r["spans"])
    assert load(path, "documents", split="train").num_rows == 5
    card = (path / "README.md").read_text()
    for words in ("## Agreement", "Krippendorff", "## Labels", "guidelines", "load_dataset", "## Licence"):
        assert words in card


def synthetic(count: int, stories: int = 0) -> list[AnnotatedDocument]:
    items = []
    for index in range(count):
        text = f"Article {index}: Xi met Putin in Moscow; talks on 40 deals went on for 3 days."
        doc_id = hashlib.sha256(text.encode()).hexdigest()[:16]
        document = {
            "doc_id": doc_id,
            "text": text,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "story_id": f"story-{index % stories}" if stories else None,
            "source": "wire",
            "metadata": {"license": "CC-BY-4.0"},
            "raw_text": text,
            "removed": [],
        }

        def record(
            phrase: str,
            label: str,
            attributes: dict,
            annotator: str = "gold",
            text=text,
            doc_id=doc_id,
            **extra,
        ):
            start = text.index(phrase)
            return {
                "id": extra.get("id", f"{annotator}-{label}-{start}"),
                "doc_id": doc_id,
                "start": start,
                "end": start + len(phrase),
                "span_text": phrase,
                "label": label,
                "attributes": attributes,
                "annotator": annotator,
            }

        gold = [
            record("Xi", "actor", ACTOR, id="x"),
            record("Xi met Putin", "claim", {"speaker": "x", **CLAIM}),
            record("40 deals", "number", {"kind": "count", "value": 40}),
            record("talks on 40 deals", "framing", {"frame": "Economic", "voice": "outlet"}),
        ]
        annotations = {
            "ana": [record("Putin", "actor", ACTOR, "ana"), record("3 days", "number", {}, "ana")],
            "ben": [record("Putin", "actor", ACTOR, "ben")],
        }
        items.append(AnnotatedDocument(document, gold if index % 4 else [], annotations))
    return items


def test_load_dataset_pandas_polars_duckdb_read_the_same_gold(project) -> None:
    items = synthetic(80, stories=30)
    path = build_annotated_release_from("1.0.0", lambda: items, documents=lambda: (i.document for i in items))
    loaded = load(path, "gold")
    assert set(loaded) <= {"train", "validation", "test"} and "train" in loaded
    assert check_every_span(loaded) == 4 * 60
    features = loaded["train"].features["spans"].feature
    assert isinstance(features["label"], datasets.ClassLabel)
    assert features["attributes"]["value"].dtype == "float64"
    assert features["attributes"]["entity_id"].feature.dtype == "string"
    decoded = loaded["train"].cast_column("spans", datasets.List(features))  # names decode via the ClassLabel
    assert {features["label"].int2str(s["label"]) for s in decoded[0]["spans"]} == {
        "actor",
        "claim",
        "number",
        "framing",
    }
    expected = sorted((row["doc_id"], len(row["spans"])) for split in loaded.values() for row in split)

    import duckdb
    import pandas as pd
    import polars as pl

    frame = pd.read_parquet(path / "data" / "gold", dtype_backend="pyarrow")
    assert sorted(zip(frame["doc_id"], frame["spans"].map(len), strict=True)) == expected
    polars_frame = pl.read_parquet(str(path / "data/gold/*.parquet"))
    flat = polars_frame.explode("spans").unnest("spans")
    assert flat.height == 4 * 60 and "span_text" in flat.columns and "text" in flat.columns
    rows = duckdb.sql(
        f"select doc_id, len(spans) from read_parquet('{path}/data/gold/*.parquet') order by doc_id"
    ).fetchall()
    assert rows == expected
    stories = {}
    for split_name, split in loaded.items():
        for row in split:
            stories.setdefault(row["story_id"], set()).add(split_name)
    assert all(len(found) == 1 for found in stories.values())
    documents = load(path, "documents", split="train")
    by_doc = {row["doc_id"]: row["split"] for row in documents}
    assert all(by_doc[row["doc_id"]] == name for name, split in loaded.items() for row in split)


def test_a_span_text_that_does_not_match_refuses_the_build(project) -> None:
    items = synthetic(12)
    items[5].gold[0] = {**items[5].gold[0], "span_text": "Xj"}
    with pytest.raises(NewsspanError, match=r"does not match the document text .*re-anchor"):
        build_annotated_release_from("1.0.0", lambda: items)
    assert not (releases_dir() / "v1.0.0").exists() and not (releases_dir() / "LATEST").exists()
    assert not list(releases_dir().glob(".building*"))


def test_a_gold_draft_refuses_the_build(project) -> None:
    items = synthetic(8)
    items[1].gold[2] = {**items[1].gold[2], "attributes": {"value": 40}}
    with pytest.raises(NewsspanError, match="misses required attributes"):
        build_annotated_release_from("1.0.0", lambda: items)


def test_ratios_and_empty_splits_are_left_out_of_the_card(project) -> None:
    items = synthetic(20)
    path = build_annotated_release_from("1.0.0", lambda: items, ratios=parse_ratios("100,0,0"))
    card = (path / "README.md").read_text()
    header = card.split("---")[1]
    assert "split: train" in header and "split: validation" not in header and "split: test" not in header
    assert set(load(path, "gold")) == {"train"}
    assert json.loads((path / "MANIFEST.json").read_text())["split_ratios"] == {
        "train": 1.0,
        "validation": 0.0,
        "test": 0.0,
    }
    for bad in ("0.8,0.1", "a,b,c", "0.5,0.1,0.1"):
        with pytest.raises(NewsspanError, match="ratios"):
            parse_ratios(bad)


def test_without_annotations_the_build_is_refused(project, store) -> None:
    with pytest.raises(NewsspanError, match="no gold or annotator spans"):
        build_annotated_release("0.2.0", StoreAnnotationSource(store))


def test_write_parquet_fast_path_equals_encoding_and_still_checks_labels(tmp_path) -> None:
    import pyarrow.parquet as pq

    from corpus.release import write_parquet

    features = datasets.Features(
        {
            "name": datasets.Value("string"),
            "spans": datasets.List({"label": datasets.ClassLabel(names=["a", "b"])}),
        }
    )
    as_names = [{"name": "x", "spans": [{"label": "b"}, {"label": "a"}]}, {"name": None, "spans": []}]
    as_indexes = [{"name": "x", "spans": [{"label": 1}, {"label": 0}]}, {"name": None, "spans": []}]
    write_parquet(tmp_path / "names.parquet", as_names, features)
    write_parquet(tmp_path / "indexes.parquet", as_indexes, features)
    assert pq.read_table(tmp_path / "names.parquet").equals(pq.read_table(tmp_path / "indexes.parquet"))
    with pytest.raises(ValueError):
        write_parquet(tmp_path / "bad.parquet", [{"name": "x", "spans": [{"label": 2}]}], features)
