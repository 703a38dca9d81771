"""Suggesting for a whole release: the one rule behind ``newsspan suggest`` and the admin's background jobs.

Suggestions come from recommenders (:data:`RECOMMENDERS`), each built once per run from the store
(:class:`Recommender`: a ``name``, the ``suggested_by`` names it writes, a ``fingerprint`` of what its
suggestions depend on, and ``suggest_batch(documents)``):

- ``rules``: the number and actor rules (:func:`corpus.suggest.suggest`); its fingerprint is the rules'
  version, the registry and the label set.
- ``propagation``: what the team labelled, proposed wherever else it occurs
  (:mod:`corpus.suggest.propagation`), from a lexicon of the team's labelled documents and rejections built
  once per run; its fingerprint is the lexicon's, so a new label or rejection propagates on the next run.
- ``model``: the latest trained span model (:class:`workbench.learning.ModelRecommender`, ``newsspan learn``),
  with a score for every label and each document's uncertainty stored for active ordering; its fingerprint
  is the model's id, so a new model suggests again. Without a model it suggests nothing.

The release's documents are read a batch at a time (a corpus never sits in memory whole); documents the store
has not loaded yet are loaded first; each batch's suggestions are written in one transaction per recommender
(``Store.store_suggestions``). A document already suggested by a recommender under its current fingerprint, on
its current text, is skipped by it, so running again is quick and adds nothing (the rules are skipped as
cheaply as before when only the lexicon changed); after a fingerprint changes, the documents are suggested
again by that recommender and only suggestions not stored yet (same document, offsets, label and suggester)
are added. ``redo`` suggests every document again.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from corpus.errors import NewsspanError
from workbench.learning import ModelRecommender

if TYPE_CHECKING:
    from corpus.release import Release
    from workbench.store import Store
    from workbench.store.base import User

BATCH_DOCUMENTS = 100  # documents read, suggested and written together

Progress = Callable[[int, int], None]
"""Called with (documents done, documents in all) after every document."""


@dataclass
class SuggestRun:
    """What a run did: the release, documents seen, documents every recommender skipped (``skipped``) and
    skipped per recommender, suggestions added and already stored per suggester (``suggested_by``)."""

    version: str
    total: int = 0
    skipped: int = 0
    skipped_by: Counter[str] = field(default_factory=Counter)
    added: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    recommenders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> its suggested_by names


def _document_files(release: Release) -> list[Path]:
    files = sorted((release.path / "data" / "documents").glob("*.parquet"))
    if not files:
        raise NewsspanError(f"release v{release.version} has no config 'documents'", where=str(release.path))
    return files


def release_documents(release: Release, batch_size: int = BATCH_DOCUMENTS) -> Iterator[list[dict[str, Any]]]:
    """The release's document records (as ``Release.documents`` gives them), ``batch_size`` at a time."""
    import pyarrow.parquet as pq

    for file in _document_files(release):
        for batch in pq.ParquetFile(file).iter_batches(batch_size=batch_size):
            rows = batch.to_pylist()
            for row in rows:
                row["metadata"] = json.loads(row.pop("metadata_json", None) or "{}")
            yield rows


