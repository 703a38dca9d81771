"""Import and export of annotation records: JSONL (the scheme's record format), Label Studio JSON (in and out)
and brat standoff (in; ``records_to_brat`` writes it for round trips).

Every import is checked as a whole before anything is written: each record's document is found (by ``doc_id``,
by the document's ``source_id``, or for Label Studio by the task text), missing ``span_text``, ``text_sha256``
and ``schema_version`` are filled from the document, and the scheme's validator runs with the file's other
records as link targets. Each bad record gives one ``file:line: sentence`` error. Without ``partial`` a file
with any bad record imports nothing; with it the good records are imported (in one transaction either way).

Label Studio offsets are positions in JavaScript strings (UTF-16 code units); they are converted to and from
Python code points here. Per-span attributes travel as Label Studio results sharing the span's ``id``
(``choices`` for enums, booleans and id lists, ``textarea`` for free text, ``number`` for numbers); ``links``
travel as ``relation`` results. brat discontinuous spans (``T1 label 0 5;9 12``) are refused with an error:
split them into separate spans in brat first.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.annotations import AnnotationsMixin, document_dict, new_id
from workbench.store.base import User, scheme_record
from workbench.store.errors import ImportFailed

FORMATS = ("jsonl", "labelstudio", "brat")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")


@dataclass
class Item:
    """One record read from a file, before it is checked against the store."""

    where: str  # "file:line"
    record: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)
    source_id: str | None = None  # the document named by source_id instead of doc_id
    task_text: str | None = None  # Label Studio / brat: the text the offsets were made on


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


# -- offsets -----------------------------------------------------------------------------------------------


def utf16_offset(text: str, index: int) -> int:
    """Python code-point index -> UTF-16 code-unit index (what browsers and Label Studio count)."""
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)


def codepoint_offset(text: str, index: int) -> int | None:
    """UTF-16 code-unit index -> code-point index; None when it falls inside a surrogate pair or off the end."""
    units = 0
    for position, char in enumerate(text):
        if units == index:
            return position
        units += 2 if ord(char) > 0xFFFF else 1
        if units > index:
            return None
    return len(text) if units == index else None


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".ann":
        return "brat"
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".json":
        return "labelstudio"
    raise NewsspanError(f"cannot tell the format of {path}", hint="pass --format jsonl, labelstudio or brat")


# -- readers -----------------------------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[Item]:
    items = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                items.append(Item(where, None, [f"not valid JSON ({error.msg} at column {error.colno})"]))
                continue
            if not isinstance(record, dict):
                items.append(Item(where, None, ["a record must be a JSON object"]))
                continue
            source_id = record.pop("source_id", None) if "doc_id" not in record else None
            items.append(Item(where, record, source_id=source_id))
    return items


def _attribute_value(spec: dict[str, Any] | None, result: dict[str, Any]) -> Any:
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


def read_labelstudio(path: Path, attribute_specs: dict[str, dict[str, Any]]) -> list[Item]:
    raw = path.read_text(encoding="utf-8")
    try:
        tasks = json.loads(raw)
    except json.JSONDecodeError as error:
        return [Item(f"{path}:{error.lineno}", None, [f"not valid JSON ({error.msg})"])]
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        return [Item(f"{path}:1", None, ["expected a Label Studio export: a JSON list of tasks"])]

    cursor = 0

    def line_of(region_id: Any) -> int:
        nonlocal cursor
        found = raw.find(json.dumps(region_id), cursor)
        if found == -1:
            found = raw.find(json.dumps(region_id))
        if found == -1:
            return raw.count("\n", 0, cursor) + 1
        cursor = found
        return raw.count("\n", 0, found) + 1

    items: list[Item] = []
    for number, task in enumerate(tasks, start=1):
        data = task.get("data", {}) if isinstance(task, dict) else {}
        text = data.get("text")
        results = [
            result
            for annotation in (task.get("annotations") or [] if isinstance(task, dict) else [])
            if not annotation.get("was_cancelled")
            for result in annotation.get("result") or []
        ]
        spans: dict[str, tuple[dict[str, Any], dict[str, Any], int]] = {}
        extras: list[dict[str, Any]] = []
        for result in results:
            if result.get("type") == "labels":
                spans[result.get("id")] = (result, {}, line_of(result.get("id")))
            else:
                extras.append(result)
        for result in extras:
            if result.get("type") == "relation":
                if result.get("from_id") in spans:
                    link = {"role": (result.get("labels") or ["link"])[0], "target": result.get("to_id")}
                    spans[result["from_id"]][1].setdefault("\0links", []).append(link)
            elif result.get("id") in spans:
                name = result.get("from_name")
                spans[result["id"]][1][name] = _attribute_value(attribute_specs.get(name), result)
        for region_id, (result, attributes, line) in spans.items():
            where = f"{path}:{line} (task {number}, region {region_id})"
            value = result.get("value", {})
            labels = value.get("labels") or []
            problems = []
            if not isinstance(text, str):
                problems.append("the task has no data.text")
            if len(labels) != 1:
                problems.append(f"a span needs exactly one label, this one has {labels}")
            start = end = None
            if (
                isinstance(text, str)
                and isinstance(value.get("start"), int)
                and isinstance(value.get("end"), int)
            ):
                start, end = codepoint_offset(text, value["start"]), codepoint_offset(text, value["end"])
                if start is None or end is None:
                    problems.append(f"offsets {value['start']}-{value['end']} do not fit the task text")
            else:
                problems.append("the span has no integer start and end")
            links = attributes.pop("\0links", None)
            record: dict[str, Any] = {
                "start": start,
                "end": end,
                "label": labels[0] if labels else None,
                "attributes": {key: val for key, val in attributes.items() if val is not None},
            }
            if isinstance(value.get("text"), str):
                record["span_text"] = value["text"]
            if isinstance(region_id, str) and ID_PATTERN.match(region_id):
                record["id"] = region_id
            if links:
                record["links"] = links
            if data.get("doc_id"):
                record["doc_id"] = data["doc_id"]
            items.append(
                Item(
                    where,
                    None if problems else record,
                    problems,
                    source_id=data.get("source_id"),
                    task_text=text,
                )
            )
    return items


def _brat_value(spec: dict[str, Any] | None, value: str | None) -> Any:
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


def read_brat(path: Path, attribute_specs: dict[str, dict[str, Any]], link_names: set[str]) -> list[Item]:
    files = sorted(path.glob("*.ann")) if path.is_dir() else [path]
    items: list[Item] = []
    for ann in files:
        txt = ann.with_suffix(".txt")
        text = txt.read_text(encoding="utf-8").replace("\r\n", "\n") if txt.exists() else None
        stem = ann.stem
        by_tid: dict[str, Item] = {}
        for number, line in enumerate(ann.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line[0] in "#N":
                continue
            where = f"{ann}:{number}"
            fields = line.split("\t")
            kind = fields[0][:1]
            if kind == "T":
                match = re.fullmatch(r"(\S+) (.+)", fields[1]) if len(fields) >= 2 else None
                if match is None:
                    items.append(Item(where, None, ["a T line needs: ID<TAB>LABEL START END<TAB>TEXT"]))
                    continue
                label, ranges = match.group(1), match.group(2)
                if ";" in ranges:
                    items.append(
                        Item(
                            where,
                            None,
                            [
                                f"discontinuous span {ranges!r} is not supported"
                                " (split it into separate spans in brat)"
                            ],
                        )
                    )
                    continue
                try:
                    start, end = (int(part) for part in ranges.split())
                except ValueError:
                    items.append(Item(where, None, [f"offsets {ranges!r} are not two integers"]))
                    continue
                record = {"id": fields[0], "start": start, "end": end, "label": label, "attributes": {}}
                if len(fields) >= 3:
                    record["span_text"] = fields[2]
                if re.fullmatch(r"[0-9a-f]{16}", stem):
                    record["doc_id"] = stem
                item = Item(where, record, source_id=None if "doc_id" in record else stem, task_text=text)
                by_tid[fields[0]] = item
                items.append(item)
            elif kind in "AM":
                parts = fields[1].split() if len(fields) >= 2 else []
                target = by_tid.get(parts[1]) if len(parts) >= 2 else None
                if target is None or target.record is None:
                    items.append(Item(where, None, [f"attribute line names an unknown span: {line!r}"]))
                    continue
                name, value = parts[0], (" ".join(parts[2:]) if len(parts) > 2 else None)
                target.record["attributes"][name] = _brat_value(attribute_specs.get(name), value)
            elif kind == "R":
                match = re.fullmatch(r"(\S+) Arg1:(\S+) Arg2:(\S+)", fields[1]) if len(fields) >= 2 else None
                source = by_tid.get(match.group(2)) if match else None
                if match is None or source is None or source.record is None or match.group(3) not in by_tid:
                    items.append(Item(where, None, [f"relation names an unknown span: {line!r}"]))
                    continue
                role, target_id = match.group(1), match.group(3)
                if role in link_names:
                    source.record["attributes"][role] = target_id
                else:
                    source.record.setdefault("links", []).append({"role": role, "target": target_id})
            else:
                items.append(Item(where, None, [f"unsupported brat line type {fields[0]!r} (only T, A, R)"]))
    return items


# -- writers -----------------------------------------------------------------------------------------------


def _ls_attribute(name: str, value: Any, spec: dict[str, Any] | None) -> dict[str, Any]:
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


def records_to_labelstudio(
    records: Iterable[dict[str, Any]], documents: dict[str, dict[str, Any]], specs: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Label Studio tasks, one per document, one annotation per annotator; offsets in UTF-16 code units."""
    tasks: dict[str, dict[str, Any]] = {}
    for record in records:
        document = documents[record["doc_id"]]
        text = document["text"]
        task = tasks.setdefault(
            record["doc_id"],
            {
                "data": {
                    "text": text,
                    "doc_id": document["doc_id"],
                    "source_id": document.get("source_id"),
                    "title": document.get("title"),
                },
                "annotations": {},
            },
        )
        annotation = task["annotations"].setdefault(
            record["annotator"], {"completed_by": {"email": record["annotator"]}, "result": []}
        )
        position = {
            "start": utf16_offset(text, record["start"]),
            "end": utf16_offset(text, record["end"]),
            "text": record["span_text"],
        }
        region = {"id": record["id"], "to_name": "text"}
        annotation["result"].append(
            {
                **region,
                "from_name": "label",
                "type": "labels",
                "value": {**position, "labels": [record["label"]]},
            }
        )
        for name, value in record.get("attributes", {}).items():
            result = _ls_attribute(name, value, specs.get(name))
            annotation["result"].append(
                {**region, "from_name": name, **result, "value": {**position, **result["value"]}}
            )
        for link in record.get("links") or []:
            annotation["result"].append(
                {
                    "type": "relation",
                    "from_id": record["id"],
                    "to_id": link["target"],
                    "direction": "right",
                    "labels": [link["role"]],
                }
            )
    return [
        {"id": number, "data": task["data"], "annotations": list(task["annotations"].values())}
        for number, task in enumerate(tasks.values(), start=1)
    ]


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
                continue
            attribute += 1
            if value is True:
                lines.append(f"A{attribute}\t{name} {tid}")
                continue
            if isinstance(value, list):
                value = ",".join(value)
            lines.append(f"A{attribute}\t{name} {tid} {str(value).lower() if value is False else value}")
        for link in record.get("links") or []:
            relation += 1
            lines.append(f"R{relation}\t{link['role']} Arg1:{tid} Arg2:{tids[link['target']]}")
    return "\n".join(lines) + "\n"


