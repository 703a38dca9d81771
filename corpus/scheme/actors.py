"""The actor registry: the entities that actor annotations refer to by id (``attributes.entity_id``).

An actor's ``entity_id`` is a list of registry ids (several for a plural mention such as "the two leaders").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import NewsspanError
from corpus.scheme.files import ACTORS_SCHEMA, check_file, load_cached, read_json, schema_path
from corpus.scheme.locations import display_path


def _match_score(needle: str, folded: list[str]) -> int | None:
    """0 exact, 1 prefix, 2 substring, 3 close spelling, None no match (``needle`` and forms casefolded)."""
    if needle in folded:
        return 0
    if any(form.startswith(needle) for form in folded):
        return 1
    if any(needle in form for form in folded):
        return 2
    if difflib.get_close_matches(needle, folded, n=1, cutoff=0.75):
        return 3
    return None


@dataclass
class ActorRegistry:
    """Entities that actor annotations refer to by id (``attributes.entity_id``)."""

    entities: dict[str, dict[str, Any]]
    path: Path
    version: str = ""

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.entities

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, entity_id: str) -> dict[str, Any] | None:
        """The entity dict (``id``, ``type``, ``name``, ``aliases``, ``metonyms``...), or None."""
        return self.entities.get(entity_id)

    def aliases(self, *, metonyms: bool = False) -> dict[str, list[str]]:
        """Surface form -> entity ids (name, aliases, and metonyms when asked); a form may name several."""
        out: dict[str, list[str]] = {}
        for entity in self.entities.values():
            forms = [entity["name"], *entity.get("aliases", [])]
            if metonyms:
                forms += entity.get("metonyms", [])
            for form in dict.fromkeys(forms):
                out.setdefault(form, []).append(entity["id"])
        return out

    def metonyms(self) -> dict[str, list[str]]:
        """Metonymic form ("Beijing", "the Kremlin") -> the ids it stands for."""
        out: dict[str, list[str]] = {}
        for entity in self.entities.values():
            for form in entity.get("metonyms", []):
                out.setdefault(form, []).append(entity["id"])
        return out

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Entities whose id, name, alias or metonym matches ``query`` (case-insensitive), best first.

        Exact matches rank first, then prefix matches, then substring matches, then close spellings.
        """
        needle = query.strip().casefold()
        if not needle:
            return []
        scored: list[tuple[int, str, dict[str, Any]]] = []
        for entity in self.entities.values():
            forms = [entity["id"], entity["name"], *entity.get("aliases", []), *entity.get("metonyms", [])]
            score = _match_score(needle, [form.casefold() for form in forms])
            if score is not None:
                scored.append((score, entity["name"].casefold(), entity))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [entity for _, _, entity in scored[:limit]]


def default_registry_path() -> Path:
    """The registry shipped in the ``schema`` package (``schema/actors.json``)."""
    return schema_path("actors.json")


def load_registry(path: Path | str | None = None) -> ActorRegistry:
    """Read and validate an actor registry (default ``schema/actors.json``)."""
    path = Path(path) if path is not None else default_registry_path()
    data = read_json(path, what="actor registry")
    check_file(data, ACTORS_SCHEMA, path=path, what="actor registry")
    entities: dict[str, dict[str, Any]] = {}
    for i, entity in enumerate(data["entities"]):
        if entity["id"] in entities:
            raise NewsspanError(
                f"entity id {entity['id']!r} is defined twice",
                where=f"{display_path(path)}: entities[{i}].id",
                hint="ids must be unique",
            )
        entities[entity["id"]] = entity
    return ActorRegistry(entities=entities, path=path, version=data["version"])


def default_registry() -> ActorRegistry:
    """schema/actors.json, loaded once per modification time of the file (do not mutate it)."""
    return load_cached("registry", default_registry_path(), load_registry)
