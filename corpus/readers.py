"""Read articles from .txt files, directories, .jsonl and .csv files, reporting each bad input precisely.

Every reader yields :class:`Article` (one article, with where it came from) or :class:`Problem` (what was wrong,
where, what to do). A problem never stops the other inputs, nor the other lines of the same file: a JSONL line
nested too deeply or with a field of the wrong type, a CSV record with a quoting error, is one problem at its
``file:line``, and reading goes on with the next line.

Only regular files are read. A symbolic link is refused unless ``follow_symlinks`` (``--follow-symlinks``)
says to read what it points to; a FIFO, socket or device is always refused, without opening it for long (a FIFO
is opened non-blocking and closed at once), so ingest never blocks on one.

Each article carries its provenance: ``source_edits``, what reading changed in its text (a ``.txt`` file's BOM,
each CR of a line ending), see :mod:`corpus.provenance`.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import stat
import sys
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from corpus import jsonl
from corpus.provenance import normalize_source

# Largest article accepted, in UTF-8 bytes. Long-form news rarely exceeds 100 KB; 1 MiB leaves ample room while
# stopping whole-site dumps or binary blobs pasted into a text column.
MAX_ARTICLE_BYTES = 1_048_576
KNOWN_COLUMNS = ("id", "text", "title", "source", "url", "published", "story_id", "language")
SUPPORTED_SUFFIXES = (".txt", ".jsonl", ".csv")
# Known columns that may also be JSON integers (ids); the others must be strings (or null).
_INTEGER_OK = ("id", "story_id")
_SYMLINK_HINT = "give the file itself, or pass --follow-symlinks to read what the link points to"


@dataclass(slots=True)
class Article:
    """One article as read, before cleaning: its text (newlines normalized) and the fields its input gave."""

    where: str
    text: str
    source_id: str | None
    fields: dict[str, str | None] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    from_plain_text: bool = False
    source_edits: list[dict[str, Any]] = field(default_factory=list)  # corpus.provenance.SourceEdit.as_dict()


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


def _json_type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _field_problem(row: dict[str, object], where: str) -> Problem | None:
    """A known field whose value has the wrong type (a ``title`` that is a list must not become "['a']")."""
    for name in KNOWN_COLUMNS:
        value = row.get(name)
        if name == "text" or value is None or isinstance(value, str):
            continue
        if name in _INTEGER_OK and type(value) is int:
            continue
        expected = "a string or an integer" if name in _INTEGER_OK else "a string"
        return Problem(
            where,
            f"'{name}' must be {expected} (or null), got {_json_type(value)}",
            f"fix '{name}' on that line; the rest of the file is read",
        )
    return None


def _check_text(text: object, where: str) -> str | Problem:
    """The article text as given (not yet normalized), or why it cannot be an article."""
    if not isinstance(text, str):
        return Problem(
            where, f"'text' must be a string, got {_json_type(text)}", "put the article text in 'text'"
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
    return text


def _from_row(row: dict[str, object], where: str) -> Item:
    problem = _field_problem(row, where)
    if problem is not None:
        return problem
    given = _check_text(row.get("text"), where)
    if isinstance(given, Problem):
        return given
    text, edits = normalize_source(given, drop_bom=False)
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
    return Article(
        where=where,
        text=text,
        source_id=source_id,
        fields=fields,
        metadata=metadata,
        source_edits=[edit.as_dict() for edit in edits],
    )


def _bytes(path: Path, handle: BinaryIO | None) -> bytes:
    return path.read_bytes() if handle is None else handle.read()


def read_txt(path: Path, handle: BinaryIO | None = None) -> Iterator[Item]:
    """One article: the whole file (read from ``handle`` when given, else from ``path``). Its source is the
    file decoded as UTF-8, BOM included."""
    data = _bytes(path, handle)
    decoded = decode_utf8(data, str(path))
    if isinstance(decoded, Problem):
        yield decoded
        return
    checked = _check_text(decoded, str(path))
    if isinstance(checked, Problem):
        yield checked
        return
    source = "\ufeff" + checked if data.startswith(codecs.BOM_UTF8) else checked
    text, edits = normalize_source(source, drop_bom=True)
    yield Article(
        where=str(path),
        text=text,
        source_id=path.stem,
        from_plain_text=True,
        source_edits=[edit.as_dict() for edit in edits],
    )


def _jsonl_item(raw: bytes, where: str) -> Item:
    try:
        line = jsonl.parse_line(raw, where)
        if line.value is None:
            return Problem(line.where, line.reason or "bad line", line.hint)
        if "text" not in line.value:
            return Problem(line.where, "the object has no 'text' field", "add the article text as 'text'")
        return _from_row(line.value, line.where)
    except RecursionError:
        return Problem(
            where, "the line is nested too deeply to read", "flatten it: one object of plain fields a line"
        )


def read_jsonl(path: Path, handle: BinaryIO | None = None) -> Iterator[Item]:
    """One article a line; a bad line is one problem at its ``file:line`` and the next line is read."""
    if handle is None:
        with path.open("rb") as opened:
            yield from read_jsonl(path, opened)
        return
    for number, raw in enumerate(handle, start=1):
        if raw.strip():
            yield _jsonl_item(raw, f"{path}:{number}")


class _CsvRecords:
    """The records of a CSV text as ``(first line number, fields)``, or ``(line, what is wrong)``.

    Parsing is strict (a stray or unterminated quote is an error, not a silent merge of the lines after it),
    and a record whose single-line columns (``title``, ``url``...) span several lines is taken for an
    unterminated quote too. After a bad record, parsing starts again on the line after its first line, so one
    bad quote costs that line, not the rest of the file."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()
        self.single_line: list[
            int
        ] = []  # indexes of the known columns other than text, once the header is read

    def __iter__(self) -> Iterator[tuple[int, list[str] | str]]:
        base = 0
        while base < len(self.lines):
            base = yield from self._run(base)

    def _run(self, base: int) -> Generator[tuple[int, list[str] | str], None, int]:
        reader = csv.reader(itertools.islice(self.lines, base, None), strict=True)
        start = base + 1
        try:
            for fields in reader:
                problem = self._problem(fields)
                if problem is not None:
                    yield start, problem
                    return start
                if fields:
                    yield start, fields
                start = base + reader.line_num + 1
        except csv.Error as error:
            yield start, f"malformed CSV ({error})"
            return start
        return len(self.lines)

    def _problem(self, fields: list[str]) -> str | None:
        for index in self.single_line:
            if index < len(fields) and ("\n" in fields[index] or "\r" in fields[index]):
                return "a quoted field runs over several lines (an unterminated quote?)"
        return None


