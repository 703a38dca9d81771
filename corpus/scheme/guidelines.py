"""The annotation guidelines of one label, as the workbench shows them beside the text.

The guidelines (``schema/guidelines.md``) ship in the ``schema`` package next to the label set they describe:
each label has one section, from the heading ``## <label>`` to the next ``## `` heading.
"""

from __future__ import annotations

from pathlib import Path

from corpus.scheme.files import schema_resource

GUIDELINES = "guidelines.md"


def _read_guidelines(path: Path | str | None) -> str | None:
    """The guidelines text (the packaged file by default), or None when it cannot be read."""
    try:
        if path is None:
            return schema_resource(GUIDELINES).read_text(encoding="utf-8")
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def guidelines_section(label: str, path: Path | str | None = None) -> str:
    """The guidelines of one label: from the heading ``## <label>`` to the next ``## `` heading.

    Default file ``schema/guidelines.md``; an empty string when the file or the section does not exist.
    """
    text = _read_guidelines(path)
    if text is None:
        return ""
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == label
        if inside:
            out.append(line)
    return "\n".join(out).strip()
