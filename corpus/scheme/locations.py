"""How a place in a file is shown to users: a short file path and a JSON path inside the file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from corpus import paths


def display_path(path: Path | str) -> str:
    """A path as users see it: relative to the repository or the current folder when it is inside them."""
    path = Path(path)
    for base in (paths.REPO_ROOT, Path.cwd()):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def json_path(parts: Iterable[Any]) -> str:
    """``['labels', 2, 'hotkeys', 0]`` -> ``labels[2].hotkeys[0]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
