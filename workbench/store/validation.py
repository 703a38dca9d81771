"""The one place the store calls the scheme's validator (``corpus.scheme``): every write goes through here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workbench.store.base import scheme_record


class Validator:
    """Validates a record against its document and the other records of its layer (``corpus.scheme``); the
    scheme caches the label set and actor registry and reloads them when their files change."""

    @property
    def schema_version(self) -> str:
        from corpus import scheme

        return scheme.SCHEMA_VERSION

    def __call__(
        self,
        record: dict[str, Any],
        document: dict[str, Any],
        others: Sequence[dict[str, Any]] = (),
        *,
        layer: str = "annotation",
    ) -> list[str]:
        """Problems of ``record``; only the gold layer must be complete. An annotator's span is saved the moment
        it is tagged and its required attributes filled in afterwards (marking the document done checks them)."""
        from corpus import scheme

        return list(
            scheme.validate_record(
                scheme_record(record),
                document,
                others=[scheme_record(other) for other in others],
                complete=layer == "gold",
            )
        )
