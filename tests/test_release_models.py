"""A release names the span models whose suggestions annotators were shown (card and manifest)."""

from __future__ import annotations

import json

from corpus.annotated_release.publish import build_release_with_annotations
from corpus.learn.model import models_dir
from corpus.release import open_release
from tests.store_fixtures import ACTOR, Team, span
from workbench.store.release_source import StoreAnnotationSource


def test_the_card_and_manifest_name_the_models_whose_suggestions_were_shown(project, team: Team) -> None:
    store, admin = team.store, team.admin
    document = team.doc(1)
    store.save_annotation(team.ana, span(document, "Xi Jinping", "actor", ACTOR))
    source = StoreAnnotationSource(store, admin)
    assert source.suggestion_models() == []
    build_release_with_annotations("0.2.0", source)
    without = open_release("0.2.0")
    assert "No trained model's suggestions were shown" in (without.path / "README.md").read_text()
    assert json.loads((without.path / "MANIFEST.json").read_text())["suggestion_models"] == []

    kept, gone = "20261202-101500-abcdef12", "20261101-090000-00ff00ff"
    folder = models_dir() / kept
    folder.mkdir(parents=True)
    meta = {"model_id": kept, "created_at": "2026-12-02T10:15:00Z", "documents": 40, "spans": 900}
    meta |= {"trained_from": {"kind": "store", "releases": ["0.1.0"]}, "spacy_version": "3.8.18"}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    for fingerprint in (f"model-{kept}", f"model-{gone}", "model-none", "rules-1"):
        store.store_suggestions(admin, [(document, [])], fingerprint)  # a run's marker, no suggestions
    assert store.suggestion_models(admin) == sorted([kept, gone])

    build_release_with_annotations("0.3.0", StoreAnnotationSource(store, admin))
    release = open_release("0.3.0")
    card = (release.path / "README.md").read_text()
    assert f"- `{kept}`: trained 2026-12-02T10:15:00Z, on 40 documents and 900 spans of v0.1.0" in card
    assert f"- `{gone}`: its files are gone" in card and "model-none" not in card
    assert json.loads((release.path / "MANIFEST.json").read_text())["suggestion_models"] == sorted(
        [kept, gone]
    )