def _csv_row(header: list[str], number: int, fields: list[str] | str, path: Path) -> Item:
    where = f"{path}:{number}"
    if isinstance(fields, str):
        return Problem(where, fields, "check the quotes on that line; the other lines were read")
    if len(fields) > len(header):
        return Problem(where, "the row has more fields than the header", "quote fields that contain commas")
    if len(fields) < len(header):
        return Problem(
            where,
            f"the row has {len(fields)} fields, the header {len(header)}",
            "check the commas and quotes on that line",
        )
    return _from_row(dict(zip(header, fields, strict=True)), where)


def read_csv(path: Path, handle: BinaryIO | None = None) -> Iterator[Item]:
    """One article a record; a bad record is one problem at its ``file:line`` and the next line is read."""
    decoded = decode_utf8(_bytes(path, handle), str(path))
    if isinstance(decoded, Problem):
        yield decoded
        return
    csv.field_size_limit(sys.maxsize)
    records = _CsvRecords(decoded)
    rows = iter(records)
    header = next(rows, (1, []))[1]
    if isinstance(header, str):
        yield Problem(f"{path}:1", f"the CSV header is {header}", "fix the quotes of the header line")
        return
    if "text" not in header:
        yield Problem(f"{path}:1", "the CSV header has no 'text' column", "name the article column 'text'")
        return
    records.single_line = [i for i, name in enumerate(header) if name in KNOWN_COLUMNS and name != "text"]
    for number, fields in rows:
        yield _csv_row(header, number, fields, path)


