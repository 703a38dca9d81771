"""schema/guidelines.md stays consistent with the label set: every label has its section, every frame appears."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.scheme import guidelines_section, load_labelset
from corpus.scheme.files import schema_resource

GUIDELINES = schema_resource("guidelines.md").read_text(encoding="utf-8")


def test_every_label_has_exactly_one_section() -> None:
    headings = re.findall(r"^## (.+)$", GUIDELINES, flags=re.M)
    for name in load_labelset().names:
        assert headings.count(name) == 1, f"no '## {name}' section"
        section = guidelines_section(name)
        assert section.startswith(f"## {name}\n") and len(section) > 500
        assert "\n## " not in section  # stops at the next label's section


def test_every_attribute_and_enum_value_of_the_schema_appears() -> None:
    for label in load_labelset().labels:
        section = guidelines_section(label.name)
        for attribute, spec in label.attributes.items():
            assert f"`{attribute}`" in section, f"{label.name}.{attribute} is not explained"
            for value in spec.get("enum", []):
                assert str(value) in section, f"{label.name}.{attribute} value {value!r} is not explained"


def test_every_frame_is_listed_in_the_framing_section() -> None:
    frames = load_labelset().get("framing").attributes["frame"]["enum"]
    assert len(frames) == 15
    section = guidelines_section("framing")
    for frame in frames:
        assert f"**{frame}**" in section, frame


def test_hard_cases_are_covered() -> None:
    assert "28 other world leaders" in guidelines_section("number")
    assert "26 other countries" in guidelines_section("number")
    actor = guidelines_section("actor")
    assert "metonymy" in actor and "Beijing" in actor and "the Kremlin" in actor
    assert "nested" in actor.lower()
    assert "without a named speaker" in guidelines_section("claim")


def test_missing_section_or_file_gives_empty_text(tmp_path) -> None:
    assert guidelines_section("loaded_language") == ""
    assert guidelines_section("actor", tmp_path / "none.md") == ""


def test_the_guidelines_ship_with_the_label_set_they_describe() -> None:
    """The workbench reads them from the installed ``schema`` package; docs/ only points there."""
    assert load_labelset().raw["guidelines"] == "schema/guidelines.md"
    pointer = (Path(__file__).resolve().parents[1] / "docs" / "guidelines.md").read_text(encoding="utf-8")
    assert len(pointer.strip().splitlines()) == 1 and "schema/guidelines.md" in pointer
