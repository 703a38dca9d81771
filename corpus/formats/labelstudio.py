"""Label Studio JSON, in and out: a list of tasks, one per document, one annotation per annotator.

Offsets in Label Studio are positions in JavaScript strings (UTF-16 code units); they are converted to and from
Python code points with :mod:`corpus.offsets`. Per-span attributes travel as Label Studio results sharing the
span's ``id`` (``choices`` for enums, booleans and id lists, ``textarea`` for free text, ``number`` for
numbers); ``links`` travel as ``relation`` results. A task's ``data`` carries ``text``, ``doc_id``,
``source_id`` and ``title``, so a file finds its documents again on import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from corpus.formats.items import ID_PATTERN, Item, bad_item
from corpus.jsonl import NotUtf8, decode_utf8
from corpus.offsets import OffsetError, codepoints_to_utf16, utf16_to_codepoints

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
        needle = json.dumps(region_id)
        found = self.raw.find(needle, self.cursor)
        if found == -1:
            found = self.raw.find(needle)
        if found == -1:
            return self.raw.count("\n", 0, self.cursor) + 1
        self.cursor = found
        return self.raw.count("\n", 0, found) + 1


def _attribute_value(spec: dict[str, Any] | None, result: dict[str, Any]) -> Any:
    """A per-span result's value as the scheme's attribute value (the spec says how to read choices)."""
    value = result.get("value", {})
    kind = result.get("type")
    if kind == "number":
        return value.get("number")
    if kind == "textarea":
        texts = value.get("text") or [""]
        return texts[0] if isinstance(texts, list) else texts
    choices = value.get("choices") or []
    spec_type = (spec or {}).get("type")
    if spec_type == "array":
        return list(choices)
    if spec_type == "boolean":
        return choices[:1] == ["true"]
    return choices[0] if choices else None


def _results(task: Any) -> list[dict[str, Any]]:
    """Every result of the task's annotations that were not cancelled."""
    if not isinstance(task, dict):
        return []
    return [
        result
        for annotation in task.get("annotations") or []
        if not annotation.get("was_cancelled")
        for result in annotation.get("result") or []
    ]


def _spans(results: list[dict[str, Any]], specs: Specs, lines: _RegionLines) -> dict[Any, Span]:
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
            if result.get("from_id") in spans:
                link = {"role": (result.get("labels") or ["link"])[0], "target": result.get("to_id")}
                spans[result["from_id"]][1].setdefault(_LINKS, []).append(link)
        elif result.get("id") in spans:
            name = str(result.get("from_name"))
            spans[result["id"]][1][name] = _attribute_value(specs.get(name), result)
    return spans


def _offsets(text: Any, value: dict[str, Any]) -> tuple[int | None, int | None, list[str]]:
    """The span's code point offsets in the task text, or the problems that stop reading them."""
    start, end = value.get("start"), value.get("end")
    if not (isinstance(text, str) and isinstance(start, int) and isinstance(end, int)):
        return None, None, ["the span has no integer start and end"]
    try:
        start, end = utf16_to_codepoints(text, [start, end])
    except OffsetError:
        return None, None, [f"offsets {start}-{end} do not fit the task text"]
    return start, end, []


