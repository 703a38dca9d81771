"""The annotated release: documents, gold spans and every annotator's spans as Parquet splits.

``newsspan release build VERSION --annotations`` writes, with the guarantees of :func:`corpus.release.build_release`
(atomic, immutable, manifest with checksums, card, LATEST), three configs:

* ``documents``: the corpus, as in a plain release (one ``train`` split; the ``split`` column says where each
  document goes in the annotated configs).
* ``gold``: one row per document that has gold spans (or was finalized without any): the document fields, its
  ``text`` and ``spans``, a list of ``{id, start, end, span_text, label (ClassLabel), attributes (typed struct),
  annotator, draft, links}``. Only the ``gold`` layer goes here; a gold span missing required attributes refuses
  the build (the store never saves one).
* ``annotations``: one row per document and annotator (``annotator`` column), with that annotator's spans.
  Annotators who marked a document done without any span get a row with an empty list. Draft spans (required
  attributes still missing) are **kept and marked** ``draft = true``, so agreement studies see exactly what the
  annotators saw; filter them out with ``not span["draft"]``.

Suggestions never enter a release. ``links`` turn references to other spans into the index of the target span in
the same row's ``spans`` list: a claim's ``speaker`` becomes ``{"role": "speaker", "target": 3}`` (the attribute
keeps the span id, or the literal ``"author"``, which has no link). Spans are sorted by start, end, label.

Splits ``train``/``validation``/``test`` come from a salted hash of ``story_id`` (else ``doc_id``), see
:mod:`corpus.splits`: deterministic, one story in one split, and a document never moves when the corpus grows.
Empty splits are left out of the card. Every span is checked at build time: ``text[start:end] == span_text``, or
the build stops with a message naming the document and span, and nothing is published.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datasets import Features, List, Value

from corpus.card import card_header
from corpus.document_release import DOCUMENTS_CONFIG, release_row
from corpus.errors import NewsspanError
from corpus.features import document_features, span_core_feature
from corpus.release import BuildStats, ReleaseConfig, build_release
from corpus.scheme import SCHEMA_VERSION, LabelSet, default_labelset
from corpus.semver import parse_version
from corpus.splits import DEFAULT_RATIOS, DEFAULT_SALT, assign_split, story_key

GOLD_CONFIG = "gold"
ANNOTATIONS_CONFIG = "annotations"
SPLITS = ("train", "validation", "test")
DOCUMENT_FIELDS = ("doc_id", "source_id", "title", "source", "published", "url", "story_id", "language")


@dataclass
class AnnotatedDocument:
    """One document with its gold records and each annotator's records (the scheme's record format)."""

    document: Mapping[str, Any]
    gold: list[Mapping[str, Any]] = field(default_factory=list)
    annotations: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    final: bool = False  # finalized by a reviewer: in gold even without spans


# -- features and rows ---------------------------------------------------------------------------------------


def release_span_feature(labelset: LabelSet | None = None) -> dict[str, Any]:
    """A span inside a gold/annotations row; ``links.target`` is an index into the same row's ``spans``."""
    span = span_core_feature(labelset or default_labelset())
    span.update(
        {
            "annotator": Value("string"),
            "draft": Value("bool"),
            "links": List({"role": Value("string"), "target": Value("int32")}),
        }
    )
    return span


def annotated_features(labelset: LabelSet | None = None, *, per_annotator: bool = False) -> Features:
    """Features of the ``gold`` config (``per_annotator=False``) or the ``annotations`` config."""
    columns: dict[str, Any] = {name: Value("string") for name in DOCUMENT_FIELDS}
    if per_annotator:
        columns["annotator"] = Value("string")
    columns.update(
        {
            "text": Value("string"),
            "text_sha256": Value("string"),
            "spans": List(release_span_feature(labelset)),
        }
    )
    return Features(columns)


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

    def spans(
        self, document: Mapping[str, Any], records: Iterable[Mapping[str, Any]], *, gold: bool
    ) -> list[dict[str, Any]]:
        where = "gold" if gold else "annotation"
        ordered = sorted(
            records,
            key=lambda r: (r["start"], r["end"], self.label_index.get(r["label"], -1), r.get("id") or ""),
        )
        index = {r["id"]: position for position, r in enumerate(ordered) if r.get("id") is not None}
        out = []
        names = self.attribute_names
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
            attributes = record.get("attributes") or {}
            links = []
            for name in self.links.get(record["label"], ()):
                target = attributes.get(name)
                if isinstance(target, str) and target in index:
                    links.append({"role": name, "target": index[target]})
            for link in record.get("links") or ():
                if link.get("target") in index:
                    links.append({"role": link["role"], "target": index[link["target"]]})
            span = {
                "id": record.get("id"),
                "start": record["start"],
                "end": record["end"],
                "span_text": record["span_text"],
                "label": self.label_index[record["label"]],
            }
            if names:
                if attributes.keys() <= self._known:
                    span["attributes"] = {**self._empty, **attributes}
                else:
                    span["attributes"] = {name: attributes.get(name) for name in names}
            span["annotator"] = record.get("annotator")
            span["draft"] = draft
            span["links"] = links
            out.append(span)
        return out


