"""Read articles from .txt files, directories, .jsonl and .csv files, reporting each bad input precisely.

Every reader yields :class:`Article` (one article, with where it came from) or :class:`Problem` (what was wrong,
where, what to do). A problem never stops the other inputs.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus import jsonl
from corpus.text import normalize_newlines

# Largest article accepted, in UTF-8 bytes. Long-form news rarely exceeds 100 KB; 1 MiB leaves ample room while
# stopping whole-site dumps or binary blobs pasted into a text column.
MAX_ARTICLE_BYTES = 1_048_576
KNOWN_COLUMNS = ("id", "text", "title", "source", "url", "published", "story_id", "language")
SUPPORTED_SUFFIXES = (".txt", ".jsonl", ".csv")


@dataclass(slots=True)
class Article:
    """One article as read, before cleaning: its text (newlines normalized) and the fields its input gave."""

    where: str
    text: str
    source_id: str | None
    fields: dict[str, str | None] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    from_plain_text: bool = False


@dataclass(slots=True)
class Problem:
    """A skipped input: what was wrong, where, and what to do about it."""

    where: str
    reason: str
    hint: str = ""

    @property
    def message(self) -> str:
        return f"{self.where}: {self.reason}" + (f" — {self.hint}" if self.hint else "")


Item = Article | Problem


def decode_utf8(data: bytes, where: str) -> str | Problem:
    """Decode bytes as UTF-8 (a leading BOM is dropped); refuse NUL bytes and invalid sequences with their place."""
    try:
        return jsonl.decode_utf8(data, where)
    except jsonl.NotUtf8 as error:
        return Problem(error.where or where, error.what, error.hint or "")


def _check_text(text: object, where: str) -> str | Problem:
    if not isinstance(text, str):
        return Problem(
            where, f"'text' must be a string, got {type(text).__name__}", "put the article text in 'text'"
        )
    if "\x00" in text:
        return Problem(where, "text contains a NUL character", "remove binary content from the text")
    if not text.strip():
        return Problem(where, "the article is empty or whitespace only", "remove it or fill in its text")
    size = len(text.encode("utf-8"))
    if size > MAX_ARTICLE_BYTES:
        return Problem(
            where,
            f"the article is {size:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit",
            "split it into articles or check that the file is really one news article",
        )
    return normalize_newlines(text)


def _from_row(row: dict[str, object], where: str) -> Item:
    text = _check_text(row.get("text"), where)
    if isinstance(text, Problem):
        return text
    fields = {}
    for name in KNOWN_COLUMNS[2:]:
        value = row.get(name)
        fields[name] = None if value is None or str(value).strip() == "" else str(value).strip()
    metadata = {
        str(key): value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for key, value in row.items()
        if key not in KNOWN_COLUMNS and value is not None
    }
    raw_id = row.get("id")
    source_id = None if raw_id is None or str(raw_id).strip() == "" else str(raw_id).strip()
    return Article(where=where, text=text, source_id=source_id, fields=fields, metadata=metadata)


def read_txt(path: Path) -> Iterator[Item]:
    data = path.read_bytes()
    decoded = decode_utf8(data, str(path))
    if isinstance(decoded, Problem):
        yield decoded
        return
    text = _check_text(decoded, str(path))
    if isinstance(text, Problem):
        yield text
        return
    yield Article(where=str(path), text=text, source_id=path.stem, from_plain_text=True)


def read_jsonl(path: Path) -> Iterator[Item]:
    for line in jsonl.iter_jsonl(path):
        if line.value is None:
            yield Problem(line.where, line.reason or "bad line", line.hint)
        elif "text" not in line.value:
            yield Problem(line.where, "the object has no 'text' field", "add the article text as 'text'")
        else:
            yield _from_row(line.value, line.where)


def read_csv(path: Path) -> Iterator[Item]:
    decoded = decode_utf8(path.read_bytes(), str(path))
    if isinstance(decoded, Problem):
        yield decoded
        return
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(decoded.splitlines(keepends=True))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        yield Problem(f"{path}:1", "the CSV header has no 'text' column", "name the article column 'text'")
        return
    try:
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row:
                yield Problem(
                    where, "the row has more fields than the header", "quote fields that contain commas"
                )
                continue
            yield _from_row(dict(row), where)
    except csv.Error as error:
        yield Problem(f"{path}:{reader.line_num}", f"malformed CSV ({error})", "check quoting on that line")


_READERS = {".txt": read_txt, ".jsonl": read_jsonl, ".csv": read_csv}


def read_inputs(paths: list[Path]) -> Iterator[Item]:
    """Every article from the given files and directories (a directory: its own supported files, sorted; not its
    subdirectories, so a project's seeds/ folder can keep its gold annotations in seeds/gold/)."""
    for path in paths:
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not files:
                yield Problem(
                    str(path), "the directory holds no .txt, .jsonl or .csv files", "point at article files"
                )
            for file in files:
                yield from _read_file(file)
        elif path.is_file():
            yield from _read_file(path)
        else:
            yield Problem(str(path), "no such file or directory", "check the path")


def _read_file(path: Path) -> Iterator[Item]:
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        yield Problem(str(path), f"unsupported file type '{path.suffix}'", "use .txt, .jsonl or .csv")
        return
    try:
        yield from reader(path)
    except OSError as error:
        yield Problem(str(path), f"cannot read the file ({error.strerror})", "check permissions")
