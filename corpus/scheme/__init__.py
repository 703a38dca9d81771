"""The annotation scheme: label sets, the actor registry, and validation of annotation records.

The files of the ``schema`` package are the single source of truth. This package loads them and validates
records with JSON Schema (draft 2020-12) plus the checks JSON Schema cannot express, returning plain
sentences, never raising for a bad record. One module per job:

* ``labelset`` -- label sets: ``load_labelset()``, ``default_labelset()`` (``$NEWSSPAN_LABELSET``, the
  project's ``labelset.json``, else ``schema/labelset.json``); ``labelset_rules`` -- what the meta-schema
  cannot say (unique names and hotkeys, link targets, one type per attribute name).
* ``composition`` -- the record schema a label set implies (``annotation.schema.json`` plus one
  ``if``/``then`` per label).
* ``actors`` -- the actor registry (``schema/actors.json``) that ``actor.entity_id`` values point into.
* ``records`` -- ``validate_records()`` / ``validate_record()`` / ``check_records()``; ``record_checks`` --
  offsets, ``span_text``, ``text_sha256``, links and registry ids; ``messages`` -- schema errors as sentences.
* ``migrations`` -- ``SCHEMA_VERSION`` and ``migrate_record()``; ``documents`` -- document records.
* ``guidelines`` -- one label's section of ``schema/guidelines.md``.
* ``files`` / ``formats`` / ``locations`` -- reading the packaged JSON Schemas (``importlib.resources``), the
  format checker, and how file paths and JSON paths are shown.

Import from here (``from corpus.scheme import validate_records``): the submodules are the layout, not the API.
"""

from __future__ import annotations

from corpus.scheme.actors import ActorRegistry, default_registry, load_registry
from corpus.scheme.documents import document_schema, validate_document
from corpus.scheme.guidelines import guidelines_section
from corpus.scheme.labelset import Label, LabelSet, default_labelset, default_labelset_path, load_labelset
from corpus.scheme.locations import display_path
from corpus.scheme.migrations import MIGRATIONS, SCHEMA_VERSION, migrate_record
from corpus.scheme.records import (
    check_group,
    check_records,
    missing_attributes,
    record_schema,
    validate_record,
    validate_records,
)

__all__ = [
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "ActorRegistry",
    "Label",
    "LabelSet",
    "check_group",
    "check_records",
    "default_labelset",
    "default_labelset_path",
    "default_registry",
    "display_path",
    "document_schema",
    "guidelines_section",
    "load_labelset",
    "load_registry",
    "migrate_record",
    "missing_attributes",
    "record_schema",
    "validate_document",
    "validate_record",
    "validate_records",
]
