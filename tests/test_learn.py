"""The span model (corpus.learn): trains on a small fixture corpus in seconds, suggests with a score for every
label (custom label sets too), is saved with its meta and refused for another label set, and ``evaluate``'s
figures are the agreement code's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.agreement import compute_agreement
from corpus.errors import NewsspanError
from corpus.labelled import LabelledDocument
from corpus.learn import Settings, evaluate, latest_model_id, load_model, save_model, train_model
from corpus.learn.reports import latest_evaluation, save_evaluation
from corpus.scheme import default_labelset, load_labelset
from corpus.scheme.files import schema_path
from tests.gold_data import gold_records, seed_documents

TINY = Settings(max_epochs=3, width=32, depth=1)


def seeds() -> list[LabelledDocument]:
    return [
        LabelledDocument(doc, gold_records(source_id), "gold") for source_id, doc in seed_documents().items()
    ]


def test_trains_saves_loads_and_suggests_with_every_label_score(tmp_path: Path) -> None:
    labelled = seeds()
    labelset = default_labelset()
    model = train_model(labelled[:3], labelset=labelset, trained_from={"kind": "test"}, settings=TINY)
    meta = model.meta
    assert meta["documents"] == 3 and meta["labelset"]["labels"] == labelset.names
    assert meta["spans"] + sum(meta["alignment"]["misaligned"].values()) == sum(
        len(i.records) for i in labelled[:3]
    )
    assert meta["settings"]["overrides"]["training.max_epochs"] == 3 and meta["spacy_version"].startswith(
        "3.8"
    )
    folder = save_model(model, tmp_path)
    assert latest_model_id(tmp_path) == model.id == folder.name
    assert json.loads((folder / "meta.json").read_text())["model_id"] == model.id

    loaded = load_model(labelset=labelset, root=tmp_path)
    document = labelled[4].document
    (prediction,) = list(loaded.predict([document], threshold=0.0))
    assert prediction.doc_id == document["doc_id"] and 0.0 <= prediction.uncertainty <= 1.0
    assert prediction.records
    for record in prediction.records[:200]:
        assert record["suggested_by"] == "model" and record["suggestion"]["model"] == model.id
        assert set(record["suggestion"]["label_scores"]) == set(labelset.names)
        assert record["suggestion"]["score"] == record["suggestion"]["label_scores"][record["label"]]
        assert document["text"][record["start"] : record["end"]] == record["span_text"]


def test_loading_refuses_a_model_of_another_label_set(tmp_path: Path) -> None:
    model = train_model(
        seeds()[:1], labelset=default_labelset(), settings=Settings(max_epochs=1, width=32, depth=1)
    )
    save_model(model, tmp_path)
    propaganda = load_labelset(schema_path("examples/propaganda.labelset.json"))
    with pytest.raises(NewsspanError, match="trained for the labels actor"):
        load_model(labelset=propaganda, root=tmp_path)
    with pytest.raises(NewsspanError, match="no model trained yet"):
        load_model(labelset=propaganda, root=tmp_path / "empty")


def test_a_custom_label_set_works(tmp_path: Path) -> None:
    propaganda = load_labelset(schema_path("examples/propaganda.labelset.json"))
    labelled = []
    for doc in list(seed_documents().values())[:3]:
        text = doc["text"]
        records = []
        for phrase, label in (("Xi", "name_calling"), ("Putin", "flag_waving"), ("Moscow", "doubt")):
            start = text.find(phrase)
            if start >= 0:
                records.append(
                    {"doc_id": doc["doc_id"], "start": start, "end": start + len(phrase), "label": label}
                )
        labelled.append(LabelledDocument(doc, records, "gold"))
    model = train_model(labelled, labelset=propaganda, settings=TINY)
    save_model(model, tmp_path)
    loaded = load_model(labelset=propaganda, root=tmp_path)
    (prediction,) = list(loaded.predict([labelled[0].document], threshold=0.0))
    assert {label for r in prediction.records for label in r["suggestion"]["label_scores"]} == set(
        propaganda.names
    )


def test_nothing_labelled_is_one_clear_error() -> None:
    with pytest.raises(NewsspanError, match="nothing labelled yet"):
        train_model([], labelset=default_labelset(), settings=TINY)
    with pytest.raises(NewsspanError, match="at least 2"):
        evaluate(seeds()[:1], labelset=default_labelset(), settings=TINY)


def test_evaluate_figures_are_the_agreement_codes_and_the_curve_grows(tmp_path: Path) -> None:
    labelled = seeds()[:3]
    labelset = default_labelset()
    evaluation = evaluate(labelled, labelset=labelset, folds=3, fractions=(0.5, 1.0), settings=TINY)
    report = evaluation.report
    assert report["folds"] == 3 and report["documents"] == 3
    assert list(report["recommenders"]) == ["rules", "propagation", "model"]
    for name, suggested in evaluation.suggested.items():
        # the same spans, as `newsspan agreement` would see two annotators: held-out gold vs suggestions
        records = []
        for item in labelled:
            doc_id = item.document["doc_id"]
            records += [{**r, "annotator": "alice", "layer": "annotation"} for r in item.records]
            for r in suggested[doc_id]:
                records.append(
                    {k: v for k, v in r.items() if k not in ("suggested_by", "suggestion")}
                    | {"annotator": "bob"}
                )
        expected = compute_agreement(
            records,
            annotators={i.document["doc_id"]: ["alice", "bob"] for i in labelled},
            labelset=labelset,
            labels=labelset.names,
        )
        got = report["recommenders"][name]
        for label in labelset.names:
            for kind in ("strict", "partial"):
                for figure in ("precision", "recall", "f1", "matches"):
                    assert got["per_label"][label][kind][figure] == expected["per_label"][label][kind][figure]
        assert got["overall"]["strict"]["f1"] == expected["overall"]["strict"]["f1"]
    curve = [(p["recommender"], p["fraction"], p["training_documents"]) for p in report["curve"]]
    assert curve == [
        (name, fraction, documents)
        for name in ("rules", "propagation", "model")
        for fraction, documents in ((0.5, 1.0), (1.0, 2.0))
    ]
    path = save_evaluation(report, tmp_path)
    assert path.parent == tmp_path / "evaluations" and latest_evaluation(tmp_path) == report
