"""Versioned span models: train one from labelled documents, save it under ``models/<model-id>/``, load it back.

A saved model is a folder ``<models>/<model-id>/`` (``<models>`` is ``$NEWSSPAN_MODELS`` or the project's
``models/``) holding ``pipeline/`` (spaCy's ``nlp.to_disk``) and ``meta.json``: what it was trained from (a
release version or a store snapshot: the sha256 of the labelled spans), the label set (id, version, labels and
their fingerprint), the documents and spans used, the spans that did not align with tokens, the spaCy version,
the training time and the settings (config sha256 and overrides). ``<models>/LATEST`` names the newest model.
The model id is the UTC time of training and 8 hex digits of a hash of the config, settings, labels and data.

Loading refuses a model trained for another label set: its labels would not be this project's.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus import paths
from corpus.errors import NewsspanError
from corpus.labelled import LabelledDocument
from corpus.learn.data import examples
from corpus.learn.pipeline import Settings, blank_pipeline, config_sha256, train
from corpus.learn.predict import DEFAULT_THRESHOLD, Prediction, predict
from corpus.scheme import LabelSet

if TYPE_CHECKING:
    from spacy.language import Language

LATEST = "LATEST"
META = "meta.json"
PIPELINE = "pipeline"


def models_dir() -> Path:
    """Where models are saved: ``$NEWSSPAN_MODELS``, else ``models/`` in the project folder."""
    return Path(os.environ.get("NEWSSPAN_MODELS") or paths.project_home() / "models").resolve()


def require_labelled(labelled: Sequence[LabelledDocument], then: str) -> None:
    """Training and evaluating need something the team labelled: say so plainly when there is nothing."""
    if not labelled:
        raise NewsspanError(
            "nothing labelled yet: no gold and no document marked done",
            hint=f"annotate and mark documents done (or review them into gold), then {then}",
        )


def labels_fingerprint(labels: Sequence[str]) -> str:
    """16 hex digits naming a label list (in its order: spancat's score columns follow it)."""
    return hashlib.sha256(json.dumps(list(labels), ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def data_fingerprint(labelled: Sequence[LabelledDocument]) -> str:
    """The sha256 of what was learnt from: each document's id, text hash and source with its spans."""
    digest = hashlib.sha256()
    for item in labelled:
        spans = sorted((r["start"], r["end"], r["label"]) for r in item.records)
        entry = [item.document["doc_id"], item.document.get("text_sha256"), item.source, spans]
        digest.update(json.dumps(entry, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def document_language(labelled: Sequence[LabelledDocument]) -> str:
    """The documents' most common ``language`` (default ``en``): the blank pipeline's tokenizer."""
    found = Counter(str(item.document.get("language") or "en") for item in labelled)
    return found.most_common(1)[0][0] if found else "en"


@dataclass
class SpanModel:
    """A trained pipeline with its ``meta.json`` content."""

    nlp: Language
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.meta["model_id"])

    @property
    def labels(self) -> list[str]:
        return list(self.meta["labelset"]["labels"])

    def predict(
        self, documents: Sequence[dict[str, Any]], *, threshold: float = DEFAULT_THRESHOLD
    ) -> Iterator[Prediction]:
        """Suggestion records and uncertainty per document (see :mod:`corpus.learn.predict`)."""
        return predict(self.nlp, documents, model_id=self.id, threshold=threshold)


def _stamp(now: datetime) -> str:
    return now.isoformat(timespec="seconds").replace("+00:00", "Z")


def train_model(
    labelled: Sequence[LabelledDocument],
    *,
    labelset: LabelSet,
    trained_from: dict[str, Any] | None = None,
    settings: Settings | None = None,
) -> SpanModel:
    """Train a span model from scratch on ``labelled`` for every label of ``labelset``."""
    import spacy

    settings = settings or Settings()
    require_labelled(labelled, "train")
    labels = labelset.names
    lang = document_language(labelled)
    nlp, training = blank_pipeline(lang, labels, settings)
    train_examples, alignment = examples(nlp, labelled, labels)
    if not alignment.spans:
        raise NewsspanError(
            f"nothing to learn from: {alignment.documents} labelled documents but no span of the label set "
            "that aligns with tokens",
            hint="label some spans of this label set first",
        )
    result = train(nlp, training, train_examples)
    now = datetime.now(UTC)
    snapshot = data_fingerprint(labelled)
    settings_dict = {
        "config_sha256": config_sha256(),
        "overrides": settings.overrides(),
        "lang": nlp.lang,
        "threshold": DEFAULT_THRESHOLD,
    }
    digest = hashlib.sha256(
        json.dumps([settings_dict, labels, snapshot], sort_keys=True).encode("utf-8")
    ).hexdigest()
    meta = {
        "model_id": f"{now:%Y%m%d-%H%M%S}-{digest[:8]}",
        "created_at": _stamp(now),
        "trained_from": {**(trained_from or {}), "snapshot": snapshot},
        "labelset": {
            "id": labelset.id,
            "version": labelset.version,
            "labels": labels,
            "fingerprint": labels_fingerprint(labels),
        },
        "documents": len({item.document["doc_id"] for item in labelled}),
        "labelled_documents": len(labelled),
        "spans": alignment.spans,
        "alignment": alignment.as_dict(),
        "spacy_version": spacy.__version__,
        "training_seconds": round(result["seconds"], 2),
        "training_steps": result["steps"],
        "losses": {key: round(float(value), 4) for key, value in result["losses"].items()},
        "settings": settings_dict,
    }
    return SpanModel(nlp, meta)


def save_model(model: SpanModel, root: Path | None = None) -> Path:
    """Write the model to ``<root>/<model-id>/`` and make it ``LATEST``; returns its folder."""
    root = root or models_dir()
    folder = root / model.id
    folder.mkdir(parents=True, exist_ok=False)
    model.nlp.to_disk(folder / PIPELINE)
    (folder / META).write_text(json.dumps(model.meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (root / LATEST).write_text(model.id + "\n", encoding="utf-8")
    return folder


def latest_model_id(root: Path | None = None) -> str | None:
    """The id in ``<models>/LATEST``, or None when no model was saved yet."""
    latest = (root or models_dir()) / LATEST
    return latest.read_text(encoding="utf-8").strip() or None if latest.is_file() else None


def model_meta(model_id: str, root: Path | None = None) -> dict[str, Any]:
    """A saved model's ``meta.json`` (without loading spaCy); ``{"id": model_id}`` alone when its folder is
    gone (a model deleted after its suggestions were shown is still named)."""
    path = (root or models_dir()) / model_id / META
    try:
        return {**json.loads(path.read_text(encoding="utf-8")), "id": model_id}
    except (OSError, ValueError):
        return {"id": model_id}


def load_model(model_id: str | None = None, *, labelset: LabelSet, root: Path | None = None) -> SpanModel:
    """The saved model ``model_id`` (default: ``LATEST``), refused when trained for another label set."""
    import spacy

    from corpus.learn.pipeline import register

    root = root or models_dir()
    model_id = model_id or latest_model_id(root)
    if model_id is None:
        raise NewsspanError("no model trained yet", where=str(root), hint="run `newsspan learn` first")
    folder = root / model_id
    if not (folder / META).is_file():
        raise NewsspanError(f"no model {model_id!r}", where=str(root), hint="see the folders under models/")
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    trained = meta["labelset"]["labels"]
    if labels_fingerprint(trained) != labels_fingerprint(labelset.names):
        raise NewsspanError(
            f"model {model_id} was trained for the labels {', '.join(trained)}, not this project's "
            f"{', '.join(labelset.names)}",
            where=str(folder),
            hint="train a model for this label set with `newsspan learn`",
        )
    register()
    return SpanModel(spacy.load(folder / PIPELINE), meta)
