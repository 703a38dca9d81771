"""Fixtures for a throwaway newsspan project folder."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT / "seeds"
SHARED_SEEDS = REPO_ROOT.parent / "shared" / "seeds"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the current NEWSSPAN_HOME."""
    home = tmp_path / "project"
    home.mkdir()
    monkeypatch.setenv("NEWSSPAN_HOME", str(home))
    monkeypatch.delenv("NEWSSPAN_RELEASES", raising=False)
    monkeypatch.delenv("NEWSSPAN_DB_URL", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    return home