def _span_item(where: str, data: dict[str, Any], result: dict[str, Any], attributes: dict[str, Any]) -> Item:
    """One span of a task as an item: its record, or the problems that stop it being one."""
    text = data.get("text")
    value = result.get("value", {})
    labels = value.get("labels") or []
    problems = [] if isinstance(text, str) else ["the task has no data.text"]
    if len(labels) != 1:
        problems.append(f"a span needs exactly one label, this one has {labels}")
    start, end, offset_problems = _offsets(text, value)
    problems += offset_problems
    links = attributes.pop(_LINKS, None)
    record: dict[str, Any] = {
        "start": start,
        "end": end,
        "label": labels[0] if labels else None,
        "attributes": {key: val for key, val in attributes.items() if val is not None},
    }
    if isinstance(value.get("text"), str):
        record["span_text"] = value["text"]
    region_id = result.get("id")
    if isinstance(region_id, str) and ID_PATTERN.match(region_id):
        record["id"] = region_id
    if links:
        record["links"] = links
    if data.get("doc_id"):
        record["doc_id"] = data["doc_id"]
    return Item(
        where, None if problems else record, problems, source_id=data.get("source_id"), task_text=text
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


def read_labelstudio(path: Path, specs: Specs) -> list[Item]:
    """One item per span of every task (cancelled annotations skipped); ``specs`` are the attribute specs
    by name (``corpus.formats.items.attribute_specs``). Errors name ``file:line (task N, region ID)``."""
    loaded = _load_tasks(path)
    if isinstance(loaded, Item):
        return [loaded]
    tasks, raw = loaded
    lines = _RegionLines(raw)
    items: list[Item] = []
    for number, task in enumerate(tasks, start=1):
        data = task.get("data") if isinstance(task, dict) else None
        data = data if isinstance(data, dict) else {}
        for region_id, (result, attributes, line) in _spans(_results(task), specs, lines).items():
            where = f"{path}:{line} (task {number}, region {region_id})"
            items.append(_span_item(where, data, result, attributes))
    return items


# -- writing -----------------------------------------------------------------------------------------------


def _ls_attribute(value: Any, spec: dict[str, Any] | None) -> dict[str, Any]:
    """The Label Studio result type and value for one attribute value."""
    spec = spec or {}
    if isinstance(value, bool):
        return {"type": "choices", "value": {"choices": ["true" if value else "false"]}}
    if isinstance(value, int | float):
        return {"type": "number", "value": {"number": value}}
    if isinstance(value, list):
        return {"type": "choices", "value": {"choices": list(value)}}
    if "enum" in spec:
        return {"type": "choices", "value": {"choices": [value]}}
    return {"type": "textarea", "value": {"text": [value]}}


def _utf16(text: str, offset: int) -> int:
    """``offset`` in UTF-16 code units. A span flagged after its document's text changed may keep offsets past
    the end of the new text: those are carried over (shifted by the text's astral characters) rather than
    refusing the whole export."""
    inside = min(offset, len(text))
    return codepoints_to_utf16(text, [inside])[0] + (offset - inside)


def _task(document: dict[str, Any]) -> dict[str, Any]:
    data = {
        "text": document["text"],
        "doc_id": document["doc_id"],
        "source_id": document.get("source_id"),
        "title": document.get("title"),
    }
    return {"data": data, "annotations": {}}


def _record_results(record: dict[str, Any], text: str, specs: Specs) -> list[dict[str, Any]]:
    """The labels result of one record, one result per attribute, and one relation per link."""
    position = {
        "start": _utf16(text, record["start"]),
        "end": _utf16(text, record["end"]),
        "text": record["span_text"],
    }
    region = {"id": record["id"], "to_name": "text"}
    results = [
        {**region, "from_name": "label", "type": "labels", "value": {**position, "labels": [record["label"]]}}
    ]
    for name, value in record.get("attributes", {}).items():
        result = _ls_attribute(value, specs.get(name))
        results.append({**region, "from_name": name, **result, "value": {**position, **result["value"]}})
    for link in record.get("links") or []:
        results.append(
            {
                "type": "relation",
                "from_id": record["id"],
                "to_id": link["target"],
                "direction": "right",
                "labels": [link["role"]],
            }
        )
    return results


def records_to_labelstudio(
    records: Iterable[dict[str, Any]], documents: dict[str, dict[str, Any]], specs: Specs
) -> list[dict[str, Any]]:
    """Label Studio tasks, one per document, one annotation per annotator; offsets in UTF-16 code units.
    ``documents`` maps every record's ``doc_id`` to its document record (with ``text``)."""
    tasks: dict[str, dict[str, Any]] = {}
    for record in records:
        document = documents[record["doc_id"]]
        task = tasks.setdefault(record["doc_id"], _task(document))
        annotation = task["annotations"].setdefault(
            record["annotator"], {"completed_by": {"email": record["annotator"]}, "result": []}
        )
        annotation["result"].extend(_record_results(record, document["text"], specs))
    return [
        {"id": number, "data": task["data"], "annotations": list(task["annotations"].values())}
        for number, task in enumerate(tasks.values(), start=1)
    ]
