"""The span model's spaCy pipeline: built from the package's ``config.cfg`` on a blank language, trained from
scratch on CPU with fixed seeds (no weights are ever downloaded).

Why this pipeline: spaCy's ``spancat`` scores every candidate span for every label independently (a sigmoid
per label), so overlapping and nested spans (an actor inside a claim) come out naturally and every label of
the label set gets a score. Candidates come from ``span_finder``, which learns where spans start and end, so
long claims (median 17 tokens, up to 56) are reachable without scoring every n-gram up to 64 tokens; the
config's ``newsspan.union_suggester.v1`` can add every n-gram of 1..``max_ngram`` tokens. What each choice
measured on the seed gold (F1 and time) is in ``config.cfg``'s header: span_finder alone won.

Threads: thinc's CPU ops multiply with ``blis``, single-threaded, so training and prediction use one core of
the two the benchmark allows (the other stays free for the workbench).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.training import Example
    from thinc.types import Ragged

CONFIG_FILE = "config.cfg"
MAX_CANDIDATES_PER_TOKEN = (
    4  # a trained span_finder proposes about 0.5 a token (measured: 319 for 715 tokens)
)
SUGGESTER = "newsspan.union_suggester.v1"


def config_text() -> str:
    """The package's pipeline config (``corpus/learn/config.cfg``), read as package data."""
    return resources.files("corpus.learn").joinpath(CONFIG_FILE).read_text(encoding="utf-8")


def config_sha256() -> str:
    return hashlib.sha256(config_text().encode("utf-8")).hexdigest()


def _union_suggester(candidates_key: str, max_ngram: int) -> Callable[..., Ragged]:
    """Every n-gram of 1..``max_ngram`` tokens plus the spans under ``doc.spans[candidates_key]`` (span_finder's
    output), without duplicates. Hand-written because spaCy's suggesters are either-or; this is the union."""
    import numpy
    from spacy.pipeline.spancat import build_ngram_range_suggester
    from thinc.api import get_current_ops
    from thinc.types import Ragged

    ngrams = build_ngram_range_suggester(1, max_ngram) if max_ngram > 0 else None

    def suggest(docs: Iterable[Any], *, ops: Any = None) -> Ragged:
        docs = list(docs)
        ops = ops or get_current_ops()
        grams = ngrams(docs, ops=ops) if ngrams is not None else None
        parts, lengths, offset = [], [], 0
        for index, doc in enumerate(docs):
            rows = [numpy.zeros((0, 2), dtype="int32")]
            if grams is not None:
                count = int(grams.lengths[index])
                rows.append(
                    ops.to_numpy(grams.dataXd[offset : offset + count]).reshape(-1, 2).astype("int32")
                )
                offset += count
            if candidates_key in doc.spans:
                found = [(span.start, span.end) for span in doc.spans[candidates_key]]
                cap = MAX_CANDIDATES_PER_TOKEN * len(doc)
                if (
                    len(found) > cap
                ):  # an undertrained span_finder proposes nearly every pair: keep the shortest
                    found = sorted(found, key=lambda pair: (pair[1] - pair[0], pair))[:cap]
                rows.append(numpy.asarray(found, dtype="int32").reshape(-1, 2))
            merged = numpy.concatenate(rows)
            merged = numpy.unique(merged, axis=0) if len(merged) else merged
            parts.append(merged)
            lengths.append(len(merged))
        data = numpy.concatenate(parts) if parts else numpy.zeros((0, 2), dtype="int32")
        return Ragged(ops.asarray2i(data), ops.asarray1i(numpy.asarray(lengths, dtype="int32")))

    return suggest


def register() -> None:
    """Register the union suggester with spaCy (idempotent), before a config naming it is resolved."""
    from spacy.util import registry

    if SUGGESTER not in registry.misc.get_all():
        registry.misc.register(SUGGESTER, func=_union_suggester)


@dataclass(frozen=True)
class Settings:
    """What a training run may change from the config (tests use tiny settings; None keeps the config's)."""

    max_epochs: int | None = None
    max_steps: int | None = None
    width: int | None = None
    depth: int | None = None
    max_ngram: int | None = None
    seed: int | None = None
    candidates_key: str | None = None  # measuring suggesters: a key span_finder never writes = n-grams only

    def overrides(self) -> dict[str, Any]:
        pairs = {
            "training.max_epochs": self.max_epochs,
            "training.max_steps": self.max_steps,
            "components.tok2vec.model.encode.width": self.width,
            "components.tok2vec.model.encode.depth": self.depth,
            "components.spancat.suggester.max_ngram": self.max_ngram,
            "components.spancat.suggester.candidates_key": self.candidates_key,
            "training.seed": self.seed,
            "system.seed": self.seed,
        }
        return {key: value for key, value in pairs.items() if value is not None}


def load_config(lang: str, settings: Settings) -> Any:
    """The config with ``lang`` and ``settings`` applied (a ``thinc`` Config, interpolated)."""
    from thinc.api import Config

    register()
    config = Config().from_str(config_text(), interpolate=False)
    overrides = {"nlp.lang": lang, **settings.overrides()}
    for dotted, value in overrides.items():
        node = config
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node[part]
        node[leaf] = value
    return config.interpolate()


def blank_pipeline(lang: str, labels: Sequence[str], settings: Settings) -> tuple[Language, dict[str, Any]]:
    """A blank ``lang`` pipeline from the config (nothing downloaded), with spancat's labels added; returns the
    pipeline and the resolved ``[training]`` section."""
    import spacy
    from spacy.util import load_model_from_config, registry

    config = load_config(lang, settings)
    try:
        spacy.blank(lang)
    except ImportError:  # a language spaCy does not know: its multi-language tokenizer
        config["nlp"]["lang"] = "xx"
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    spancat: Any = nlp.get_pipe("spancat")  # a SpanCategorizer (get_pipe is typed as any pipe)
    for label in labels:
        spancat.add_label(label)
    training = registry.resolve({"training": config["training"]})["training"]
    return nlp, training


def train(nlp: Language, training: dict[str, Any], train_examples: list[Example]) -> dict[str, Any]:
    """Train ``nlp`` in place for ``max_epochs`` epochs (or ``max_steps`` updates, whichever comes first) over
    ``train_examples`` in shuffled batches (fixed seed). Returns the last epoch's losses, the time and steps."""
    from spacy.util import fix_random_seed, minibatch

    seed = int(training["seed"])
    fix_random_seed(seed)
    started = time.perf_counter()
    optimizer = training["optimizer"]
    nlp.initialize(lambda: train_examples, sgd=optimizer)
    shuffler = random.Random(seed)
    order = list(train_examples)
    losses: dict[str, float] = {}
    steps, max_steps = 0, int(training["max_steps"])
    for _ in range(int(training["max_epochs"])):
        shuffler.shuffle(order)
        losses = {}
        for batch in minibatch(order, size=int(training["batch_documents"])):
            nlp.update(batch, drop=float(training["dropout"]), sgd=optimizer, losses=losses)
            steps += 1
            if steps >= max_steps:
                return {"losses": losses, "seconds": time.perf_counter() - started, "steps": steps}
    return {"losses": losses, "seconds": time.perf_counter() - started, "steps": steps}
