"""brat standoff, in (an ``.ann`` file or a folder of them) and out (:func:`brat_files`: a folder brat opens).

``T`` lines are spans, ``A``/``M`` lines attributes (``A1<TAB>name T1 value``; no value means ``true``), ``R``
lines relations (``R1<TAB>speaker Arg1:T3 Arg2:T1``): a relation named like a link attribute of its source
span's label (a claim's ``speaker``) sets that attribute, any other becomes a ``links`` entry. An ``.ann``
file's document is its stem: a 16-hex-digit ``doc_id`` or else a ``source_id``; the ``.txt`` next to it, when
there is one, is the text the offsets were made on. Discontinuous spans (``T1 label 0 5;9 12``) are refused
with an error: split them into separate spans in brat first.

**Label names.** brat types cannot hold spaces, commas and a few other characters (its configuration splits
on them), so a label such as ``Appeal to fear`` or ``Claim,Opinion`` is written as a type with each run of
such characters replaced by ``_`` (``Appeal_to_fear``, ``Claim_Opinion``; a ``_2`` suffix when two names
would meet). The mapping is recorded in ``annotation.conf`` as comment lines
``# newsspan-map<TAB>label<TAB>Appeal_to_fear<TAB>Appeal to fear`` (``relation`` for link roles), and
``visual.conf`` shows the original names in brat. Reading looks for ``annotation.conf`` beside the ``.ann``
file and in its parent folder and maps the types back; without one, types are read as they are (rename them
with ``newsspan import --label-map``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from corpus.formats.items import Item, bad_item
from corpus.scheme import Label, LabelSet

Specs = Mapping[str, Mapping[str, Any]]
_DOC_ID = re.compile(r"[0-9a-f]{16}")
_SPAN = re.compile(r"(\S+) (.+)")
_RELATION = re.compile(r"(\S+) Arg1:(\S+) Arg2:(\S+)")
_NOT_IN_TYPE = re.compile(r"[^\w-]+")  # what a brat type may not hold: anything but letters, digits, _ and -
_MAP_LINE = "# newsspan-map"
CONF = "annotation.conf"


# -- label names <-> brat types ------------------------------------------------------------------------------


def brat_types(names: Iterable[str]) -> dict[str, str]:
    """Name -> brat type for label names or link roles: unchanged when brat can hold it, else with every run
    of other characters replaced by ``_`` (and ``_2``, ``_3`` ... when that type is taken)."""
    names = list(dict.fromkeys(names))
    types = {name: name for name in names if not _NOT_IN_TYPE.search(name) and name}
    taken = set(types.values())
    for name in names:
        if name in types:
            continue
        base = _NOT_IN_TYPE.sub("_", name).strip("_") or "label"
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}_{number}"
        types[name] = candidate
        taken.add(candidate)
    return types


def read_type_map(folder: Path) -> dict[str, dict[str, str]]:
    """``{"label": {brat type: label name}, "relation": {brat type: role}}`` from the ``newsspan-map`` lines of
    the ``annotation.conf`` in ``folder`` or its parent (empty when there is none)."""
    mapping: dict[str, dict[str, str]] = {"label": {}, "relation": {}}
    for candidate in (folder / CONF, folder.parent / CONF):
        if candidate.is_file():
            for line in candidate.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if parts[0] == _MAP_LINE and len(parts) == 4 and parts[1] in mapping:
                    mapping[parts[1]][parts[2]] = parts[3]
            break
    return mapping


# -- reading -------------------------------------------------------------------------------------------------


def _brat_value(spec: Mapping[str, Any] | None, value: str | None) -> Any:
    """An attribute's text as the scheme's value (the spec's type says how to read it)."""
    spec_type = (spec or {}).get("type")
    if value is None:
        return True
    if spec_type == "boolean":
        return value.lower() == "true"
    if spec_type in ("number", "integer"):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if spec_type == "array":
        return [part for part in value.split(",") if part]
    return value


def _flat(text: str) -> str:
    """A span's text as a ``T`` line holds it: line breaks and tabs as spaces."""
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


class _AnnReader:
    """Reads one ``.ann`` file; each handler returns the problem of its line, or None when it was read."""

    def __init__(
        self,
        ann: Path,
        specs: Specs,
        links_of: Callable[[str], set[str]],
        type_map: dict[str, dict[str, str]],
    ) -> None:
        self.ann = ann
        self.specs = specs
        self.links_of = links_of
        self.type_map = type_map
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

    def _span_text(self, start: int, end: int, written: str | None) -> str | None:
        """The span's text: the document's own when the line's text is it with line breaks flattened."""
        if self.text is not None and 0 <= start <= end <= len(self.text):
            own = self.text[start:end]
            if written is None or _flat(own) == written:
                return own
        return written

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
            "label": self.type_map["label"].get(label, label),
            "attributes": {},
        }
        span_text = self._span_text(start, end, fields[2] if len(fields) >= 3 else None)
        if span_text is not None:
            record["span_text"] = span_text
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
        role, target_id = self.type_map["relation"].get(match.group(1), match.group(1)), match.group(3)
        if role in self.links_of(source.record["label"]):
            source.record["attributes"][role] = target_id
        else:
            source.record.setdefault("links", []).append({"role": role, "target": target_id})
        return None


