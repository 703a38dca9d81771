"""Building an annotated release from a caller's choices: the one function behind ``newsspan release build
--annotations`` and the workbench's background ``release`` job.

It reads the choices as a person gives them (a version string, ``"0.8,0.1,0.1"`` ratios, a licence or none for
the project's), builds the release and says what was built (configs with their split sizes, the fingerprint,
whether a licence was configured), so the command prints it and the job stores it as its summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpus.annotated_release.source import AnnotationSource
    from corpus.licensing import ReleaseLicense

DEFAULT_RATIOS_TEXT = "0.8,0.1,0.1"


@dataclass(frozen=True)
class BuiltRelease:
    """What a build wrote: ``configs`` maps each config to its splits' row counts."""

    version: str
    path: Path
    configs: dict[str, dict[str, int]]
    fingerprint: str
    license_configured: bool

    def configs_line(self) -> str:
        """``documents (train 5), gold (train 3, test 1), ...``: one line for people."""
        return ", ".join(
            f"{name} ({', '.join(f'{split} {rows}' for split, rows in splits.items()) or 'empty'})"
            for name, splits in self.configs.items()
        )

    def summary(self) -> dict[str, Any]:
        """The build as plain data (a background job's result)."""
        return {
            "version": self.version,
            "path": str(self.path),
            "configs": self.configs,
            "fingerprint": f"sha256:{self.fingerprint}",
            "license configured": self.license_configured,
        }


def build_release_with_annotations(
    version: str,
    source: AnnotationSource,
    *,
    ratios: str = DEFAULT_RATIOS_TEXT,
    license: ReleaseLicense | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> BuiltRelease:
    """Build ``releases/vVERSION`` with the documents, gold and annotators' spans of ``source``; ``license``
    None means the project's (``newsspan.toml``). Bad choices are refused before anything is written."""
    from corpus.annotated_release.build import build_annotated_release
    from corpus.annotated_release.ratios import parse_ratios
    from corpus.licensing import release_license
    from corpus.release import open_release
    from corpus.semver import parse_version

    version = parse_version(version)
    parsed = parse_ratios(ratios)
    license = license if license is not None else release_license()
    path = build_annotated_release(version, source, ratios=parsed, license=license, on_rows=on_rows)
    release = open_release(version)
    return BuiltRelease(
        version=version,
        path=path,
        configs={name: dict(splits) for name, splits in release.manifest["configs"].items()},
        fingerprint=release.fingerprint,
        license_configured=license.configured,
    )