# -- counts for the card ---------------------------------------------------------------------------------------


@dataclass
class SplitCounts:
    rows: int = 0
    documents: set[str] = field(default_factory=set)
    spans: int = 0
    drafts: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    frames: Counter[str] = field(default_factory=Counter)


@dataclass
class ReleaseCounts:
    """Filled while rows are written; the card is rendered after the data, from these."""

    configs: dict[str, dict[str, SplitCounts]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(SplitCounts))
    )
    annotators: set[str] = field(default_factory=set)
    sources: Counter[str] = field(default_factory=Counter)
    licenses: Counter[str] = field(default_factory=Counter)


def _count(counts: SplitCounts, doc_id: str, spans: list[dict[str, Any]], names: list[str]) -> None:
    counts.rows += 1
    counts.documents.add(doc_id)
    counts.spans += len(spans)
    for span in spans:
        label = names[span["label"]]
        counts.labels[label] += 1
        counts.drafts += span["draft"]
        frame = (span.get("attributes") or {}).get("frame")
        if frame is not None:
            counts.frames[frame] += 1


def _document_part(document: Mapping[str, Any]) -> dict[str, Any]:
    row = {name: document.get(name) for name in DOCUMENT_FIELDS}
    row["text"] = document["text"]
    row["text_sha256"] = document.get("text_sha256")
    return row


def annotated_configs(
    source: Callable[[], Iterable[AnnotatedDocument]],
    *,
    labelset: LabelSet | None = None,
    salt: str = DEFAULT_SALT,
    ratios: Mapping[str, float] = DEFAULT_RATIOS,
    counts: ReleaseCounts | None = None,
    annotations: bool = True,
) -> list[ReleaseConfig]:
    """The ``gold`` (and ``annotations``) configs; ``source`` is called once per config and split (rows are
    streamed, never held in memory all at once). ``counts`` is filled as the rows are written."""
    labelset = labelset or default_labelset()
    encoder = SpanEncoder(labelset)
    names = labelset.names
    counts = counts if counts is not None else ReleaseCounts()
    split_of: dict[str, str] = {}

    def split(document: Mapping[str, Any]) -> str:
        doc_id = document["doc_id"]
        found = split_of.get(doc_id)
        if found is None:
            found = split_of[doc_id] = assign_split(story_key(document), salt=salt, ratios=ratios)
        return found

    def gold_rows(wanted: str) -> Iterator[dict[str, Any]]:
        for item in source():
            if split(item.document) != wanted:
                continue
            gold = item.gold  # read once: a source may compute it on access
            if not (gold or item.final):
                continue
            spans = encoder.spans(item.document, gold, gold=True)
            _count(counts.configs[GOLD_CONFIG][wanted], item.document["doc_id"], spans, names)
            yield {**_document_part(item.document), "spans": spans}

    def annotation_rows(wanted: str) -> Iterator[dict[str, Any]]:
        for item in source():
            if split(item.document) != wanted:
                continue
            per_annotator = item.annotations
            if not per_annotator:
                continue
            base = _document_part(item.document)
            for annotator in sorted(per_annotator):
                spans = encoder.spans(item.document, per_annotator[annotator], gold=False)
                counts.annotators.add(annotator)
                _count(counts.configs[ANNOTATIONS_CONFIG][wanted], item.document["doc_id"], spans, names)
                yield {**base, "annotator": annotator, "spans": spans}

    configs = [
        ReleaseConfig(
            GOLD_CONFIG,
            annotated_features(labelset),
            {name: gold_rows(name) for name in ratios},
            "adjudicated spans, one row per document",
        )
    ]
    if annotations:
        configs.append(
            ReleaseConfig(
                ANNOTATIONS_CONFIG,
                annotated_features(labelset, per_annotator=True),
                {name: annotation_rows(name) for name in ratios},
                "every annotator's spans, one row per document and annotator",
            )
        )
    return configs


