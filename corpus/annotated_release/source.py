"""What an annotated release is built from, as an interface: the library never opens the annotation store.

The store implements :class:`AnnotationSource` (``workbench.store.release_source``); tests and benchmarks
build releases from plain :class:`AnnotatedDocument` lists with
:func:`corpus.annotated_release.build_annotated_release_from`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from corpus.agreement_inputs import AgreementInputs


@dataclass
class AnnotatedDocument:
    """One document with its gold records and each annotator's records (the scheme's record format)."""

    document: Mapping[str, Any]
    gold: list[Mapping[str, Any]] = field(default_factory=list)
    annotations: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    final: bool = False  # finalized by a reviewer: in gold even without spans


class AnnotationSource(Protocol):
    """The four things an annotated release needs from wherever the annotations live."""

    def annotated_documents(self) -> Iterable[AnnotatedDocument]:
        """Every document with gold or annotator spans, or marked done or final without any, with its current
        text. Annotators' spans only: suggestions never enter a release."""
        ...

    def corpus_documents(self) -> Iterable[Mapping[str, Any]]:
        """Every document the source knows, sorted by doc_id: the ``documents`` config when the project has no
        corpus file."""
        ...

    def agreement_inputs(self) -> AgreementInputs:
        """What the card's agreement figures are computed over (the rule of :mod:`corpus.agreement_inputs`)."""
        ...

    def suggestion_models(self) -> Iterable[str]:
        """Ids of the span models (``newsspan learn``) whose suggestions annotators were shown: the card names
        them, so a release says which models helped make it."""
        ...