def count_documents(release: Release) -> int:
    """How many documents the release holds (read from the Parquet footers, not the rows)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(file).metadata.num_rows for file in _document_files(release))


class Recommender(Protocol):
    """One source of suggestions, built once per run (see the module docstring)."""

    name: str
    suggested_by: tuple[str, ...]

    def fingerprint(self) -> str: ...

    def suggest_batch(self, documents: list[dict[str, Any]]) -> list[list[dict[str, Any]]]: ...


class RulesRecommender:
    """The number and actor rules (:func:`corpus.suggest.suggest`)."""

    name = "rules"
    suggested_by = ("numbers", "actors")

    def __init__(self, store: Store, user: User) -> None:
        from corpus.scheme import default_labelset, default_registry

        self.registry, self.labelset = default_registry(), default_labelset()

    def fingerprint(self) -> str:
        from corpus.suggest import fingerprint

        return fingerprint(registry=self.registry, labelset=self.labelset)

    def suggest_batch(self, documents: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        from corpus.suggest import suggest

        return [suggest(document, registry=self.registry, labelset=self.labelset) for document in documents]


class PropagationRecommender:
    """The team's labelled texts proposed at their other occurrences (:mod:`corpus.suggest.propagation`)."""

    name = "propagation"
    suggested_by = ("propagation",)

    def __init__(self, store: Store, user: User) -> None:
        from corpus.scheme import default_labelset
        from corpus.suggest.propagation import build_lexicon
        from workbench.store.release_source import StoreAnnotationSource

        self.labelset = default_labelset()
        labelled = StoreAnnotationSource(store, user).labelled_documents()
        self.lexicon = build_lexicon(labelled, store.team_rejections(user), self.labelset)

    def fingerprint(self) -> str:
        return f"propagation-{self.lexicon.fingerprint()}"

    def suggest_batch(self, documents: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        from corpus.suggest.propagation import propagate

        return [propagate(document, self.lexicon, self.labelset) for document in documents]


RecommenderFactory = Callable[["Store", "User"], Recommender]

RECOMMENDERS: dict[str, RecommenderFactory] = {
    "rules": RulesRecommender,
    "propagation": PropagationRecommender,
    "model": ModelRecommender,
}
"""Recommender name -> how a run builds it (in this order). A new recommender is one more entry."""


def recommenders_named(names: Sequence[str] | None) -> list[str]:
    """The recommenders to run (default: all), checked: an unknown name is one clear error."""
    if not names:
        return list(RECOMMENDERS)
    unknown = [name for name in names if name not in RECOMMENDERS]
    if unknown:
        raise NewsspanError(
            f"unknown recommender {unknown[0]!r}",
            where="--recommender",
            hint=f"use one of: {', '.join(RECOMMENDERS)}",
        )
    return list(dict.fromkeys(names))


def _suggest_batch(
    store: Store,
    user: User,
    batch: list[dict[str, Any]],
    built: list[tuple[Recommender, str]],
    run: SuggestRun,
    redo: bool,
) -> None:
    """Every recommender (with its fingerprint) on one batch of documents (already in the store), each writing
    in one transaction."""
    skipped_by_all = {document["doc_id"] for document in batch}
    for recommender, fingerprint in built:
        already = set() if redo else store.suggested_documents(user, batch, fingerprint)
        todo = [document for document in batch if document["doc_id"] not in already]
        run.skipped_by[recommender.name] += len(batch) - len(todo)
        skipped_by_all &= already
        if not todo:
            continue
        suggested = list(zip(todo, recommender.suggest_batch(todo), strict=True))
        report = store.store_suggestions(user, suggested, fingerprint)
        run.added.update(report.added)
        run.kept.update(report.kept)
    run.skipped += len(skipped_by_all)


def run_suggestions(
    store: Store,
    user: User,
    *,
    release: str | None = None,
    redo: bool = False,
    progress: Progress | None = None,
    recommenders: Sequence[str] | None = None,
) -> SuggestRun:
    """Suggest for every document of ``release`` (default: the latest) with ``recommenders`` (default: all
    of :data:`RECOMMENDERS`) and store the suggestions (admins)."""
    from corpus.release import open_release

    names = recommenders_named(recommenders)
    opened = open_release(release)
    run = SuggestRun(version=opened.version, total=count_documents(opened))
    recommenders_built = [RECOMMENDERS[name](store, user) for name in names]
    built = [(recommender, recommender.fingerprint()) for recommender in recommenders_built]  # once a run
    run.recommenders = {
        recommender.name: tuple(recommender.suggested_by) for recommender in recommenders_built
    }
    done = 0
    for batch in release_documents(opened):
        stored = store.stored_documents(user, [document["doc_id"] for document in batch])
        missing = [document for document in batch if document["doc_id"] not in stored]
        if missing:
            store.load_documents(user, missing, release=opened.version)
        _suggest_batch(store, user, batch, built, run, redo)
        for _ in batch:
            done += 1
            if progress is not None:
                progress(done, run.total)
    return run