def read_brat(path: Path, specs: Specs, links: Mapping[str, set[str]] | set[str]) -> list[Item]:
    """One item per span of an ``.ann`` file, or of every ``.ann`` file of a folder (sorted by name), and one
    per line that could not be read. ``specs`` are the attribute specs by name, ``links`` each label's link
    attributes (``corpus.formats.items.link_attributes``; a plain set applies to every label)."""
    files = sorted(path.glob("*.ann")) if path.is_dir() else [path]
    if not files:
        folders = sorted(folder.name for folder in path.iterdir() if any(folder.glob("*.ann")))
        which = f": import one annotator's folder of it ({', '.join(folders)})" if folders else ""
        return [bad_item(str(path), f"no .ann file in this folder{which}")]

    def links_of(label: str) -> set[str]:
        return links if isinstance(links, set) else links.get(label, set())

    items: list[Item] = []
    maps: dict[Path, dict[str, dict[str, str]]] = {}
    for ann in files:
        if ann.parent not in maps:
            maps[ann.parent] = read_type_map(ann.parent)
        items += _AnnReader(ann, specs, links_of, maps[ann.parent]).read()
    return items


# -- writing -------------------------------------------------------------------------------------------------


def _attribute_line(number: int, name: str, tid: str, value: Any) -> str:
    if value is True:
        return f"A{number}\t{name} {tid}"
    if isinstance(value, list):
        value = ",".join(str(item) for item in value)
    return f"A{number}\t{name} {tid} {str(value).lower() if value is False else value}"


def records_to_brat(
    records: Iterable[dict[str, Any]],
    link_names: set[str],
    types: Mapping[str, str] | None = None,
) -> str:
    """brat standoff (.ann) for the records of one document and annotator: T, A and R lines. A link attribute
    (``link_names``) whose value is a span of these records is an ``R`` line, as is every ``links`` entry.
    ``types`` maps label names and link roles to brat types (default: :func:`brat_types` of those used)."""
    records = list(records)
    if types is None:
        roles = [link["role"] for record in records for link in record.get("links") or []]
        types = brat_types([*(record["label"] for record in records), *link_names, *roles])
    lines: list[str] = []
    tids = {record["id"]: f"T{number}" for number, record in enumerate(records, start=1)}
    for record in records:
        tid = tids[record["id"]]
        lines.append(
            f"{tid}\t{types[record['label']]} {record['start']} {record['end']}\t{_flat(record['span_text'])}"
        )
    attribute = relation = 0
    for record in records:
        tid = tids[record["id"]]
        for name, value in (record.get("attributes") or {}).items():
            if name in link_names and isinstance(value, str) and value in tids:
                relation += 1
                lines.append(f"R{relation}\t{types.get(name, name)} Arg1:{tid} Arg2:{tids[value]}")
            else:
                attribute += 1
                lines.append(_attribute_line(attribute, name, tid, value))
        for link in record.get("links") or []:
            relation += 1
            lines.append(f"R{relation}\t{types[link['role']]} Arg1:{tid} Arg2:{tids[link['target']]}")
    return "\n".join(lines) + "\n" if lines else ""


def _conf_relations(labels: list[Label], types: Mapping[str, str], roles: Iterable[str]) -> list[str]:
    """``[relations]`` lines: one per link attribute (its labels to its target label), one per other role,
    and the overlap rule that lets spans nest and cross as they do in newsspan."""
    sources: dict[str, list[str]] = {}
    targets: dict[str, list[str]] = {}
    for label in labels:
        for name, link in label.links().items():
            sources.setdefault(name, []).append(types[label.name])
            targets.setdefault(name, []).append(types[link["label"]])
    lines = [
        f"{types[name]} Arg1:{'|'.join(dict.fromkeys(sources[name]))}, Arg2:{'|'.join(dict.fromkeys(targets[name]))}"
        for name in sources
    ]
    lines += [f"{types[role]} Arg1:<ENTITY>, Arg2:<ENTITY>" for role in roles if role not in sources]
    return [*lines, "<OVERLAP> Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"]


