"""Release versions: semantic versions ``MAJOR.MINOR.PATCH`` (an optional leading ``v`` is accepted)."""

from __future__ import annotations

import re

from corpus.errors import NewsspanError

_SEMVER = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def parse_version(value: str) -> str:
    """The normalized version string (without ``v``), or a clear error."""
    if not _SEMVER.match(value.strip()):
        raise NewsspanError(
            f"'{value}' is not a semantic version",
            hint="use MAJOR.MINOR.PATCH, for example 0.1.0",
        )
    return value.strip().removeprefix("v")


def version_key(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in parse_version(version).split("."))
    return major, minor, patch
