"""``newsspan learn`` end to end: train on the store's gold and save a model; ``--evaluate`` prints rules and
model side by side with the learning curve and writes the report; clear errors otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.gold_data import GOLD_DIR, seed_documents
from workbench.store import CLI_USER, open_store


def run(*args: str, code: int = 0) -> str:
    """The real command in its own process (as a user runs it): its stdout and stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "learn", *args],
        cwd=os.environ["NEWSSPAN_HOME"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout + result.stderr


def test_learn_trains_saves_and_evaluates(project: Path, store_url: str, monkeypatch) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    empty = run("--epochs", "1", code=1)
    assert "nothing labelled yet" in empty and "Traceback" not in empty
    store = open_store(store_url)
    documents = list(seed_documents().values())[:3]
    store.load_documents(CLI_USER, documents, release="0.1.0")
    for document in documents:
        store.import_file(
            CLI_USER, GOLD_DIR / f"{document['source_id']}.jsonl", annotator="gold", layer="gold"
        )

    output = run("--epochs", "2")
    latest = (project / "models" / "LATEST").read_text().strip()
    assert f"model {latest} saved" in output and "trained on 3 documents" in output
    meta = json.loads((project / "models" / latest / "meta.json").read_text())
    assert meta["trained_from"]["kind"] == "store" and meta["trained_from"]["releases"] == ["0.1.0"]
    assert meta["documents"] == 3 and meta["labelset"]["labels"] == ["actor", "claim", "number", "framing"]

    output = run("--evaluate", "--folds", "2", "--epochs", "1")
    assert "rules F1" in output and "propagation F1" in output and "model F1" in output
    assert "Learning curve" in output
    (report_file,) = (project / "models" / "evaluations").glob("*.json")
    report = json.loads(report_file.read_text())
    assert report["folds"] == 2 and set(report["recommenders"]) == {"rules", "propagation", "model"}
    assert str(report_file.name) in output.replace("\n", "")


def test_learn_rejects_bad_options(project: Path, store_url: str, monkeypatch) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    assert "No such option" in run("--fold", "3", code=2)
    assert "Traceback" not in run("--evaluate", "--folds", "1", code=2)


def test_learn_sets_background_retraining(project: Path, store_url: str, monkeypatch) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    assert "after every 25 newly done documents" in run("--retrain-every", "25")
    assert open_store(store_url).retrain_every(CLI_USER) == 25
    assert "background retraining is off" in run("--retrain-every", "0")
    assert open_store(store_url).retrain_every(CLI_USER) == 0
    assert "Traceback" not in run("--retrain-every", "-3", code=2)
