"""The trained span recommender: a spaCy ``spancat`` pipeline learnt from what the team has labelled.

* :mod:`corpus.learn.data`: labelled documents -> spaCy ``Doc``s with token-aligned spans (misaligned counted).
* :mod:`corpus.learn.pipeline`: the pipeline (``config.cfg``, package data), blank language, training loop.
* :mod:`corpus.learn.model`: train, save under ``models/<model-id>/`` with ``meta.json``, load (label set checked).
* :mod:`corpus.learn.predict`: suggestion records with every label's score, per-document uncertainty.
* :mod:`corpus.learn.evaluate`: cross-validation by document, learning curve, recommenders side by side.
* :mod:`corpus.learn.reports`: evaluation reports under ``models/evaluations/`` (the Progress page's curve).

The store side (training from the store, the ``model`` recommender of ``newsspan suggest``) is
``workbench/learning.py``.

spaCy is imported inside functions: importing this package stays cheap (``newsspan --help``).
"""

from __future__ import annotations

from corpus.learn.evaluate import Evaluation, Recommender, default_recommenders, evaluate
from corpus.learn.model import SpanModel, latest_model_id, load_model, models_dir, save_model, train_model
from corpus.learn.pipeline import Settings
from corpus.learn.predict import Prediction

__all__ = [
    "Evaluation",
    "Prediction",
    "Recommender",
    "Settings",
    "SpanModel",
    "default_recommenders",
    "evaluate",
    "latest_model_id",
    "load_model",
    "models_dir",
    "save_model",
    "train_model",
]
