"""Records to span rows: label index, typed attributes, links as indexes; every span checked against the text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from corpus.errors import NewsspanError
from corpus.scheme import LabelSet


class SpanEncoder:
    """Turns records into span rows (label index, typed attributes, link indexes), checking ``span_text``."""

    def __init__(self, labelset: LabelSet) -> None:
        self.labelset = labelset
        self.label_index = {name: index for index, name in enumerate(labelset.names)}
        self.attribute_names = list(labelset.attribute_specs())
        self._known = frozenset(self.attribute_names)
        self._empty = dict.fromkeys(self.attribute_names)
        self.links = {label.name: list(label.links()) for label in labelset.labels}
        self.required = {label.name: label.required for label in labelset.labels}

    def _check(self, document: Mapping[str, Any], record: Mapping[str, Any], where: str) -> None:
        text = document["text"]
        start, end = record["start"], record["end"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)) or (
            text[start:end] != record["span_text"]
        ):
            raise NewsspanError(
                f"{where} span {record.get('id')!r} ({record.get('label')} {start}-{end}, "
                f"span_text {record.get('span_text')!r}) does not match the document text "
                f"{text[start:end] if isinstance(start, int) and isinstance(end, int) else ''!r}",
                where=f"document {document['doc_id']}",
                hint="re-anchor or fix the span in the workbench (newsspan store flagged), then build again",
            )
        if record["label"] not in self.label_index:
            raise NewsspanError(
                f"{where} span {record.get('id')!r} has label {record['label']!r}, not in the label set",
                where=f"document {document['doc_id']}",
                hint=f"labels: {', '.join(self.labelset.names)}",
            )

    def draft(self, record: Mapping[str, Any]) -> bool:
        """Whether a required attribute of the record's label is unset (same rule as
        ``corpus.scheme.missing_attributes``)."""
        attributes = record.get("attributes") or {}
        for name in self.required.get(record["label"], ()):
            value = attributes.get(name)
            if value is None or value == "" or value == []:
                return True
        return False

    def _links(self, record: Mapping[str, Any], index: Mapping[str, int]) -> list[dict[str, Any]]:
        """Link attributes (a claim's ``speaker``) and explicit ``links`` as indexes into the row's spans."""
        attributes = record.get("attributes") or {}
        links = []
        for name in self.links.get(record["label"], ()):
            target = attributes.get(name)
            if isinstance(target, str) and target in index:
                links.append({"role": name, "target": index[target]})
        for link in record.get("links") or ():
            if link.get("target") in index:
                links.append({"role": link["role"], "target": index[link["target"]]})
        return links

    def _attributes(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Every attribute of the label set (None when the record's label has not got it)."""
        attributes = record.get("attributes") or {}
        if attributes.keys() <= self._known:
            return {**self._empty, **attributes}
        return {name: attributes.get(name) for name in self.attribute_names}

    def spans(
        self, document: Mapping[str, Any], records: Iterable[Mapping[str, Any]], *, gold: bool
    ) -> list[dict[str, Any]]:
        """The span rows of one document's records, sorted by start, end, label; a gold draft is refused."""
        where = "gold" if gold else "annotation"
        ordered = sorted(
            records,
            key=lambda r: (r["start"], r["end"], self.label_index.get(r["label"], -1), r.get("id") or ""),
        )
        index = {r["id"]: position for position, r in enumerate(ordered) if r.get("id") is not None}
        out = []
        for record in ordered:
            self._check(document, record, where)
            draft = self.draft(record)
            if gold and draft:
                raise NewsspanError(
                    f"gold span {record.get('id')!r} ({record['label']} {record['start']}-{record['end']}) "
                    "misses required attributes",
                    where=f"document {document['doc_id']}",
                    hint="complete it in the Review page, then build again",
                )
            span = {
                "id": record.get("id"),
                "start": record["start"],
                "end": record["end"],
                "span_text": record["span_text"],
                "label": self.label_index[record["label"]],
            }
            if self.attribute_names:
                span["attributes"] = self._attributes(record)
            span["annotator"] = record.get("annotator")
            span["draft"] = draft
            span["links"] = self._links(record, index)
            out.append(span)
        return out
