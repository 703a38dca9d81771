"""The licence a release is published under, for its dataset card's ``license`` (and ``license_name`` and
``license_link`` when it is ``other``, as the Hugging Face dataset card spec asks).

It comes from the project's configuration, ``newsspan.toml`` in the project folder (or, in a project that has a
``pyproject.toml``, its ``[tool.newsspan.release]`` table)::

    [release]
    license = "cc-by-4.0"            # a Hub licence identifier (https://hf.co/docs/hub/repositories-licenses)
    # license = "other"              # a licence the Hub does not list: then both of
    # license_name = "publisher-terms-1.0"     # an id for it (lowercase letters, digits, . - _)
    # license_link = "https://example.org/terms"   # where to read it (an http(s) URL)

``newsspan release build --license ID [--license-name NAME --license-link URL]`` overrides it for one build.
Without either the card says ``license: unknown`` (the Hub's word for "not stated") and its licence section says
how to set it: a release never claims a licence nobody chose.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import NewsspanError
from corpus.paths import project_home

PROJECT_CONFIG = "newsspan.toml"
_ID = re.compile(r"[a-z0-9][a-z0-9.+_-]{0,63}")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_LINK = re.compile(r"https?://[^\s<>\"']+")
HINT = (
    f'set it in {PROJECT_CONFIG} ([release] license = "cc-by-4.0") or pass --license; a licence the Hub does '
    'not list is license = "other" with license_name and license_link'
)


@dataclass(frozen=True)
class ReleaseLicense:
    """A card's licence: a Hub licence id, with a name and a link when the id is ``other``."""

    id: str = "unknown"
    name: str | None = None
    link: str | None = None
    origin: str = "not configured"  # where it came from, for messages: a file, or the command line

    @property
    def configured(self) -> bool:
        return self.origin != "not configured"

    def card_fields(self) -> dict[str, str]:
        """The card's YAML fields: ``license``, plus ``license_name`` and ``license_link`` for ``other``."""
        fields = {"license": self.id}
        if self.id == "other":
            fields.update(license_name=str(self.name), license_link=str(self.link))
        return fields

    def sentence(self) -> str:
        """One line for the card's licence section."""
        if not self.configured:
            return f"No licence was configured for this release (`license: unknown`): {HINT}."
        if self.id == "other":
            return f"The annotations are released under `{self.name}`: <{self.link}>."
        return f"The annotations are released under `{self.id}`."


def parse_license(
    license_id: str, name: str | None = None, link: str | None = None, *, origin: str = "--license"
) -> ReleaseLicense:
    """A checked licence: a lowercase Hub id (``CC-BY-4.0`` is taken as ``cc-by-4.0``); ``other`` needs a
    name and an http(s) link, and only ``other`` takes them."""
    license_id = license_id.strip().lower()
    if not _ID.fullmatch(license_id):
        raise NewsspanError(
            f"{license_id!r} is not a licence identifier", where=origin, hint="e.g. cc-by-4.0, mit, other"
        )
    if license_id != "other":
        if name or link:
            raise NewsspanError(
                f"license_name and license_link are for license 'other', not {license_id!r}",
                where=origin,
                hint="drop them, or set license to other",
            )
        return ReleaseLicense(license_id, origin=origin)
    if not name or not link:
        raise NewsspanError(
            "license 'other' needs license_name and license_link (the Hub shows them on the card)",
            where=origin,
            hint='e.g. license_name = "publisher-terms-1.0", license_link = "https://example.org/terms"',
        )
    if not _NAME.fullmatch(name):
        raise NewsspanError(
            f"license_name {name!r} must be an id: lowercase letters, digits, '.', '-', '_'",
            where=origin,
            hint="e.g. publisher-terms-1.0",
        )
    if not _LINK.fullmatch(link):
        raise NewsspanError(
            f"license_link {link!r} must be an http(s) URL",
            where=origin,
            hint="where the licence can be read",
        )
    return ReleaseLicense(license_id, name, link, origin=origin)


def _config_table(home: Path) -> tuple[dict[str, Any], str] | None:
    """The ``[release]`` table of newsspan.toml (or ``[tool.newsspan.release]`` of pyproject.toml), and where."""
    for file, keys in ((PROJECT_CONFIG, ("release",)), ("pyproject.toml", ("tool", "newsspan", "release"))):
        path = home / file
        if not path.is_file():
            continue
        try:
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise NewsspanError(
                f"cannot read {file}: {error}", where=str(path), hint="fix the TOML"
            ) from None
        for key in keys:
            data = data.get(key) if isinstance(data, dict) else None
        if isinstance(data, dict):
            return data, f"{path} [{'.'.join(keys)}]"
    return None


def project_license(home: Path | None = None) -> ReleaseLicense:
    """The licence of the project's configuration, or ``unknown`` (not configured) without one."""
    found = _config_table(home or project_home())
    if found is None or "license" not in found[0]:
        return ReleaseLicense()
    table, origin = found
    values = [table.get(key) for key in ("license", "license_name", "license_link")]
    if not all(value is None or isinstance(value, str) for value in values):
        raise NewsspanError("license, license_name and license_link must be strings", where=origin)
    return parse_license(str(values[0]), values[1], values[2], origin=origin)


def release_license(
    license_id: str | None = None, name: str | None = None, link: str | None = None
) -> ReleaseLicense:
    """The command line's licence when given (``--license``), else the project's configuration."""
    if license_id is None:
        if name or link:
            raise NewsspanError("--license-name and --license-link go with --license other", hint=HINT)
        return project_license()
    return parse_license(license_id, name, link)
