"""Actor suggestions from the actor registry: every literal occurrence of a name, alias or metonym.

Matching is case-sensitive on word boundaries (a form is not proposed inside a longer word: "Xi" not in
"Xinhua", "UN" not in "UNESCO"; a possessive "’s" or a hyphen after the form is fine: "Xi’s", "US-dominated").
Longest match first: at each place the longest registry form wins ("Chinese President Xi Jinping" over "Xi
Jinping" over "Xi"), and no two suggestions overlap.

A form listed under an entity's ``metonyms`` ("Beijing" for China, "the Kremlin") is proposed as that entity
with ``metonymy: true``, even when the form is also the name of a city of the registry: by the guidelines a city
that is only a place is not an actor at all, so the metonymic reading is the one worth proposing (the annotator
rejects "arrived in Moscow"). A form that names several entities of different types is ambiguous and proposed
with the ids of all of them only if they share the type; otherwise it is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from corpus.scheme import ActorRegistry

__all__ = ["ActorSpan", "find_actors", "surface_forms"]


@dataclass
class ActorSpan:
    start: int
    end: int
    attributes: dict[str, Any]


@dataclass(frozen=True)
class _Form:
    ids: tuple[str, ...]
    type: str
    metonymy: bool


def surface_forms(registry: ActorRegistry) -> dict[str, _Form]:
    """Surface form -> what it proposes (ids, type, metonymy). Metonyms take precedence over literal names."""
    literal: dict[str, list[str]] = registry.aliases()
    metonyms: dict[str, list[str]] = registry.metonyms()
    out: dict[str, _Form] = {}
    for table, metonymy in ((literal, False), (metonyms, True)):
        for form, ids in table.items():
            types = {str((registry.get(entity_id) or {}).get("type")) for entity_id in ids}
            if len(types) != 1 or not form.strip():
                out.pop(form, None)
                continue
            out[form] = _Form(tuple(ids), types.pop(), metonymy)
    return out


def _pattern(forms: list[str]) -> re.Pattern[str]:
    """Every place a form starts, with the longest form that fits there (group 1): a lookahead, so a scan
    reports overlapping candidates too, and an alternation ordered longest first."""
    ordered = sorted(forms, key=lambda form: (-len(form), form))
    return re.compile(r"(?<!\w)(?=(" + "|".join(re.escape(form) for form in ordered) + r")(?!\w))")


_COMPILED: dict[int, tuple[ActorRegistry, dict[str, _Form], re.Pattern[str] | None]] = {}


def _compiled(registry: ActorRegistry) -> tuple[dict[str, _Form], re.Pattern[str] | None]:
    """The registry's forms and pattern, made once per registry object (not once per document)."""
    hit = _COMPILED.get(id(registry))
    if hit is None or hit[0] is not registry:
        if len(_COMPILED) > 16:
            _COMPILED.clear()
        forms = surface_forms(registry)
        hit = _COMPILED[id(registry)] = (registry, forms, _pattern(list(forms)) if forms else None)
    return hit[1], hit[2]


def find_actors(text: str, registry: ActorRegistry) -> list[ActorSpan]:
    """Non-overlapping actor proposals in ``text``, by offset, longest registry form first."""
    forms, pattern = _compiled(registry)
    if pattern is None:
        return []
    found: list[ActorSpan] = []
    taken = [False] * (len(text) + 1)
    # The alternation is ordered longest first, but a regex scan picks the leftmost match: a short form
    # starting earlier could hide a longer one starting inside it. Collect every match at every position (the
    # pattern is a lookahead) and keep the longest first, so "Russian President Vladimir Putin" wins over an
    # overlapping shorter form.
    candidates = [(m.start(), m.start() + len(m.group(1)), m.group(1)) for m in pattern.finditer(text)]
    candidates.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    for start, end, form in candidates:
        if any(taken[start:end]):
            continue
        for position in range(start, end):
            taken[position] = True
        info = forms[form]
        attributes: dict[str, Any] = {
            "type": info.type,
            "entity_id": list(info.ids),
            "mention": "name",
            "metonymy": info.metonymy,
        }
        found.append(ActorSpan(start, end, attributes))
    return sorted(found, key=lambda span: span.start)