# -- the card ----------------------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _agreement_section(agreement: Mapping[str, Any] | None) -> str:
    if not agreement or not agreement.get("documents"):
        return "No document was annotated by two or more annotators, so there are no agreement figures."
    overall = agreement["overall"]
    lines = [
        f"Over {agreement['documents']} documents annotated by two or more of "
        f"{len(agreement['annotators'])} annotators (pairwise, summed over pairs; alpha over "
        f"{'characters' if agreement['unit'] == 'char' else 'tokens'}):",
        "",
        "| label | spans | F1 strict | F1 partial | Krippendorff's alpha |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, figures in agreement["per_label"].items():
        lines.append(
            f"| {label} | {figures['spans']} | {_fmt(figures['strict']['f1'])} | "
            f"{_fmt(figures['partial']['f1'])} | {_fmt(figures['alpha'])} |"
        )
    lines.append(
        f"| **all** | {sum(f['spans'] for f in agreement['per_label'].values())} | "
        f"{_fmt(overall['strict']['f1'])} | {_fmt(overall['partial']['f1'])} | {_fmt(overall['alpha'])} |"
    )
    kappas = [
        f"{label}.{name} {_fmt(value['kappa'], 2)} (n={value['n']})"
        for label, attributes in agreement.get("attributes", {}).items()
        for name, value in attributes.items()
        if value["n"]
    ]
    if kappas:
        lines += ["", "Cohen's kappa on the attributes of matched spans: " + "; ".join(kappas) + "."]
    return "\n".join(lines)


def _counts_table(config: str, counts: ReleaseCounts, labelset: LabelSet, splits: list[str]) -> str:
    per_split = counts.configs.get(config, {})
    splits = [s for s in splits if s in per_split and per_split[s].rows]
    if not splits:
        return "(empty)"
    header = "| | " + " | ".join(splits) + " |\n|---|" + "---:|" * len(splits)
    rows = [
        "| rows | " + " | ".join(str(per_split[s].rows) for s in splits) + " |",
        "| documents | " + " | ".join(str(len(per_split[s].documents)) for s in splits) + " |",
        "| spans | " + " | ".join(str(per_split[s].spans) for s in splits) + " |",
    ]
    for label in labelset.names:
        rows.append(f"| {label} | " + " | ".join(str(per_split[s].labels[label]) for s in splits) + " |")
    frames = sorted({frame for s in splits for frame in per_split[s].frames})
    for frame in frames:
        rows.append(
            f"| framing: {frame} | " + " | ".join(str(per_split[s].frames[frame]) for s in splits) + " |"
        )
    if config == ANNOTATIONS_CONFIG:
        rows.append("| drafts | " + " | ".join(str(per_split[s].drafts) for s in splits) + " |")
    return header + "\n" + "\n".join(rows)


def annotated_card(
    stats: BuildStats,
    counts: ReleaseCounts,
    features: Mapping[str, Features],
    *,
    labelset: LabelSet,
    agreement: Mapping[str, Any] | None,
    salt: str,
    ratios: Mapping[str, float],
) -> str:
    """The README.md: YAML header (configs with non-empty splits, typed features) and the description."""
    configs = {name: splits for name, splits in stats.configs.items() if splits}
    header = card_header(
        configs,
        {name: features[name] for name in configs},
        pretty_name="newsspan annotated corpus",
        license="other",
        extra={"language": ["en"], "task_categories": ["token-classification"]},
    )
    version = stats.version
    label_lines = "\n".join(
        f"- `{label.name}` ({label.title}): {label.description}"
        + (
            " Attributes: "
            + ", ".join(
                f"`{name}`" + (" (required)" if name in label.required else "") for name in label.attributes
            )
            + "."
            if label.attributes
            else ""
        )
        for label in labelset.labels
    )
    guidelines = labelset.raw.get("guidelines") or "docs/guidelines.md"
    split_names = list(ratios)
    ratio_text = ", ".join(f"{name} {ratio:.0%}" for name, ratio in ratios.items())
    sources = "\n".join(f"- {name}: {n}" for name, n in counts.sources.most_common()) or "- (none recorded)"
    licenses = (
        "\n".join(f"- {name}: {n} documents" for name, n in counts.licenses.most_common())
        or "- no licence field in the documents' metadata"
    )
    gold_rows = sum(c.rows for c in counts.configs.get(GOLD_CONFIG, {}).values())
    annotation_rows = sum(c.rows for c in counts.configs.get(ANNOTATIONS_CONFIG, {}).values())
    return f"""{header}
# newsspan annotated corpus v{version}

News articles with span annotations made in [newsspan](https://example.invalid/newsspan): actors, attributed
claims, numbers and framing passages. {gold_rows} documents have adjudicated (gold) spans; {annotation_rows}
rows hold the spans of individual annotators ({len(counts.annotators)} annotators).

## Configs
- `gold`: one row per document with gold spans: document fields, `text`, and `spans` (a list of `id`, `start`,
  `end`, `span_text`, `label` (ClassLabel), `attributes` (typed; null when a label does not have one),
  `annotator`, `draft`, `links`). Offsets are Python code points into `text`; `text[start:end] == span_text`
  holds for every span. `links` point at other spans of the same row by their index in `spans`: a claim's
  speaker is `{{"role": "speaker", "target": i}}` (the `speaker` attribute keeps the span id, or `"author"` when
  the outlet speaks in its own voice, which has no link).
- `annotations`: one row per document and annotator (`annotator` column), same span fields. Draft spans (an
  annotator had not filled in a required attribute) are kept with `draft = true`; gold never has drafts.
- `documents`: the whole corpus (raw text, cleaning provenance, metadata); its `split` column gives each
  document's split in the configs above.

Machine suggestions are never part of a release unless an annotator accepted them.

## Splits
{ratio_text}, by a salted hash (salt `{salt}`) of `story_id`, else `doc_id`: every document of a story is in the
same split, and a document never changes split when the corpus grows. Empty splits are left out.

### gold
{_counts_table(GOLD_CONFIG, counts, labelset, split_names)}

### annotations
{_counts_table(ANNOTATIONS_CONFIG, counts, labelset, split_names)}

## Labels ({labelset.title}, label set version {labelset.version})
{label_lines}

Annotation guidelines: `{guidelines}` in the newsspan repository. Record schema version {SCHEMA_VERSION}.

## Agreement
{_agreement_section(agreement)}

## Load it
```python
from datasets import load_dataset
gold = load_dataset("releases/v{version}", "gold")          # DatasetDict: {", ".join(configs.get(GOLD_CONFIG, {}))}
span = gold["train"][0]["spans"][0]
names = gold["train"].features["spans"].feature["label"].names   # ClassLabel names
```
pandas: `pd.read_parquet("releases/v{version}/data/gold", dtype_backend="pyarrow")` (keeps nested types);
polars: `pl.read_parquet("releases/v{version}/data/gold/*.parquet").explode("spans").unnest("spans")`;
duckdb: `select * from read_parquet('releases/v{version}/data/gold/*.parquet')`.

## Sources
{sources}

## Licence
The articles remain under their publishers' terms; see the `source` and `url` fields. The annotations are
released for research. Licence fields found in the documents' metadata:
{licenses}
"""


# -- building ------------------------------------------------------------------------------------------------


def build_annotated_release_from(
    version: str,
    source: Callable[[], Iterable[AnnotatedDocument]],
    *,
    documents: Callable[[], Iterable[Mapping[str, Any]]] | None = None,
    labelset: LabelSet | None = None,
    salt: str = DEFAULT_SALT,
    ratios: Mapping[str, float] = DEFAULT_RATIOS,
    agreement: Mapping[str, Any] | None = None,
    annotations: bool = True,
    manifest_extra: Mapping[str, Any] | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> Path:
    """Build ``releases/vVERSION`` from annotated documents (``source``, re-iterable) and optionally the corpus
    (``documents``, for the ``documents`` config). The store-independent core of
    :func:`build_annotated_release`; benchmarks and tests call it with synthetic data."""
    version = parse_version(version)
    labelset = labelset or default_labelset()
    if abs(sum(ratios.values()) - 1.0) > 1e-9 or any(value < 0 for value in ratios.values()):
        raise NewsspanError(
            f"split ratios must be non-negative and sum to 1, got {dict(ratios)}",
            hint="e.g. --ratios 0.8,0.1,0.1",
        )
    counts = ReleaseCounts()
    configs: list[ReleaseConfig] = []
    if documents is not None:

        def document_rows() -> Iterator[dict[str, Any]]:
            for document in documents():
                counts.sources[document.get("source") or "unknown"] += 1
                metadata = document.get("metadata") or {}
                licence = metadata.get("license") or metadata.get("licence")
                if licence:
                    counts.licenses[str(licence)] += 1
                row = release_row(document, salt=salt)
                if ratios != DEFAULT_RATIOS:
                    row["split"] = assign_split(story_key(document), salt=salt, ratios=ratios)
                yield row

        configs.append(ReleaseConfig(DOCUMENTS_CONFIG, document_features(), {"train": document_rows()}))
    configs += annotated_configs(
        source, labelset=labelset, salt=salt, ratios=ratios, counts=counts, annotations=annotations
    )
    features = {config.name: config.features for config in configs}

    def card(stats: BuildStats) -> str:
        return annotated_card(
            stats, counts, features, labelset=labelset, agreement=agreement, salt=salt, ratios=ratios
        )

    summary = None
    if agreement and agreement.get("documents"):
        summary = {
            "documents": agreement["documents"],
            "f1_strict": agreement["overall"]["strict"]["f1"],
            "f1_partial": agreement["overall"]["partial"]["f1"],
            "alpha": agreement["overall"]["alpha"],
        }
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
            "agreement": summary,
            **dict(manifest_extra or {}),
        },
        on_rows=on_rows,
    )


