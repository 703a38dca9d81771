"""Document records (``schema/document.schema.json``): their schema and their validation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corpus.scheme.files import DOCUMENT_SCHEMA, schema_file, validator_for
from corpus.scheme.locations import json_path
from corpus.text import sha256_text


def document_schema() -> dict[str, Any]:
    """The JSON Schema of a document record (``schema/document.schema.json``)."""
    return schema_file(DOCUMENT_SCHEMA)


def validate_document(document: Mapping[str, Any]) -> list[str]:
    """Problems of one document record, as sentences (JSON Schema plus text_sha256 against text)."""
    problems = [
        f"{json_path(error.absolute_path) or 'document'}: {error.message}"
        for error in validator_for(document_schema()).iter_errors(document)
    ]
    text = document.get("text")
    sha = document.get("text_sha256")
    if isinstance(text, str) and isinstance(sha, str) and sha256_text(text) != sha:
        problems.append("text_sha256: does not match the sha256 of text")
    return problems


def document_sha(document: Mapping[str, Any]) -> str:
    """The document's ``text_sha256``, computed from its text when the record lacks it ("" without text)."""
    sha = document.get("text_sha256")
    if isinstance(sha, str):
        return sha
    text = document.get("text")
    return sha256_text(text) if isinstance(text, str) else ""
