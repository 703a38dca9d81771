"""The span model from the store: what ``newsspan learn`` (and a background job) calls, and the ``model``
recommender of ``newsspan suggest``.

Reading the store happens here, once per call: the team's labelled documents by the library's one rule
(``StoreAnnotationSource.labelled_documents``: gold first, then done annotators' spans); training, evaluation
and prediction are the library's (:mod:`corpus.learn`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpus.labelled import LabelledDocument
    from corpus.learn import Evaluation, Settings
    from workbench.jobs import JobRunner
    from workbench.store import Store
    from workbench.store.base import User


@dataclass
class TrainReport:
    """What ``train_from_store`` did: the saved model's id and folder, what it learnt from, how long it took."""

    model_id: str
    folder: Path
    documents: int
    spans: int
    misaligned: dict[str, int]
    unknown: dict[str, int]
    seconds: float


def labelled_from_store(store: Store, user: User) -> list[LabelledDocument]:
    """What the team has labelled (gold first, then done annotators' spans)."""
    from workbench.store.release_source import StoreAnnotationSource

    return StoreAnnotationSource(store, user).labelled_documents()


def train_from_store(
    store: Store, user: User, *, settings: Settings | None = None, root: Path | None = None
) -> TrainReport:
    """Train a span model on the store's labelled documents for the project's label set and save it (LATEST)."""
    from workbench.store.access import require_admin

    require_admin(user, "train the span model")
    from corpus.learn import save_model, train_model
    from corpus.scheme import default_labelset

    labelled = labelled_from_store(store, user)
    releases = sorted({str(item.document.get("release_version")) for item in labelled} - {"None"})
    model = train_model(
        labelled,
        labelset=default_labelset(),
        trained_from={"kind": "store", "releases": releases, "done_assignments": store.done_count(user)},
        settings=settings,
    )
    folder = save_model(model, root)
    alignment = model.meta["alignment"]
    return TrainReport(
        model.id,
        folder,
        model.meta["documents"],
        model.meta["spans"],
        alignment["misaligned"],
        alignment["unknown"],
        model.meta["training_seconds"],
    )


def evaluate_from_store(
    store: Store,
    user: User,
    *,
    folds: int,
    settings: Settings | None = None,
    root: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Evaluation, Path]:
    """Cross-validate the recommenders on the store's labelled documents; the report is saved under
    ``models/evaluations/`` (the Progress page draws the newest) and its path returned."""
    from workbench.store.access import require_admin

    require_admin(user, "evaluate recommenders")
    from corpus.learn import evaluate
    from corpus.learn.model import require_labelled
    from corpus.learn.reports import save_evaluation
    from corpus.scheme import default_labelset

    labelled = labelled_from_store(store, user)
    require_labelled(labelled, "evaluate")
    evaluation = evaluate(
        labelled, labelset=default_labelset(), folds=folds, settings=settings, progress=progress
    )
    return evaluation, save_evaluation(evaluation.report, root)


class ModelRecommender:
    """The ``model`` recommender of ``newsspan suggest`` (``workbench.suggest_run.RECOMMENDERS``): the latest
    saved span model's suggestions, each with ``suggestion.score``, every label's score and the model id. Each
    batch's per-document uncertainty is stored for active ordering. Without a trained model it suggests
    nothing (fingerprint ``model-none``), so a run of every recommender works in a new project."""

    name = "model"
    suggested_by = ("model",)

    def __init__(
        self, store: Store, user: User, *, root: Path | None = None, threshold: float | None = None
    ) -> None:
        from corpus.learn import latest_model_id, load_model
        from corpus.learn.predict import DEFAULT_THRESHOLD
        from corpus.scheme import default_labelset

        self.store, self.user = store, user
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.model = None
        if latest_model_id(root) is not None:
            self.model = load_model(labelset=default_labelset(), root=root)

    def fingerprint(self) -> str:
        from workbench.store.suggestions import MODEL_FINGERPRINT_PREFIX, NO_MODEL

        return MODEL_FINGERPRINT_PREFIX + (self.model.id if self.model is not None else NO_MODEL)

    def suggest_batch(self, documents: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        if self.model is None:
            return [[] for _ in documents]
        predictions = list(self.model.predict(documents, threshold=self.threshold))
        self.store.set_uncertainty(
            self.user,
            self.model.id,
            {prediction.doc_id: prediction.uncertainty for prediction in predictions},
        )
        return [prediction.records for prediction in predictions]


def retrain_if_due(store: Store, runner: JobRunner) -> int | None:
    """Start a background ``learn`` job when the project retrains after every N newly done documents
    (``Store.set_retrain_every``) and N documents were marked done since the latest model was trained; the
    job's id, else None (off, not due, or a learn job already running). Called after a document is marked
    done, by whoever marked it: the job itself runs with the app's own admin rights."""
    from corpus.errors import NewsspanError
    from corpus.learn import latest_model_id
    from corpus.learn.model import model_meta
    from workbench.jobs import APP_USER

    every = store.retrain_every(APP_USER)
    if not every:
        return None
    latest = latest_model_id()
    trained_at = (model_meta(latest).get("trained_from") or {}).get("done_assignments", 0) if latest else 0
    if store.done_count(APP_USER) - int(trained_at or 0) < every:
        return None
    try:
        return runner.start(APP_USER, "learn", {})
    except NewsspanError:  # a learn job is running already: it will see these documents or the next will
        return None
