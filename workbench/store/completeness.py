"""The rule for marking a document done: none of the annotator's spans may miss a required attribute.

A span is saved the moment it is tagged and its attributes are filled in afterwards (a draft), so the check
belongs to the status change, not to the save. It lives in the store (``set_document_status``), so the
Annotate page, the CLI and scripts all meet the same rule and the same message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from corpus.errors import NewsspanError
from corpus.scheme import missing_attributes


class IncompleteSpans(NewsspanError):
    """A document cannot be marked done: some of the annotator's spans miss required attributes.

    ``incomplete`` holds ``(record, missing attribute names)`` per span, in text order, so a page can select
    the first one."""

    def __init__(self, doc_id: str, incomplete: list[tuple[dict[str, Any], list[str]]]) -> None:
        self.doc_id = doc_id
        self.incomplete = incomplete
        needs = Counter((record.get("label"), ", ".join(missing)) for record, missing in incomplete)
        listed = "; ".join(
            f"{count} {label} span(s) need {names}"
            for (label, names), count in sorted(needs.items(), key=str)
        )
        first, missing = incomplete[0]
        example = (
            f"“{str(first.get('span_text', ''))[:40]}” ({first.get('label')}) needs {', '.join(missing)}"
        )
        super().__init__(
            f"{len(incomplete)} span(s) still miss required attributes ({listed}), e.g. {example}",
            where=f"document {doc_id}",
            hint="fill them in (or delete those spans), then mark the document done again",
        )

    @property
    def first_id(self) -> str | None:
        """The id of the first incomplete span (in text order)."""
        return self.incomplete[0][0].get("id")


def incomplete_spans(records: Iterable[Mapping[str, Any]]) -> list[tuple[dict[str, Any], list[str]]]:
    """``(record, missing attribute names)`` for every record that misses a required attribute."""
    found = []
    for record in records:
        missing = missing_attributes(record)
        if missing:
            found.append((dict(record), missing))
    return found


def require_complete(doc_id: str, records: Iterable[Mapping[str, Any]]) -> None:
    """Raise ``IncompleteSpans`` when any of ``records`` (one annotator's spans on one document) is a draft."""
    incomplete = incomplete_spans(records)
    if incomplete:
        raise IncompleteSpans(doc_id, incomplete)
