"""Label Studio JSON, in and out: a list of tasks, one per document, one annotation per annotator.

Offsets. Label Studio 1.23 stores a text span's ``start``/``end`` in code points (Python's unit); older versions
stored positions in JavaScript strings (UTF-16 code units). The two differ after an emoji or any other astral
character. Reading decides per span: the convention under which ``text[start:end]`` is the span's ``text``
wins (code points when both do), converted with :mod:`corpus.offsets`; each item records which one it was
(``Item.offsets``, counted in the import report). Writing uses code points, what current Label Studio reads.

Per-span attributes travel as per-region results sharing the span's ``id`` (``choices`` for enums, booleans
and lists of choices, ``textarea`` for free text and free lists, ``number`` for numbers). ``links`` and link
attributes (a claim's ``speaker``) travel as ``relation`` results; reading turns a relation named like a link
attribute of its source span's label back into that attribute, any other into a ``links`` entry. A task's
``data`` carries ``text``, ``doc_id``, ``source_id`` and ``title``, so a file finds its documents again on
import; its ``meta.newsspan.annotators`` names the annotator of each annotation (by the annotation's ``id``,
which Label Studio keeps as ``import_id``), since Label Studio refuses a ``completed_by`` that is not one of its
users. Writing: :mod:`corpus.formats.labelstudio_write`; the labeling config: :mod:`corpus.formats.labelstudio_config`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corpus.errors import NewsspanError
from corpus.formats.items import ID_PATTERN, Item, ReadOptions, bad_item
from corpus.formats.labelstudio_config import label_config
from corpus.formats.labelstudio_write import records_to_labelstudio
from corpus.jsonl import NotUtf8, decode_utf8
from corpus.offsets import OffsetError, utf16_to_codepoints

__all__ = ["label_config", "labelstudio_labels", "read_labelstudio", "records_to_labelstudio"]

_LINKS = "\0links"  # key of a span's relations among its attributes while a task is read

Specs = dict[str, dict[str, Any]]
Span = tuple[dict[str, Any], dict[str, Any], int]  # the labels result, its attributes, its line in the file


# -- reading -----------------------------------------------------------------------------------------------


class _RegionLines:
    """The file line of each region id, found by searching the raw text forward (regions come in file order),
    so an error names the line of the span it is about and not only the task."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.cursor = 0

    def line_of(self, region_id: Any) -> int:
        needle = json.dumps(region_id, ensure_ascii=False)
        found = self.raw.find(needle, self.cursor)
        if found == -1:
            found = self.raw.find(needle)
        if found == -1:
            return self.raw.count("\n", 0, self.cursor) + 1
        self.cursor = found
        return self.raw.count("\n", 0, found) + 1


def _typed(spec: Mapping[str, Any], value: Any) -> Any:
    """A choice (always a string in Label Studio) as the attribute's scalar type."""
    kind = spec.get("type")
    if kind == "array":
        kind = (spec.get("items") or {}).get("type")
    if not isinstance(value, str) or kind not in ("integer", "number", "boolean"):
        return value
    if kind == "boolean":
        return value.lower() == "true"
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if kind == "integer" and number.is_integer() else number


def _attribute_value(spec: Mapping[str, Any] | None, result: dict[str, Any]) -> Any:
    """A per-region result's value as the scheme's attribute value (the spec says how to read it)."""
    spec = spec or {}
    value = result.get("value", {})
    kind = result.get("type")
    if kind == "number":
        number = value.get("number")
        return int(number) if spec.get("type") == "integer" and isinstance(number, float) else number
    if kind == "textarea":
        texts = value.get("text") or []
        texts = texts if isinstance(texts, list) else [texts]
        if spec.get("type") == "array":
            return [_typed(spec, text) for text in texts]
        return texts[0] if texts else None
    choices = value.get("choices") or []
    if spec.get("type") == "array":
        return [_typed(spec, choice) for choice in choices]
    return _typed(spec, choices[0]) if choices else None


