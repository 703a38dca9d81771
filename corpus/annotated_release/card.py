"""The README.md of an annotated release: YAML header, configs, split counts, labels, agreement, how to load."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from datasets import Features

from corpus.agreement_inputs import format_figure
from corpus.annotated_release.counts import ReleaseCounts, SplitCounts
from corpus.annotated_release.rows import ANNOTATIONS_CONFIG, GOLD_CONFIG
from corpus.card import card_header
from corpus.licensing import ReleaseLicense
from corpus.release import BuildStats
from corpus.scheme import SCHEMA_VERSION, LabelSet


def agreement_section(agreement: Mapping[str, Any] | None) -> str:
    """The card's agreement table: the figures of :func:`corpus.agreement_inputs.agreement_figures`, shown as
    ``newsspan agreement`` and the Agreement page show them."""
    if not agreement or not agreement.get("documents"):
        return "No document in review was annotated by two or more annotators, so there are no agreement figures."
    overall = agreement["overall"]
    lines = [
        f"Over {agreement['documents']} documents in review or final, annotated by two or more of "
        f"{len(agreement['annotators'])} annotators (pairwise, summed over pairs; alpha over "
        f"{'characters' if agreement['unit'] == 'char' else 'tokens'}):",
        "",
        "| label | spans | F1 strict | F1 partial | Krippendorff's alpha |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, figures in agreement["per_label"].items():
        lines.append(
            f"| {label} | {figures['spans']} | {format_figure(figures['strict']['f1'])} | "
            f"{format_figure(figures['partial']['f1'])} | {format_figure(figures['alpha'])} |"
        )
    lines.append(
        f"| **all** | {sum(f['spans'] for f in agreement['per_label'].values())} | "
        f"{format_figure(overall['strict']['f1'])} | {format_figure(overall['partial']['f1'])} | "
        f"{format_figure(overall['alpha'])} |"
    )
    kappas = [
        f"{label}.{name} {format_figure(value['kappa'], 2)} (n={value['n']})"
        for label, attributes in agreement.get("attributes", {}).items()
        for name, value in attributes.items()
        if value["n"]
    ]
    if kappas:
        lines += ["", "Cohen's kappa on the attributes of matched spans: " + "; ".join(kappas) + "."]
    return "\n".join(lines)


def counts_table(config: str, counts: ReleaseCounts, labelset: LabelSet, splits: list[str]) -> str:
    """Rows, documents, spans, spans per label and frame (and drafts) per non-empty split of one config."""
    per_split: Mapping[str, SplitCounts] = counts.configs.get(config, {})
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


def _label_lines(labelset: LabelSet) -> str:
    return "\n".join(
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


def models_section(models: Sequence[Mapping[str, Any]]) -> str:
    """The span models whose suggestions annotators were shown, with what each was trained from."""
    if not models:
        return "No trained model's suggestions were shown to annotators (rules and propagation only, if any)."
    lines = [
        "Annotators were shown suggestions of these span models (`newsspan learn`, files under `models/`):"
    ]
    for model in models:
        source = model.get("trained_from") or {}
        releases = ", ".join(f"v{v}" for v in source.get("releases", [])) or "the store"
        facts = [f"trained {model['created_at']}" if model.get("created_at") else "its files are gone"]
        if model.get("documents") is not None:
            facts.append(
                f"on {model['documents']} documents and {model.get('spans', '?')} spans of {releases}"
            )
        if model.get("spacy_version"):
            facts.append(f"spaCy {model['spacy_version']}")
        lines.append(f"- `{model['id']}`: " + ", ".join(facts))
    return "\n".join(lines)


def annotated_card(
    stats: BuildStats,
    counts: ReleaseCounts,
    features: Mapping[str, Features],
    *,
    labelset: LabelSet,
    agreement: Mapping[str, Any] | None,
    salt: str,
    ratios: Mapping[str, float],
    license: ReleaseLicense | None = None,
    models: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The README.md: YAML header (licence, configs with non-empty splits, typed features, sizes) and the
    description."""
    license = license or ReleaseLicense()
    configs = {name: splits for name, splits in stats.configs.items() if splits}
    header = card_header(
        configs,
        {name: features[name] for name in configs},
        pretty_name="newsspan annotated corpus",
        license=license,
        arrow_bytes=stats.arrow_bytes,
        file_bytes=stats.file_bytes,
        extra={"language": ["en"], "task_categories": ["token-classification"]},
    )
    version = stats.version
    guidelines = labelset.raw.get("guidelines") or "docs/guidelines.md"
    split_names = list(ratios)
    ratio_text = ", ".join(f"{name} {ratio:.0%}" for name, ratio in ratios.items())
    sources = "\n".join(f"- {name}: {n}" for name, n in counts.sources.most_common()) or "- (none recorded)"
    licenses = (
        "\n".join(f"- {name}: {n} documents" for name, n in counts.licenses.most_common())
        or "- no licence field in the documents' metadata"
    )
    gold_rows, annotation_rows = counts.rows(GOLD_CONFIG), counts.rows(ANNOTATIONS_CONFIG)
    return f"""{header}
# newsspan annotated corpus v{version}

News articles with span annotations made in newsspan: actors, attributed
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

## Suggestion models
{models_section(models)}

## Splits
{ratio_text}, by a salted hash (salt `{salt}`) of `story_id`, else `doc_id`: every document of a story is in the
same split, and a document never changes split when the corpus grows. Empty splits are left out.

### gold
{counts_table(GOLD_CONFIG, counts, labelset, split_names)}

### annotations
{counts_table(ANNOTATIONS_CONFIG, counts, labelset, split_names)}

## Labels ({labelset.title}, label set version {labelset.version})
{_label_lines(labelset)}

Annotation guidelines: `{guidelines}` in the newsspan repository. Record schema version {SCHEMA_VERSION}.

## Agreement
{agreement_section(agreement)}

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
{license.sentence()} The articles themselves remain under their publishers' terms; see the `source` and `url`
fields. Licence fields found in the documents' metadata:
{licenses}
"""
