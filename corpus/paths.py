"""Where a newsspan project keeps its files.

A project is a folder (``NEWSSPAN_HOME``, default the current directory) holding ``data/`` (the ingested
corpus and the embedded SQLite store) and ``releases/`` (immutable dataset releases). The JSON Schemas live in
the ``schema`` package, the single source of truth for labels and records; :mod:`corpus.scheme.files` reads
them through ``importlib.resources`` so an installed wheel works as well as a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT / "seeds"
"""The seed articles of a checkout (the demo bootstrap); not part of the wheel."""


def project_home() -> Path:
    """The project folder: ``NEWSSPAN_HOME`` when set, else the current directory."""
    return Path(os.environ.get("NEWSSPAN_HOME") or Path.cwd()).resolve()


def data_dir() -> Path:
    return project_home() / "data"


def corpus_file() -> Path:
    """The ingested corpus: one JSON document per line, appended by ``newsspan ingest``."""
    return data_dir() / "corpus" / "documents.jsonl"


def releases_dir() -> Path:
    return Path(os.environ.get("NEWSSPAN_RELEASES") or project_home() / "releases").resolve()


def project_labelset_file() -> Path:
    """A project's own label set, when it does not use the default news label set."""
    return project_home() / "labelset.json"
