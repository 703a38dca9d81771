"""brat standoff, in (an ``.ann`` file or a folder of them) and out (``records_to_brat``, for round trips).

``T`` lines are spans, ``A``/``M`` lines attributes (``A1<TAB>name T1 value``; no value means ``true``), ``R``
lines relations: a relation named like a link attribute (a claim's ``speaker``) sets that attribute, any other
becomes a link. An ``.ann`` file's document is its stem: a 16-hex-digit ``doc_id`` or else a ``source_id``; the
``.txt`` next to it, when there is one, is the text the offsets were made on. Discontinuous spans
(``T1 label 0 5;9 12``) are refused with an error: split them into separate spans in brat first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from corpus.formats.items import Item, bad_item

Specs = dict[str, dict[str, Any]]
_DOC_ID = re.compile(r"[0-9a-f]{16}")
_SPAN = re.compile(r"(\S+) (.+)")
_RELATION = re.compile(r"(\S+) Arg1:(\S+) Arg2:(\S+)")


def _brat_value(spec: dict[str, Any] | None, value: str | None) -> Any:
    """An attribute's text as the scheme's value (the spec's type says how to read it)."""
    spec_type = (spec or {}).get("type")
    if value is None:
        return True
    if spec_type == "boolean":
        return value.lower() == "true"
    if spec_type == "number":
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if spec_type == "array":
        return [part for part in value.split(",") if part]
    return value


class _AnnReader:
    """Reads one ``.ann`` file; each handler returns the problem of its line, or None when it was read."""

    def __init__(self, ann: Path, specs: Specs, link_names: set[str]) -> None:
        self.ann = ann
        self.specs = specs
        self.link_names = link_names
        txt = ann.with_suffix(".txt")
        self.text = txt.read_text(encoding="utf-8").replace("\r\n", "\n") if txt.exists() else None
        self.by_tid: dict[str, Item] = {}
        self.items: list[Item] = []

    def read(self) -> list[Item]:
        handlers: dict[str, Callable[[str, list[str], str], str | None]] = {
            "T": self._span,
            "A": self._attribute,
            "M": self._attribute,
            "R": self._relation,
        }
        for number, line in enumerate(self.ann.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line[0] in "#N":
                continue
            where = f"{self.ann}:{number}"
            fields = line.split("\t")
            handler = handlers.get(fields[0][:1])
            if handler is None:
                problem: str | None = f"unsupported brat line type {fields[0]!r} (only T, A, R)"
            else:
                problem = handler(where, fields, line)
            if problem is not None:
                self.items.append(bad_item(where, problem))
        return self.items

    def _span(self, where: str, fields: list[str], line: str) -> str | None:
        match = _SPAN.fullmatch(fields[1]) if len(fields) >= 2 else None
        if match is None:
            return "a T line needs: ID<TAB>LABEL START END<TAB>TEXT"
        label, ranges = match.group(1), match.group(2)
        if ";" in ranges:
            return f"discontinuous span {ranges!r} is not supported (split it into separate spans in brat)"
        try:
            start, end = (int(part) for part in ranges.split())
        except ValueError:
            return f"offsets {ranges!r} are not two integers"
        record: dict[str, Any] = {
            "id": fields[0],
            "start": start,
            "end": end,
            "label": label,
            "attributes": {},
        }
        if len(fields) >= 3:
            record["span_text"] = fields[2]
        stem = self.ann.stem
        if _DOC_ID.fullmatch(stem):
            record["doc_id"] = stem
        item = Item(where, record, source_id=None if "doc_id" in record else stem, task_text=self.text)
        self.by_tid[fields[0]] = item
        self.items.append(item)
        return None

    def _attribute(self, where: str, fields: list[str], line: str) -> str | None:
        parts = fields[1].split() if len(fields) >= 2 else []
        target = self.by_tid.get(parts[1]) if len(parts) >= 2 else None
        if target is None or target.record is None:
            return f"attribute line names an unknown span: {line!r}"
        name, value = parts[0], (" ".join(parts[2:]) if len(parts) > 2 else None)
        try:
            target.record["attributes"][name] = _brat_value(self.specs.get(name), value)
        except ValueError:
            return f"attribute {name} needs a number, not {value!r}"
        return None

    def _relation(self, where: str, fields: list[str], line: str) -> str | None:
        match = _RELATION.fullmatch(fields[1]) if len(fields) >= 2 else None
        source = self.by_tid.get(match.group(2)) if match else None
        if match is None or source is None or source.record is None or match.group(3) not in self.by_tid:
            return f"relation names an unknown span: {line!r}"
        role, target_id = match.group(1), match.group(3)
        if role in self.link_names:
            source.record["attributes"][role] = target_id
        else:
            source.record.setdefault("links", []).append({"role": role, "target": target_id})
        return None


def read_brat(path: Path, specs: Specs, link_names: set[str]) -> list[Item]:
    """One item per span of an ``.ann`` file, or of every ``.ann`` file of a folder (sorted by name), and one
    per line that could not be read. ``specs`` are the attribute specs by name, ``link_names`` the attributes
    that hold another span's id (``corpus.formats.items.attribute_specs``)."""
    files = sorted(path.glob("*.ann")) if path.is_dir() else [path]
    items: list[Item] = []
    for ann in files:
        items += _AnnReader(ann, specs, link_names).read()
    return items


def _attribute_line(number: int, name: str, tid: str, value: Any) -> str:
    if value is True:
        return f"A{number}\t{name} {tid}"
    if isinstance(value, list):
        value = ",".join(value)
    return f"A{number}\t{name} {tid} {str(value).lower() if value is False else value}"


def records_to_brat(records: Iterable[dict[str, Any]], link_names: set[str]) -> str:
    """brat standoff (.ann) for the records of one document and annotator: T, A and R lines."""
    lines: list[str] = []
    tids: dict[str, str] = {}
    records = list(records)
    for number, record in enumerate(records, start=1):
        tids[record["id"]] = f"T{number}"
        lines.append(f"T{number}\t{record['label']} {record['start']} {record['end']}\t{record['span_text']}")
    attribute = relation = 0
    for record in records:
        tid = tids[record["id"]]
        for name, value in record.get("attributes", {}).items():
            if name in link_names and value in tids:
                relation += 1
                lines.append(f"R{relation}\t{name} Arg1:{tid} Arg2:{tids[value]}")
            else:
                attribute += 1
                lines.append(_attribute_line(attribute, name, tid, value))
        for link in record.get("links") or []:
            relation += 1
            lines.append(f"R{relation}\t{link['role']} Arg1:{tid} Arg2:{tids[link['target']]}")
    return "\n".join(lines) + "\n"
