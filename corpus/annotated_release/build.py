"""Building an annotated release: the configs, the card and the manifest, through ``build_release``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from corpus.agreement_inputs import agreement_figures, agreement_summary
from corpus.annotated_release.card import annotated_card
from corpus.annotated_release.counts import ReleaseCounts
from corpus.annotated_release.ratios import check_ratios
from corpus.annotated_release.rows import annotated_configs, documents_config
from corpus.annotated_release.source import AnnotatedDocument, AnnotationSource
from corpus.corpus_file import read_documents
from corpus.errors import NewsspanError
from corpus.licensing import ReleaseLicense, project_license
from corpus.paths import corpus_file
from corpus.release import BuildStats, ReleaseConfig, build_release
from corpus.scheme import SCHEMA_VERSION, LabelSet, default_labelset
from corpus.semver import parse_version
from corpus.splits import DEFAULT_RATIOS, DEFAULT_SALT

Documents = Callable[[], Iterable[Mapping[str, Any]]]


def build_annotated_release_from(
    version: str,
    source: Callable[[], Iterable[AnnotatedDocument]],
    *,
    documents: Documents | None = None,
    labelset: LabelSet | None = None,
    salt: str = DEFAULT_SALT,
    ratios: Mapping[str, float] = DEFAULT_RATIOS,
    agreement: Mapping[str, Any] | None = None,
    annotations: bool = True,
    manifest_extra: Mapping[str, Any] | None = None,
    on_rows: Callable[[int], None] | None = None,
    license: ReleaseLicense | None = None,
    models: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """Build ``releases/vVERSION`` from annotated documents (``source``, re-iterable) and optionally the corpus
    (``documents``, for the ``documents`` config). ``agreement`` is a figures dict of
    :func:`corpus.agreement_inputs.agreement_figures` for the card and manifest. Benchmarks and tests call it
    with synthetic data; :func:`build_annotated_release` with an :class:`AnnotationSource`. ``license``
    defaults to the project's (:func:`corpus.licensing.project_license`); ``models`` are the ``meta.json`` of the
    span models whose suggestions annotators were shown (named in the card and the manifest)."""
    version = parse_version(version)
    labelset = labelset or default_labelset()
    license = license or project_license()
    check_ratios(ratios)
    counts = ReleaseCounts()
    configs: list[ReleaseConfig] = []
    if documents is not None:
        configs.append(documents_config(documents, salt=salt, ratios=ratios, counts=counts))
    configs += annotated_configs(
        source, labelset=labelset, salt=salt, ratios=ratios, counts=counts, annotations=annotations
    )
    features = {config.name: config.features for config in configs}

    def card(stats: BuildStats) -> str:
        return annotated_card(
            stats,
            counts,
            features,
            labelset=labelset,
            agreement=agreement,
            salt=salt,
            ratios=ratios,
            license=license,
            models=models,
        )

    return build_release(
        version,
        configs,
        card=card,
        manifest_extra={
            "schema_version": SCHEMA_VERSION,
            "labelset_version": labelset.version,
            "split_salt": salt,
            "split_ratios": dict(ratios),
            "annotations": True,
            "agreement": agreement_summary(agreement),
            "suggestion_models": [model["id"] for model in models],
            **dict(manifest_extra or {}),
        },
        on_rows=on_rows,
    )


def _corpus(path: Path, source: AnnotationSource) -> Documents:
    """The ``documents`` config's rows: the corpus file, or the source's documents when there is none."""
    if path.is_file() and next(iter(read_documents(path)), None) is not None:
        return lambda: read_documents(path)
    known = list(source.corpus_documents())
    return lambda: iter(known)


def build_annotated_release(
    version: str,
    source: AnnotationSource,
    *,
    corpus: Path | None = None,
    salt: str = DEFAULT_SALT,
    ratios: Mapping[str, float] = DEFAULT_RATIOS,
    unit: str = "char",
    on_rows: Callable[[int], None] | None = None,
    license: ReleaseLicense | None = None,
) -> Path:
    """Build an annotated release from ``source`` (the annotation store's adapter on the command line) and the
    corpus file (the ``documents`` config; the source's documents when there is no corpus file). The card's
    agreement figures follow :mod:`corpus.agreement_inputs`, as ``newsspan agreement`` does."""
    version = parse_version(version)
    items = list(source.annotated_documents())
    if not any(item.gold or item.final or item.annotations for item in items):
        raise NewsspanError(
            "the annotation store has no gold or annotator spans to release",
            hint="annotate and review first, or build a documents-only release without --annotations",
        )
    from corpus.learn.model import model_meta

    labelset = default_labelset()
    documents = _corpus(corpus or corpus_file(), source)
    models = [model_meta(model_id) for model_id in sorted(source.suggestion_models())]
    agreement = agreement_figures(source.agreement_inputs(), labelset=labelset, unit=unit)
    return build_annotated_release_from(
        version,
        lambda: items,
        documents=documents,
        labelset=labelset,
        salt=salt,
        ratios=ratios,
        agreement=agreement,
        manifest_extra={
            "documents": sum(1 for _ in documents()),
            "gold_documents": sum(1 for item in items if item.gold or item.final),
            "gold_spans": sum(len(item.gold) for item in items),
            "annotators": sorted({name for item in items for name in item.annotations}),
        },
        on_rows=on_rows,
        license=license,
        models=models,
    )