# -- the store side ----------------------------------------------------------------------------------------


def _scheme_specs() -> tuple[dict[str, dict[str, Any]], set[str]]:
    from corpus import scheme

    labelset = scheme.default_labelset()
    specs: dict[str, dict[str, Any]] = {}
    links: set[str] = set()
    for label in labelset.labels:
        specs.update(label.attributes)
        links.update(label.links())
    return specs, links


class InterchangeMixin(AnnotationsMixin):
    def import_file(
        self,
        user: User,
        path: Path | str,
        *,
        annotator: str,
        fmt: str | None = None,
        partial: bool = False,
        layer: str = "annotation",
    ) -> ImportReport:
        """Import a JSONL, Label Studio or brat file (or brat folder) as ``annotator``'s records (admins).

        Raises ``ImportFailed`` (one ``file:line: sentence`` per bad record) and writes nothing when a record is
        bad, unless ``partial``; then the good ones are imported and the report lists the errors."""
        require_admin(user, "import annotations")
        path = Path(path)
        if not path.exists():
            raise NewsspanError(f"{path} does not exist", hint="check the path")
        fmt = fmt or detect_format(path)
        if fmt not in FORMATS:
            raise NewsspanError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
        specs, link_names = _scheme_specs()
        if fmt == "jsonl":
            items = read_jsonl(path)
        elif fmt == "labelstudio":
            items = read_labelstudio(path, specs)
        else:
            items = read_brat(path, specs, link_names)
        return self.import_items(
            user, items, annotator=annotator, partial=partial, layer=layer, source=path.name
        )

    def import_items(
        self,
        user: User,
        items: list[Item],
        *,
        annotator: str,
        partial: bool = False,
        layer: str = "annotation",
        source: str = "import",
    ) -> ImportReport:
        require_admin(user, "import annotations")
        if layer == "annotation" and self.user(annotator) is None:
            raise NewsspanError(f"unknown annotator {annotator!r}", hint="add them: newsspan user add NAME")
        report = ImportReport()
        with self._write() as connection:
            documents = self._import_documents(connection, items)
            good = self._check_items(connection, items, documents, annotator, layer, report)
            if report.errors and not partial:
                raise ImportFailed(
                    report.errors, hint="fix them, or pass --partial to import the good records"
                )
            # link targets first, so a claim finds its speaker already saved
            targets = {
                value
                for _, record in good
                for value in [
                    *(record.get("attributes") or {}).values(),
                    *(link["target"] for link in record.get("links") or []),
                ]
                if isinstance(value, str)
            }
            good.sort(key=lambda pair: pair[1].get("id") not in targets)
            for _, record in good:
                existing = connection.execute(
                    select(t.annotations).where(t.annotations.c.id == record["id"])
                ).first()
                if existing is not None and not existing.deleted:
                    report.unchanged += 1
                    continue
                self._save(connection, user, record, None, layer, f"import:{source}")
                report.imported += 1
        return report

    def _import_documents(self, connection: Connection, items: list[Item]) -> dict[str, Any]:
        """Documents the items name, by doc_id and by source_id (``source:<id>`` keys) and by text sha."""
        wanted = {item.record.get("doc_id") for item in items if item.record and item.record.get("doc_id")}
        found: dict[str, Any] = {}
        if wanted:
            for row in connection.execute(select(t.documents).where(t.documents.c.doc_id.in_(wanted))):
                found[row.doc_id] = row
        if any(item.record and not item.record.get("doc_id") for item in items):
            sources = {item.source_id for item in items if item.source_id}
            shas = {hashlib.sha256(item.task_text.encode()).hexdigest() for item in items if item.task_text}
            for row in connection.execute(select(t.documents)):
                if row.record.get("source_id") in sources:
                    found[f"source:{row.record['source_id']}"] = row
                if row.text_sha256 in shas:
                    found[f"sha:{row.text_sha256}"] = row
        return found

    def _check_items(
        self,
        connection: Connection,
        items: list[Item],
        documents: dict[str, Any],
        annotator: str,
        layer: str,
        report: ImportReport,
    ) -> list[tuple[Item, dict[str, Any]]]:
        prepared: list[tuple[Item, dict[str, Any], Any]] = []
        for item in items:
            if item.record is None:
                report.errors.extend(f"{item.where}: {problem}" for problem in item.problems)
                continue
            record = dict(item.record)
            document = documents.get(record.get("doc_id") or "")
            if document is None and item.source_id:
                document = documents.get(f"source:{item.source_id}")
            if document is None and item.task_text and not record.get("doc_id") and not item.source_id:
                document = documents.get(f"sha:{hashlib.sha256(item.task_text.encode()).hexdigest()}")
            if document is None:
                named = record.get("doc_id") or item.source_id or "(no doc_id)"
                report.errors.append(
                    f"{item.where}: unknown document {named!r} (not in the store; load its release first)"
                )
                continue
            if item.task_text is not None and item.task_text != document.text:
                report.errors.append(
                    f"{item.where}: the file's text differs from document {document.doc_id}'s text "
                    "(made on another version of the article?)"
                )
                continue
            named = record.get("annotator")
            wanted = "gold" if layer == "gold" else annotator
            if named is not None and named != wanted:
                report.errors.append(f"{item.where}: the record's annotator is {named!r}, not {wanted!r}")
                continue
            record = self._prepare(
                User(0, annotator, "annotator"), {**record, "doc_id": document.doc_id}, document, layer
            )
            record["id"] = record.get("id") or new_id()
            prepared.append((item, record, document))
        # existing records of the same documents and annotator are link targets too
        groups: dict[str, list[dict[str, Any]]] = {}
        for _, record, document in prepared:
            if document.doc_id not in groups:
                groups[document.doc_id] = [
                    row.record
                    for row in self._current(connection, document.doc_id, layer, record["annotator"])
                ]
        taken = self._rename_taken_ids(connection, prepared, layer)
        while True:  # drop bad records and check the rest again: a claim may have lost its speaker
            good, errors = self._check_batch(prepared, groups, taken, layer)
            report.errors.extend(errors)
            if not errors:
                return good
            kept = {id(record) for _, record in good}
            prepared = [entry for entry in prepared if id(entry[1]) in kept]

    def _rename_taken_ids(
        self, connection: Connection, prepared: list[tuple[Item, dict[str, Any], Any]], layer: str
    ) -> dict[str, Any]:
        """Ids are unique per document and annotator in the scheme but global in the store: a record whose id
        another document or annotator already uses (in the store or in this file) gets a new id, and the links
        of its own document and annotator follow. Returns the store rows that still share an id."""
        batch_ids = {record["id"] for _, record, _ in prepared}
        rows = connection.execute(select(t.annotations).where(t.annotations.c.id.in_(batch_ids))).all()
        owner = {row.id: (row.doc_id, row.layer, row.annotator) for row in rows}
        renames: dict[tuple[str, str], str] = {}
        for _, record, _ in prepared:
            group = (record["doc_id"], layer, record["annotator"])
            if owner.setdefault(record["id"], group) != group:
                renames[(record["doc_id"], record["id"])] = new_id()
        if renames:
            for _, record, _ in prepared:
                doc_id = record["doc_id"]
                record["id"] = renames.get((doc_id, record["id"]), record["id"])
                record["attributes"] = {
                    key: renames.get((doc_id, value), value) if isinstance(value, str) else value
                    for key, value in record["attributes"].items()
                }
                if record.get("links"):
                    record["links"] = [
                        {**link, "target": renames.get((doc_id, link["target"]), link["target"])}
                        for link in record["links"]
                    ]
        return {row.id: row for row in rows}

    def _check_batch(
        self,
        prepared: list[tuple[Item, dict[str, Any], Any]],
        groups: dict[str, list[dict[str, Any]]],
        taken: dict[str, Any],
        layer: str,
    ) -> tuple[list[tuple[Item, dict[str, Any]]], list[str]]:
        good: list[tuple[Item, dict[str, Any]]] = []
        errors: list[str] = []
        batch_by_doc: dict[str, list[dict[str, Any]]] = {}
        for _, record, _ in prepared:
            batch_by_doc.setdefault(record["doc_id"], []).append(record)
        for item, record, document in prepared:
            problems = []
            existing = taken.get(record["id"])
            if existing is not None and existing.deleted:
                problems.append(f"annotation {record['id']!r} was deleted in the store (undo restores it)")
            elif existing is not None:
                group = (existing.doc_id, existing.layer, existing.annotator)
                if group != (record["doc_id"], layer, record["annotator"]):
                    problems.append(
                        f"id {record['id']!r} is taken by another document or annotator in the store"
                    )
                elif {**scheme_record(existing.record), "created_at": None} != {**record, "created_at": None}:
                    problems.append(f"annotation {record['id']!r} is already in the store with other content")
            if not problems:
                others = [o for o in groups[record["doc_id"]] if o.get("id") != record["id"]]
                others += [o for o in batch_by_doc[record["doc_id"]] if o is not record]
                problems = self.validate(record, document_dict(document), others, layer=layer)
            if problems:
                errors.extend(f"{item.where}: {problem}" for problem in problems)
            else:
                good.append((item, record))
        return good, errors

    def export_records(self, user: User, layer: str = "annotation") -> list[dict[str, Any]]:
        """Every current record of a layer in the scheme's format (admins)."""
        return [scheme_record(record) for record in self.records(user, layer)]

    def export_file(self, user: User, path: Path | str, fmt: str, layer: str = "annotation") -> int:
        """Write JSONL or Label Studio JSON; returns the number of records written."""
        records = self.export_records(user, layer)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "jsonl":
            with path.open("w", encoding="utf-8") as handle:
                for record in records:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif fmt == "labelstudio":
            doc_ids = sorted({record["doc_id"] for record in records})
            documents = {doc_id: self.document(user, doc_id) for doc_id in doc_ids}
            tasks = records_to_labelstudio(records, documents, _scheme_specs()[0])
            path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            raise NewsspanError(f"cannot export as {fmt!r}", hint="use jsonl or labelstudio")
        return len(records)
