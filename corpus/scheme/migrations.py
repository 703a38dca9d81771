"""The record version this code writes, and how records of older versions are brought up to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from corpus.errors import NewsspanError
from corpus.scheme.messages import short

SCHEMA_VERSION = "1.0.0"
"""Version of the annotation record schema (``schema/annotation.schema.json``) this code writes and reads."""


def _from_0_9_0(record: dict[str, Any]) -> dict[str, Any]:
    """0.9.0 -> 1.0.0: the span's copy of the text was called ``text`` (it collided with the document's text
    when a team unnested spans in polars); it is ``span_text`` now."""
    record = dict(record)
    if "text" in record and "span_text" not in record:
        record["span_text"] = record.pop("text")
    return record


MIGRATIONS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "0.9.0": ("1.0.0", _from_0_9_0),
}
"""Older record version -> (the version it migrates to, the function). Chained until SCHEMA_VERSION."""


def migrate_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record in the current SCHEMA_VERSION: the record itself when current, else a migrated copy.

    A missing or unknown version raises NewsspanError naming the record's version and the supported one.
    """
    version = record.get("schema_version")
    if version == SCHEMA_VERSION:
        return record
    if version is None:
        raise NewsspanError(
            "schema_version: missing", hint=f"records of this newsspan have schema_version {SCHEMA_VERSION!r}"
        )
    start = version
    seen: set[str] = set()
    while version != SCHEMA_VERSION:
        step = MIGRATIONS.get(version) if isinstance(version, str) else None
        if step is None or version in seen:
            known = ", ".join(repr(v) for v in MIGRATIONS)
            raise NewsspanError(
                f"schema_version: {short(start)} cannot be read: this newsspan reads records of version "
                f"{SCHEMA_VERSION!r} and migrates {known}",
                hint="upgrade newsspan if the record comes from a newer version, or convert the record",
            )
        seen.add(version)
        version, migrate = step
        record = migrate(record)
        record["schema_version"] = version
    return record
