"""The annotation store as an ``AnnotationSource``: what ``release build --annotations`` takes from it.

The library (``corpus.annotated_release``) defines the interface and never imports the store; the command line
hands it this adapter. It reads as the acting user (the command line's admin), so every document and layer is
visible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from corpus.agreement_inputs import AgreementInputs
from corpus.annotated_release import AnnotatedDocument
from corpus.labelled import LabelledDocument, labelled_documents
from workbench.store import Store
from workbench.store.base import CLI_USER, User


class StoreAnnotationSource:
    """``corpus.annotated_release.AnnotationSource`` over a ``Store`` (see that Protocol for the contract)."""

    def __init__(self, store: Store, user: User = CLI_USER) -> None:
        self.store = store
        self.user = user
        self._documents: dict[str, dict[str, Any]] = {}
        self._items: list[AnnotatedDocument] | None = None

    def _document(self, doc_id: str) -> dict[str, Any]:
        found = self._documents.get(doc_id)
        if found is None:
            found = self._documents[doc_id] = self.store.document(self.user, doc_id)
        return found

    def annotated_documents(self) -> list[AnnotatedDocument]:
        """Every document with gold or annotator spans (or an annotator who marked it done, or final), with its
        current text, gold records and each annotator's records; suggestions are left out. Read once."""
        if self._items is None:
            self._items = self._gather()
        return self._items

    def _gather(self) -> list[AnnotatedDocument]:
        gold: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for record in self.store.records(self.user, "gold"):
            gold[record["doc_id"]].append(record)
        annotations: dict[str, dict[str, list[Mapping[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        for record in self.store.records(self.user, "annotation"):
            if not record.get("suggested_by"):
                annotations[record["doc_id"]][record["annotator"]].append(record)
        for row in self.store.progress(self.user):
            if row["status"] == "done":
                annotations[row["doc_id"]].setdefault(row["annotator"], [])
            if row["stage"] == "final":
                gold.setdefault(row["doc_id"], [])
        out = []
        for doc_id in sorted({*gold, *annotations}):
            document = self._document(doc_id)
            out.append(
                AnnotatedDocument(
                    document=document,
                    gold=gold.get(doc_id, []),
                    annotations={name: list(rs) for name, rs in annotations.get(doc_id, {}).items()},
                    final=document.get("stage") == "final",
                )
            )
        return out

    def corpus_documents(self) -> list[dict[str, Any]]:
        """Every document the store has assigned or annotated, by doc_id."""
        doc_ids = {item.document["doc_id"] for item in self.annotated_documents()}
        doc_ids |= {row["doc_id"] for row in self.store.progress(self.user)}
        return [self._document(doc_id) for doc_id in sorted(doc_ids)]

    def labelled_documents(self) -> list[LabelledDocument]:
        """What the team has labelled, by the library's one rule (:func:`corpus.labelled.labelled_documents`):
        gold where there is gold, else the spans of each annotator who marked the document done."""
        done: dict[str, set[str]] = defaultdict(set)
        for row in self.store.progress(self.user):
            if row["status"] == "done":
                done[row["doc_id"]].add(row["annotator"])
        return labelled_documents(self.annotated_documents(), done)

    def suggestion_models(self) -> list[str]:
        """The store's one definition (``Store.suggestion_models``)."""
        return self.store.suggestion_models(self.user)

    def agreement_inputs(self) -> AgreementInputs:
        """The store's one definition (``Store.agreement_inputs``)."""
        return self.store.agreement_inputs(self.user)
