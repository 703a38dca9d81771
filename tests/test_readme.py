"""The README is the front door: its Python snippets run here, in order, against a project built the way the
README says (``make run``'s steps: ingest the seeds, release v0.1.0, load the store with the gold seeds, then
``newsspan release build 0.2.0 --annotations``, and ``release push`` to a Hub for the Hub snippet)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project_fixtures import REPO_ROOT, SEEDS

README = REPO_ROOT / "README.md"
NEWSSPAN = [sys.executable, "-m", "workbench.cli"]


def python_snippets(text: str) -> list[str]:
    """Every ```python block of the README, in order."""
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def run(args: list[str], env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_readme_has_the_snippets_this_test_runs() -> None:
    snippets = python_snippets(README.read_text(encoding="utf-8"))
    assert len(snippets) >= 3
    assert any("load_dataset" in snippet for snippet in snippets)
    assert any("snapshot_download" in snippet for snippet in snippets)


def test_readme_python_snippets_run(project: Path, fake_hub, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**os.environ, "NEWSSPAN_HOME": str(project)}
    run([*NEWSSPAN, "ingest", str(SEEDS)], env, project)
    run([*NEWSSPAN, "release", "build", "0.1.0"], env, project)
    run([sys.executable, "-m", "workbench.bootstrap"], env, project)
    run([*NEWSSPAN, "release", "build", "0.2.0", "--annotations"], env, project)
    run([*NEWSSPAN, "release", "push", "0.1.0", "--repo-id", "ORG/NAME"], env, project)

    monkeypatch.chdir(project)  # the README's paths are relative to the project folder
    namespace: dict[str, object] = {"__name__": "readme"}
    for number, snippet in enumerate(python_snippets(README.read_text(encoding="utf-8")), start=1):
        try:
            exec(compile(snippet, f"README.md python snippet {number}", "exec"), namespace)  # noqa: S102
        except Exception as error:  # name the snippet that broke, with its code
            pytest.fail(f"README snippet {number} raised {error!r}:\n{snippet}")
    names = namespace["names"]
    assert names == ["actor", "claim", "number", "framing"]
    assert len(namespace["docs"]) == 5  # type: ignore[arg-type]