def store_documents(store: Any) -> list[AnnotatedDocument]:
    """Every document of the store that has gold or annotator spans (or an annotator who marked it done), with
    its current text, gold records and each annotator's records. The command line's source."""
    from workbench.store import CLI_USER

    gold: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in store.records(CLI_USER, "gold"):
        gold[record["doc_id"]].append(record)
    annotations: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for record in store.records(CLI_USER, "annotation"):
        if not record.get("suggested_by"):
            annotations[record["doc_id"]][record["annotator"]].append(record)
    for row in store.progress(CLI_USER):
        if row["status"] == "done":
            annotations[row["doc_id"]].setdefault(row["annotator"], [])
        if row["stage"] == "final":
            gold.setdefault(row["doc_id"], [])
    out = []
    for doc_id in sorted({*gold, *annotations}):
        document = store.document(CLI_USER, doc_id)
        out.append(
            AnnotatedDocument(
                document=document,
                gold=gold.get(doc_id, []),
                annotations={name: list(records) for name, records in annotations.get(doc_id, {}).items()},
                final=document.get("stage") == "final",
            )
        )
    return out


def build_annotated_release(
    version: str,
    *,
    store: Any = None,
    corpus: Path | None = None,
    salt: str = DEFAULT_SALT,
    ratios: Mapping[str, float] = DEFAULT_RATIOS,
    unit: str = "char",
    on_rows: Callable[[int], None] | None = None,
) -> Path:
    """Build an annotated release from the annotation store (default ``open_store()``) and the corpus file
    (the ``documents`` config; the store's documents when there is no corpus file)."""
    from corpus.agreement import compute_agreement
    from corpus.corpus_file import read_documents
    from corpus.paths import corpus_file

    if store is None:
        from workbench.store import open_store

        store = open_store()
    version = parse_version(version)
    items = store_documents(store)
    if not any(item.gold or item.final for item in items) and not any(item.annotations for item in items):
        raise NewsspanError(
            "the annotation store has no gold or annotator spans to release",
            hint="annotate and review first, or build a documents-only release without --annotations",
        )
    labelset = default_labelset()
    path = corpus or corpus_file()
    if path.is_file() and next(iter(read_documents(path)), None) is not None:

        def documents() -> Iterable[Mapping[str, Any]]:
            return read_documents(path)

    else:  # no corpus file: every document the store has assigned or annotated
        from workbench.store import CLI_USER

        known = {item.document["doc_id"]: item.document for item in items}
        for row in store.progress(CLI_USER):
            if row["doc_id"] not in known:
                known[row["doc_id"]] = store.document(CLI_USER, row["doc_id"])
        store_corpus = [known[doc_id] for doc_id in sorted(known)]

        def documents() -> Iterable[Mapping[str, Any]]:
            return iter(store_corpus)

    records = [record for item in items for rs in item.annotations.values() for record in rs]
    agreement = compute_agreement(
        records,
        texts={item.document["doc_id"]: item.document["text"] for item in items},
        annotators={item.document["doc_id"]: list(item.annotations) for item in items},
        labelset=labelset,
        unit=unit,
    )
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
    )


def parse_ratios(text: str) -> dict[str, float]:
    """``"0.8,0.1,0.1"`` (or percentages ``"80,10,10"``) as train/validation/test ratios."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 3 or any(value < 0 for value in values) or not sum(values):
        raise NewsspanError(
            f"cannot read split ratios {text!r}",
            hint="give three numbers for train,validation,test: 0.8,0.1,0.1",
        )
    total = sum(values)
    if abs(total - 1.0) > 1e-6 and abs(total - 100.0) > 1e-6:
        raise NewsspanError(f"split ratios {text!r} add up to {total:g}", hint="they must sum to 1 (or 100)")
    return {name: value / total for name, value in zip(SPLITS, values, strict=True)}


__all__ = [
    "ANNOTATIONS_CONFIG",
    "GOLD_CONFIG",
    "AnnotatedDocument",
    "annotated_configs",
    "annotated_features",
    "build_annotated_release",
    "build_annotated_release_from",
    "parse_ratios",
    "release_span_feature",
    "store_documents",
]
