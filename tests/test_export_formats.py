"""JSONL (one span a line) and token-level IOB2 exports of an annotated release; the CLI commands."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from corpus.annotated_release import build_annotated_release_from
from corpus.formats.iob2 import bio_tags, tokens
from corpus.formats.release_export import export_release
from tests.test_annotated_release import synthetic
from workbench.cli import app


def spans(*items):
    return [{"start": s, "end": e, "label": label} for s, e, label in items]


def test_iob2_tags_per_label_with_nested_spans_of_another_label():
    text = "Chinese President Xi Jinping met Putin."
    tagged, dropped = bio_tags(text, spans((0, 28, "actor"), (18, 28, "number")), "actor")
    assert [tag for _, tag in tagged] == ["B-actor", "I-actor", "I-actor", "I-actor", "O", "O", "O"]
    assert [token for token, _ in tagged] == ["Chinese", "President", "Xi", "Jinping", "met", "Putin", "."]
    other, _ = bio_tags(text, spans((0, 28, "actor"), (18, 28, "number")), "number")
    assert [tag for _, tag in other][:4] == ["O", "O", "B-number", "I-number"]
    assert dropped == []


def test_adjacent_spans_each_begin_with_b_and_overlaps_keep_the_outer_span():
    text = "Xi Jinping Putin"
    tagged, _ = bio_tags(text, spans((0, 10, "actor"), (11, 16, "actor")), "actor")
    assert [tag for _, tag in tagged] == ["B-actor", "I-actor", "B-actor"]
    nested = spans((0, 16, "actor"), (3, 10, "actor"), (11, 16, "actor"))
    tagged, dropped = bio_tags(text, nested, "actor")
    assert [tag for _, tag in tagged] == ["B-actor", "I-actor", "I-actor"]
    assert [(d["start"], d["end"]) for d in dropped] == [(3, 10), (11, 16)]
    crossing, dropped = bio_tags(text, spans((0, 10, "actor"), (3, 16, "actor")), "actor")
    assert [tag for _, tag in crossing] == ["B-actor", "I-actor", "O"] and len(dropped) == 1


def test_a_span_inside_a_token_tags_the_whole_token():
    text = "Putin's visit"
    assert tokens(text) == [(0, 5), (5, 6), (6, 7), (8, 13)]
    tagged, _ = bio_tags(text, spans((1, 3, "actor")), "actor")
    assert [tag for _, tag in tagged] == ["B-actor", "O", "O", "O"]


def test_export_release_writes_jsonl_and_bio_files(project, tmp_path):
    items = synthetic(12)
    path = build_annotated_release_from("1.0.0", lambda: items)
    report = export_release(path, tmp_path / "out")
    lines = [json.loads(line) for line in (tmp_path / "out" / "spans.jsonl").read_text().splitlines()]
    assert len(lines) == report["spans"] == 4 * 9
    texts = {item.document["doc_id"]: item.document["text"] for item in items}
    for line in lines:
        assert texts[line["doc_id"]][line["start"] : line["end"]] == line["span_text"]
        assert line["label"] in {"actor", "claim", "number", "framing"} and line["annotator"] == "gold"
    claim = next(line for line in lines if line["label"] == "claim")
    assert claim["links"] == [{"role": "speaker", "target": "x"}]
    assert "currency" not in next(line for line in lines if line["label"] == "number")["attributes"]
    conll = (tmp_path / "out" / "bio" / "actor").glob("*.conll")
    content = "".join(file.read_text() for file in conll)
    assert content.count("# doc_id = ") == 9 and "Xi\tB-actor" in content
    annotations = export_release(path, tmp_path / "ann", config="annotations")
    assert annotations["documents"] == 24 and "# annotator = ana" in "".join(
        f.read_text() for f in (tmp_path / "ann" / "bio" / "number").glob("*.conll")
    )


def test_cli_agreement_gold_auto_release_build_and_export(project, team, monkeypatch, tmp_path):
    from tests.store_fixtures import ACTOR, span

    monkeypatch.setenv("NEWSSPAN_DB_URL", str(team.store.engine.url.render_as_string(hide_password=False)))
    store, doc = team.store, team.doc(1)
    for user in (team.ana, team.ben):
        store.save_annotation(user, span(doc, "Putin", "actor", ACTOR))
        store.set_document_status(user, doc["doc_id"], "done")
    runner = CliRunner()
    result = runner.invoke(app, ["agreement", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["documents"] == 1 and figures["overall"]["strict"]["f1"] == 1.0
    table = runner.invoke(app, ["agreement", "--label", "actor"])
    assert table.exit_code == 0 and "Agreement over 1 documents" in table.output
    auto = runner.invoke(app, ["gold", "auto", "--min-agree", "2"])
    assert auto.exit_code == 0 and "1 spans added to gold" in auto.output, auto.output
    built = runner.invoke(app, ["release", "build", "0.3.0", "--annotations", "--ratios", "80,10,10"])
    assert built.exit_code == 0 and "gold (" in built.output, built.output
    exported = runner.invoke(app, ["export-release", "0.3.0", "--out", str(tmp_path / "x")])
    assert exported.exit_code == 0 and (tmp_path / "x" / "v0.3.0" / "gold" / "spans.jsonl").is_file()
