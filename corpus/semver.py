"""Release versions: semantic versions ``MAJOR.MINOR.PATCH`` (an optional leading ``v`` is accepted)."""

from __future__ import annotations

import re

from corpus.errors import NewsspanError

# Each part is at most MAX_PART_DIGITS digits: a version is a folder name, a Hub tag and the value of LATEST, and
# an unbounded number ("99999999999999999999.0.0") would sort above every real release for good.
MAX_PART_DIGITS = 9
_SEMVER = re.compile(r"v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")  # ASCII digits only


def parse_version(value: str) -> str:
    """The normalized version string (without ``v``), or a clear error."""
    match = _SEMVER.fullmatch(value.strip())
    if not match:
        raise NewsspanError(
            f"'{_shown(value)}' is not a semantic version",
            hint="use MAJOR.MINOR.PATCH, for example 0.1.0",
        )
    if any(len(part) > MAX_PART_DIGITS for part in match.groups()):
        raise NewsspanError(
            f"version '{_shown(value)}' is out of range: each part has at most {MAX_PART_DIGITS} digits",
            hint="use MAJOR.MINOR.PATCH with small numbers, for example 0.1.0",
        )
    return value.strip().removeprefix("v")


def is_version(value: str) -> bool:
    """Whether ``value`` is a valid, in-range version (no error raised)."""
    try:
        parse_version(value)
    except NewsspanError:
        return False
    return True


def _shown(value: str) -> str:
    """A version as quoted in a message: at most 40 characters, so a huge value does not flood the terminal."""
    value = value.strip()
    return value if len(value) <= 40 else value[:37] + "..."


def version_key(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in parse_version(version).split("."))
    return major, minor, patch