def _annotations(task: dict[str, Any], options: ReadOptions) -> list[dict[str, Any]]:
    """The task's annotations that were not cancelled, without those of other annotators than
    ``options.annotator`` when the file says whose they are (``meta.newsspan.annotators`` by ``import_id``,
    else a ``completed_by`` e-mail of ``options.annotator_emails``)."""
    meta = task.get("meta")
    newsspan = meta.get("newsspan") if isinstance(meta, dict) else None
    names = (newsspan or {}).get("annotators") or {}
    by_email = {email: name for name, email in options.annotator_emails.items()}
    kept = []
    for annotation in task.get("annotations") or []:
        if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
            continue
        owner = names.get(str(annotation.get("import_id"))) if isinstance(names, dict) else None
        completed = annotation.get("completed_by")
        if owner is None and isinstance(completed, dict):
            owner = by_email.get(str(completed.get("email")))
        if options.annotator is None or owner is None or owner == options.annotator:
            kept.append(annotation)
        else:
            options.skipped[owner] = options.skipped.get(owner, 0) + 1
    return kept


def _link(result: dict[str, Any]) -> tuple[Any, Any, str]:
    """(source region, target region, role) of a relation result (``direction: left`` points backwards)."""
    labels = result.get("labels") or ["link"]
    source, target = result.get("from_id"), result.get("to_id")
    if result.get("direction") == "left":
        source, target = target, source
    return source, target, str(labels[0])


def _spans(
    results: list[dict[str, Any]], specs: Specs, links_by_label: Mapping[str, set[str]], lines: _RegionLines
) -> dict[Any, Span]:
    """The task's spans by region id, with the attributes and relations that share their id."""
    spans: dict[Any, Span] = {}  # region ids are whatever the file has: strings, numbers
    extras: list[dict[str, Any]] = []
    for result in results:
        if result.get("type") == "labels":
            spans[result.get("id")] = (result, {}, lines.line_of(result.get("id")))
        else:
            extras.append(result)
    for result in extras:
        if result.get("type") == "relation":
            source, target, role = _link(result)
            if source not in spans:
                continue
            labels = spans[source][0].get("value", {}).get("labels") or [None]
            if role in links_by_label.get(labels[0], set()):
                spans[source][1][role] = target
            else:
                spans[source][1].setdefault(_LINKS, []).append({"role": role, "target": target})
        elif result.get("id") in spans:
            name = str(result.get("from_name"))
            spans[result["id"]][1][name] = _attribute_value(specs.get(name), result)
    return spans


def _fits(text: str, start: int, end: int) -> dict[str, tuple[int, int]]:
    """The span's code point offsets under each convention its ``start``/``end`` can be read in."""
    fits: dict[str, tuple[int, int]] = {}
    if 0 <= start <= end <= len(text):
        fits["codepoints"] = (start, end)
    try:
        converted = utf16_to_codepoints(text, [start, end])
    except OffsetError:
        return fits
    if converted[0] <= converted[1]:
        fits["utf16"] = (converted[0], converted[1])
    return fits


_UNITS = {"codepoints": "code points", "utf16": "UTF-16 code units"}


def _choose(
    text: str, fits: dict[str, tuple[int, int]], span_text: Any
) -> tuple[str, tuple[int, int]] | None:
    """The convention the span's offsets are in: the one under which they cover ``span_text`` (code points
    first), ``same`` when both agree; without a span text, code points (``unchecked``) when they fit."""
    if len(fits) == 2 and fits["codepoints"] == fits["utf16"]:
        start, end = fits["codepoints"]
        fine = not isinstance(span_text, str) or text[start:end] == span_text
        return ("same", fits["codepoints"]) if fine else None
    if not isinstance(span_text, str):
        return ("unchecked", fits["codepoints"]) if "codepoints" in fits else ("utf16", fits["utf16"])
    for basis, (start, end) in fits.items():
        if text[start:end] == span_text:
            return basis, (start, end)
    return None


def _offsets(text: Any, value: dict[str, Any]) -> tuple[int | None, int | None, str | None, list[str]]:
    """The span's code point offsets in the task text and the convention they were in, or the problems."""
    start, end = value.get("start"), value.get("end")
    if not isinstance(text, str) or not isinstance(start, int) or not isinstance(end, int):
        return None, None, None, ["the span has no integer start and end"]
    fits = _fits(text, start, end) if not isinstance(start, bool) and not isinstance(end, bool) else {}
    if not fits:
        return None, None, None, [f"offsets {start}-{end} do not fit the task text"]
    chosen = _choose(text, fits, value.get("text"))
    if chosen is None:
        tried = [f"text[{s}:{e}] {text[s:e]!r} (as {_UNITS[basis]})" for basis, (s, e) in fits.items()]
        verb = "matches neither" if len(tried) == 2 else "does not match"
        return None, None, None, [f"span text {value.get('text')!r} {verb} {' nor '.join(tried)}"]
    basis, (start, end) = chosen
    return start, end, basis, []


