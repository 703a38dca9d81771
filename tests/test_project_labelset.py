"""A project started with another label set: validation, features and the CLI all follow it."""

import json
import subprocess
import sys

from corpus.features import annotation_features
from corpus.scheme import default_labelset, validate_record
from corpus.scheme.files import schema_path
from tests.scheme_fixtures import make_document, make_record

PROPAGANDA = schema_path("examples/propaganda.labelset.json")


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def test_init_with_another_label_set_is_followed_everywhere(project):
    result = _cli("init", "--labelset", str(PROPAGANDA), cwd=project)
    assert result.returncode == 0, result.stderr
    names = [label["name"] for label in json.loads(PROPAGANDA.read_text())["labels"]]
    assert default_labelset().names == names
    assert annotation_features()["label"].names == names
    document = make_document("They call it a special military operation, nothing more.")
    good = make_record(document, "special military operation", names[0], {})
    assert validate_record(good, document) == []
    news = make_record(document, "special military operation", "actor", {})
    assert any("actor" in problem for problem in validate_record(news, document))
    shown = _cli("schema", "show", cwd=project)
    assert names[0] in shown.stdout and "framing" not in shown.stdout


def test_an_invalid_label_set_is_refused_with_its_place(project, tmp_path):
    bad = tmp_path / "bad.labelset.json"
    bad.write_text(json.dumps({"title": "x", "labels": [{"name": "Actor!", "color": "red"}]}))
    result = _cli("init", "--labelset", str(bad), cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "bad.labelset.json" in result.stderr
    assert not (project / "labelset.json").exists()