def _conf_attributes(labels: list[Label], types: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """``[attributes]`` lines for the attributes brat can hold (flags and choices), and the others' names."""
    declared: dict[str, tuple[Mapping[str, Any], list[str]]] = {}
    for label in labels:
        for name, spec in label.attributes.items():
            if "x-link" not in spec:
                declared.setdefault(name, (spec, []))[1].append(types[label.name])
    lines, others = [], []
    for name, (declared_spec, owners) in declared.items():
        arg = f"Arg:{'|'.join(owners)}"
        values = [str(value) for value in declared_spec.get("enum", [])]
        if declared_spec["type"] == "boolean":
            lines.append(f"{name} {arg}")
        elif values and not any(_NOT_IN_TYPE.search(value) for value in values):
            lines.append(f"{name} {arg}, Value:{'|'.join(values)}")
        else:
            others.append(name)
    return lines, others


def annotation_conf(labelset: LabelSet, types: Mapping[str, str], roles: Iterable[str] = ()) -> str:
    """``annotation.conf`` for ``labelset``: its labels as entities (under their brat types), link attributes
    and ``roles`` as relations, flag and choice attributes, and the ``newsspan-map`` lines that map brat
    types back to label names and roles."""
    roles = list(dict.fromkeys(roles))
    mapped = [
        (kind, name) for kind, names in (("label", labelset.names), ("relation", roles)) for name in names
    ]
    link_names = {name for label in labelset.labels for name in label.links()}
    mapped += [("relation", name) for name in sorted(link_names) if name not in roles]
    attributes, others = _conf_attributes(labelset.labels, types)
    lines = [
        f"# brat configuration of the label set {labelset.title!r} {labelset.version}, written by newsspan.",
        "# Label names brat types cannot hold (spaces, commas, ...) are written as the types on the right;",
        "# newsspan import maps them back with these lines: kind, brat type, name.",
        *(f"{_MAP_LINE}\t{kind}\t{types[name]}\t{name}" for kind, name in mapped if types[name] != name),
        "[entities]",
        *(types[name] for name in labelset.names),
        "[relations]",
        *_conf_relations(labelset.labels, types, roles),
        "[events]",
        "[attributes]",
        *attributes,
    ]
    if others:
        lines.append(
            f"# free-text, number and list attributes are kept in the .ann files too: {', '.join(others)}"
        )
    return "\n".join(lines) + "\n"


def visual_conf(labelset: LabelSet, types: Mapping[str, str]) -> str:
    """``visual.conf``: each label shown under its own name, in its colour."""
    labels = [f"{types[label.name]} | {label.name.replace('|', '/')}" for label in labelset.labels]
    drawing = [f"{types[label.name]}\tbgColor:{label.color}" for label in labelset.labels]
    return "\n".join(["[labels]", *labels, "[drawing]", *drawing]) + "\n"


def brat_files(
    records: Iterable[dict[str, Any]], documents: Mapping[str, Mapping[str, Any]], labelset: LabelSet
) -> dict[str, str]:
    """A brat folder as relative path -> text: ``annotation.conf`` and ``visual.conf``, and per annotator a
    folder with ``<doc_id>.txt`` and ``<doc_id>.ann`` for every document of ``documents`` (with or without
    spans; brat has one layer per document, so each annotator is a folder of their own)."""
    by_annotator: dict[str, dict[str, list[dict[str, Any]]]] = {}
    roles: dict[str, None] = {}
    for record in records:
        by_annotator.setdefault(record["annotator"], {}).setdefault(record["doc_id"], []).append(record)
        roles.update(dict.fromkeys(link["role"] for link in record.get("links") or []))
    link_names = {name for label in labelset.labels for name in label.links()}
    types = brat_types([*labelset.names, *sorted(link_names), *roles])
    files = {CONF: annotation_conf(labelset, types, roles), "visual.conf": visual_conf(labelset, types)}
    for annotator, by_doc in by_annotator.items():
        for doc_id, document in documents.items():
            files[f"{annotator}/{doc_id}.txt"] = document["text"]
            files[f"{annotator}/{doc_id}.ann"] = records_to_brat(by_doc.get(doc_id, []), link_names, types)
    return files