Reader = Callable[[Path, BinaryIO | None], Iterator[Item]]
_READERS: dict[str, Reader] = {".txt": read_txt, ".jsonl": read_jsonl, ".csv": read_csv}


def read_inputs(paths: list[Path], *, follow_symlinks: bool = False) -> Iterator[Item]:
    """Every article from the given files and directories (a directory: its own supported files, sorted; not its
    subdirectories, so a project's seeds/ folder can keep its gold annotations in seeds/gold/). Symbolic links
    are refused unless ``follow_symlinks``; anything but a regular file is refused."""
    for path in paths:
        yield from _read_path(path, follow_symlinks)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _not_regular(path: Path, mode: int) -> Problem:
    return Problem(
        str(path),
        f"is {_kind(mode)}, not a regular file; not read",
        "newsspan reads articles only from regular files: save them to a file first",
    )


def _symlink(path: Path) -> Problem:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return Problem(str(path), f"is a symbolic link (to {target}); not followed", _SYMLINK_HINT)


def _target_mode(path: Path, follow_symlinks: bool) -> int | Problem:
    """The mode of what ``path`` is (a link's target when following links), or the problem with it."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            if not follow_symlinks:
                return _symlink(path)
            mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return Problem(
                str(path), "is a broken symbolic link (its target does not exist)", "check the link"
            )
        return Problem(str(path), "no such file or directory", "check the path")
    except OSError as error:
        return Problem(str(path), f"cannot read it ({error.strerror})", "check permissions")
    return mode


def _read_path(path: Path, follow_symlinks: bool) -> Iterator[Item]:
    mode = _target_mode(path, follow_symlinks)
    if isinstance(mode, Problem):
        yield mode
    elif stat.S_ISDIR(mode):
        yield from _read_directory(path, follow_symlinks)
    elif not stat.S_ISREG(mode):
        yield _not_regular(path, mode)
    else:
        yield from _read_file(path, follow_symlinks)


def _read_directory(path: Path, follow_symlinks: bool) -> Iterator[Item]:
    try:
        children = sorted(path.iterdir())
    except OSError as error:
        yield Problem(str(path), f"cannot list the directory ({error.strerror})", "check permissions")
        return
    files = []
    for child in children:
        if child.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        mode = _target_mode(child, True)
        if isinstance(mode, int) and stat.S_ISDIR(mode):
            continue  # a folder named like a file (or a link to one): not an article
        files.append(child)
    if not files:
        yield Problem(
            str(path), "the directory holds no .txt, .jsonl or .csv files", "point at article files"
        )
    for file in files:
        yield from _read_path(file, follow_symlinks)


def _open_regular(path: Path, follow_symlinks: bool) -> BinaryIO | Problem:
    """``path`` opened for reading, checked again on the open file: a link (unless following links) or a file
    that is not regular is refused. Non-blocking, so a FIFO swapped in meanwhile cannot block ingest."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags if follow_symlinks else flags | os.O_NOFOLLOW)
    except OSError as error:
        if not follow_symlinks and os.path.islink(path):
            return _symlink(path)
        return Problem(str(path), f"cannot read the file ({error.strerror})", "check permissions")
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        return _not_regular(path, mode)
    return os.fdopen(fd, "rb")


def _read_file(path: Path, follow_symlinks: bool) -> Iterator[Item]:
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        yield Problem(str(path), f"unsupported file type '{path.suffix}'", "use .txt, .jsonl or .csv")
        return
    opened = _open_regular(path, follow_symlinks)
    if isinstance(opened, Problem):
        yield opened
        return
    with opened as handle:
        try:
            yield from reader(path, handle)
        except OSError as error:
            yield Problem(str(path), f"cannot read the file ({error.strerror})", "check permissions")
