"""The documents release: the ingested corpus as the ``documents`` config of a versioned dataset."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from corpus.card import card_header
from corpus.corpus_file import read_documents
from corpus.errors import NewsspanError
from corpus.features import document_features, document_row
from corpus.licensing import ReleaseLicense, project_license
from corpus.paths import corpus_file
from corpus.release import BuildStats, ReleaseConfig, build_release
from corpus.scheme import SCHEMA_VERSION
from corpus.semver import parse_version
from corpus.splits import DEFAULT_SALT, assign_split, story_key

DOCUMENTS_CONFIG = "documents"


def release_row(document: Mapping[str, Any], *, salt: str = DEFAULT_SALT) -> dict[str, Any]:
    """A corpus document as a release row, with the split it belongs to."""
    return {**document_row(document), "split": assign_split(story_key(document), salt=salt)}


def _documents_card(stats: BuildStats, sources: Counter[str], features, license: ReleaseLicense) -> str:
    rows = stats.configs[DOCUMENTS_CONFIG].get("train", 0)
    header = card_header(
        stats.configs,
        {DOCUMENTS_CONFIG: features},
        pretty_name="newsspan corpus",
        license=license,
        arrow_bytes=stats.arrow_bytes,
        file_bytes=stats.file_bytes,
        extra={"language": ["en"], "task_categories": ["token-classification"]},
    )
    source_lines = (
        "\n".join(f"- {name}: {count}" for name, count in sources.most_common()) or "- (none recorded)"
    )
    return f"""{header}
# newsspan corpus v{stats.version}

News articles ingested by newsspan, ready for span annotation.
This release holds the **documents** config: {rows} documents, one row each, in the `train` split (the whole
corpus). Each row's `split` column gives the train/validation/test split the document will have in annotated
releases (a salted hash of `story_id`, else `doc_id`, so it never changes as the corpus grows).

## Fields
- `doc_id`: stable id (sha256 of the raw text); `source_id`: the id the article had in its input.
- `text`: the cleaned text; span offsets are Python code points into it. `text_sha256`: its sha256.
- `raw_text` and `removed`: the raw text and every range cleaning removed from it (`reason`, `start`, `end` in
  raw-text code points), so any offset in `text` maps back to `raw_text`.
- `source_edits`: what ingest changed from the source file to `raw_text` (a `.txt` file's byte-order mark, the
  `\\r` of each line ending: `start`, `end` in source code points, `original`, `replacement`, `reason`), so an
  offset counted in the original file maps to `text` and back (`corpus.provenance`).
- `title`, `source`, `published` (ISO date), `url`, `story_id`, `language`: null when not stated in the input.
- `metadata_json`: input columns newsspan does not know, as a JSON object.

## Load it
```python
from datasets import load_dataset
ds = load_dataset("releases/v{stats.version}", "documents", split="train")
```
pandas: `pd.read_parquet("releases/v{stats.version}/data/documents", dtype_backend="pyarrow")`;
polars: `pl.read_parquet("releases/v{stats.version}/data/documents/*.parquet")`.

## Sources
{source_lines}

## Licence
{license.sentence()} The articles themselves remain under their publishers' terms; see the `source` and `url`
fields.
"""


def build_documents_release(
    version: str,
    *,
    corpus: Path | None = None,
    salt: str = DEFAULT_SALT,
    on_rows: Callable[[int], None] | None = None,
    license: ReleaseLicense | None = None,
) -> Path:
    """Build ``releases/vVERSION`` from the ingested corpus. ``license`` defaults to the project's
    (:func:`corpus.licensing.project_license`)."""
    license = license or project_license()
    version = parse_version(version)
    path = corpus or corpus_file()
    count = sum(1 for _ in read_documents(path))
    if count == 0:
        raise NewsspanError(
            "the corpus is empty", where=str(path), hint="ingest articles first: newsspan ingest seeds/"
        )
    sources: Counter[str] = Counter(d.get("source") or "unknown" for d in read_documents(path))
    features = document_features()

    def rows() -> Iterator[dict[str, Any]]:
        for document in read_documents(path):
            yield release_row(document, salt=salt)

    config = ReleaseConfig(DOCUMENTS_CONFIG, features, {"train": rows()})
    return build_release(
        version,
        [config],
        card=lambda stats: _documents_card(stats, sources, features, license),
        manifest_extra={"schema_version": SCHEMA_VERSION, "split_salt": salt, "documents": count},
        on_rows=on_rows,
    )