def _span_item(where: str, data: dict[str, Any], result: dict[str, Any], attributes: dict[str, Any]) -> Item:
    """One span of a task as an item: its record, or the problems that stop it being one."""
    text = data.get("text")
    value = result.get("value", {})
    labels = value.get("labels") or []
    problems = [] if isinstance(text, str) else ["the task has no data.text"]
    if len(labels) != 1:
        problems.append(f"a span needs exactly one label, this one has {labels}")
    start, end, basis, offset_problems = _offsets(text, value)
    problems += offset_problems
    links = attributes.pop(_LINKS, None)
    record: dict[str, Any] = {
        "start": start,
        "end": end,
        "label": labels[0] if labels else None,
        "attributes": {key: val for key, val in attributes.items() if val is not None},
    }
    if isinstance(text, str) and start is not None and end is not None:
        record["span_text"] = text[start:end]
    region_id = result.get("id")
    if isinstance(region_id, str) and ID_PATTERN.match(region_id):
        record["id"] = region_id
    if links:
        record["links"] = links
    if data.get("doc_id"):
        record["doc_id"] = data["doc_id"]
    return Item(
        where,
        None if problems else record,
        problems,
        source_id=data.get("source_id"),
        task_text=text,
        offsets=basis,
    )


def _load_tasks(path: Path) -> tuple[list[Any], str] | Item:
    """The file's tasks and raw text, or an item saying why the file is not a Label Studio export."""
    try:
        raw = decode_utf8(path.read_bytes(), str(path))
    except NotUtf8 as error:
        return bad_item(error.where or str(path), error.what)
    try:
        tasks = json.loads(raw)
    except json.JSONDecodeError as error:
        return bad_item(f"{path}:{error.lineno}", f"not valid JSON ({error.msg})")
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        return bad_item(f"{path}:1", "expected a Label Studio export: a JSON list of tasks")
    return tasks, raw


def read_labelstudio(
    path: Path,
    specs: Specs,
    links_by_label: Mapping[str, set[str]] | None = None,
    options: ReadOptions | None = None,
) -> list[Item]:
    """One item per span of every task (cancelled annotations skipped); ``specs`` are the attribute specs
    by name (``corpus.formats.items.attribute_specs``), ``links_by_label`` each label's link attributes
    (``corpus.formats.items.link_attributes``). Errors name ``file:line (task N, region ID)``."""
    loaded = _load_tasks(path)
    if isinstance(loaded, Item):
        return [loaded]
    tasks, raw = loaded
    options = options or ReadOptions()
    lines = _RegionLines(raw)
    items: list[Item] = []
    for number, task in enumerate(tasks, start=1):
        if not isinstance(task, dict):
            items.append(bad_item(f"{path} (task {number})", "a task must be a JSON object"))
            continue
        data = task["data"] if isinstance(task.get("data"), dict) else {}
        results = [
            result for annotation in _annotations(task, options) for result in annotation.get("result") or []
        ]
        for region_id, (result, attributes, line) in _spans(
            results, specs, links_by_label or {}, lines
        ).items():
            where = f"{path}:{line} (task {number}, region {region_id})"
            items.append(_span_item(where, data, result, attributes))
    return items


def labelstudio_labels(path: Path) -> dict[str, int]:
    """Every label the spans of a Label Studio file use (of every annotation, whatever its offsets), in order
    of first use, with how many spans have it. An unreadable file raises NewsspanError."""
    loaded = _load_tasks(path)
    if isinstance(loaded, Item):
        raise NewsspanError(f"cannot read {loaded.problems[0]}", where=loaded.where)
    counts: dict[str, int] = {}
    for task in loaded[0]:
        annotations = task.get("annotations") or [] if isinstance(task, dict) else []
        for annotation in annotations:
            for result in (annotation.get("result") or []) if isinstance(annotation, dict) else []:
                labels = result.get("value", {}).get("labels") if result.get("type") == "labels" else None
                for label in labels if isinstance(labels, list) else []:
                    counts[str(label)] = counts.get(str(label), 0) + 1
    return counts
