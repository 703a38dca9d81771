"""The schema files and their loaders: label sets (default and propaganda), the meta-schema, the registry."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from corpus.errors import NewsspanError
from corpus.scheme import (
    SCHEMA_VERSION,
    load_labelset,
    load_registry,
    record_schema,
    validate_document,
)
from corpus.scheme.files import schema_path, schema_resource
from tests.scheme_fixtures import SEEDS, make_document

SCHEMA_FILES = [
    "labelset.json",
    "labelset.meta.schema.json",
    "annotation.schema.json",
    "document.schema.json",
    "actors.json",
    "actors.schema.json",
    "examples/propaganda.labelset.json",
]
PROPAGANDA = schema_path("examples/propaganda.labelset.json")
SEED_TEXT = "\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_schema_file_has_id_title_description_version(name: str) -> None:
    data = json.loads(schema_resource(name).read_text(encoding="utf-8"))
    for key in ("$id", "title", "description", "version"):
        assert data.get(key), f"{name} lacks {key}"
    if name.endswith(".schema.json"):
        assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(data)


def test_default_labelset_has_the_four_news_labels() -> None:
    labelset = load_labelset()
    assert labelset.names == ["actor", "claim", "number", "framing"]
    assert labelset.version == "1.0.0"
    assert labelset.path == schema_path("labelset.json")
    assert labelset.hotkeys() == {
        "1": "actor",
        "a": "actor",
        "2": "claim",
        "c": "claim",
        "3": "number",
        "n": "number",
        "4": "framing",
        "f": "framing",
    }
    claim = labelset.get("claim")
    assert claim.required == ["speaker", "attribution", "kind"]
    assert claim.attributes["speaker"]["x-widget"] == "actor-span"
    assert claim.links() == {"speaker": {"label": "actor", "literals": ["author"]}}
    actor = labelset.get("actor")
    assert actor.attributes["entity_id"]["x-widget"] == "entity"
    assert actor.registry_attributes() == ["entity_id"]
    assert actor.attributes["type"]["enum"] == ["PER", "ORG", "GPE"]
    assert len(labelset.get("framing").attributes["frame"]["enum"]) == 15
    for label in labelset.labels:
        assert label.color.startswith("#") and label.description and label.examples
        for name, spec in label.attributes.items():
            assert "x-widget" in spec, f"{label.name}.{name} has no UI hint"
    with pytest.raises(NewsspanError, match="unknown label 'person'"):
        labelset.get("person")


def test_labelset_examples_are_quoted_from_the_seeds() -> None:
    for label in load_labelset().labels:
        for example in label.examples:
            seed = SEEDS / f"{example['source']}.txt"
            assert example["text"] in seed.read_text(encoding="utf-8"), (label.name, example["text"])


def test_propaganda_labelset_has_14_labels_without_attributes() -> None:
    labelset = load_labelset(PROPAGANDA)
    assert len(labelset.names) == 14
    assert all(label.attributes == {} and label.required == [] for label in labelset.labels)
    assert labelset.attribute_specs() == {}
    assert "loaded_language" in labelset and "actor" not in labelset


def test_record_schema_is_composed_from_the_labelset() -> None:
    schema = record_schema(load_labelset())
    Draft202012Validator.check_schema(schema)
    assert schema["allOf"][1]["properties"]["label"]["enum"] == ["actor", "claim", "number", "framing"]
    assert len([rule for rule in schema["allOf"] if "if" in rule]) == 4
    propaganda = record_schema(load_labelset(PROPAGANDA))
    assert len([rule for rule in propaganda["allOf"] if "if" in rule]) == 14
    # No label is listed in the static record schema: the label set is the only place.
    static = schema_resource("annotation.schema.json").read_text(encoding="utf-8")
    for name in ("actor", "claim", "framing", "speaker", "entity_id"):
        assert f'"{name}"' not in static
    assert json.loads(static)["version"] == SCHEMA_VERSION


# --- bad label sets: each raises NewsspanError naming the file and the JSON path ------------------------------


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "bad.labelset.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _default_data() -> dict:
    return json.loads(schema_resource("labelset.json").read_text(encoding="utf-8"))


def _mutate(change) -> dict:
    data = copy.deepcopy(_default_data())
    change(data)
    return data


BAD_LABELSETS = {
    "hotkey not a single key": (
        lambda d: d["labels"][0].update(hotkeys=["F1"]),
        "labels[0].hotkeys[0]",
        "does not match",
    ),
    "hotkey used twice": (
        lambda d: d["labels"][1].update(hotkeys=["1"]),
        "labels[1].hotkeys[0]",
        "hotkey '1' is already used by label 'actor'",
    ),
    "label defined twice": (
        lambda d: d["labels"][1].update(name="actor", hotkeys=["9"]),
        "labels[1].name",
        "defined twice",
    ),
    "required attribute missing": (
        lambda d: d["labels"][3]["required"].append("tone"),
        "labels[3].required[2]",
        "'tone' is not an attribute of 'framing'",
    ),
    "attribute without a type": (
        lambda d: d["labels"][3]["attributes"]["voice"].pop("type"),
        "labels[3].attributes.voice",
        "'type' is a required property",
    ),
    "link to an unknown label": (
        lambda d: d["labels"][1]["attributes"]["speaker"]["x-link"].update(label="person"),
        "labels[1].attributes.speaker.x-link.label",
        "not a label of this set",
    ),
    "same attribute name, two types": (
        lambda d: d["labels"][2]["attributes"]["kind"].update(type="integer", enum=[1, 2]),
        "labels[2].attributes.kind.type",
        "conflicts with string",
    ),
    "example that breaks its label": (
        lambda d: d["labels"][0]["examples"][0]["attributes"].update(type="PERSON"),
        "labels[0].examples[0].attributes.type",
        "is not one of",
    ),
    "unknown top-level key": (
        lambda d: d.update(colour="red"),
        "bad.labelset.json",
        "Additional properties",
    ),
}


@pytest.mark.parametrize("case", list(BAD_LABELSETS))
def test_bad_labelset_is_refused_with_file_and_json_path(tmp_path: Path, case: str) -> None:
    change, where, what = BAD_LABELSETS[case]
    path = _write(tmp_path, _mutate(change))
    with pytest.raises(NewsspanError) as raised:
        load_labelset(path)
    message = raised.value.message
    assert "bad.labelset.json" in message and where in message and what in message, message


def test_labelset_that_is_not_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "labels": [,]\n}\n', encoding="utf-8")
    with pytest.raises(NewsspanError, match=r"broken\.json:2:\d+: not valid JSON"):
        load_labelset(path)
    with pytest.raises(NewsspanError, match="label set not found"):
        load_labelset(tmp_path / "missing.json")


def test_env_variable_selects_another_labelset(monkeypatch: pytest.MonkeyPatch) -> None:
    from corpus.scheme import default_labelset

    monkeypatch.setenv("NEWSSPAN_LABELSET", str(PROPAGANDA))
    assert len(default_labelset().names) == 14
    monkeypatch.delenv("NEWSSPAN_LABELSET")
    assert default_labelset().names[0] == "actor"


# --- actor registry ----------------------------------------------------------------------------------------------


def test_registry_holds_the_seed_entities_with_aliases() -> None:
    registry = load_registry()
    for entity_id, kind in [
        ("xi_jinping", "PER"),
        ("vladimir_putin", "PER"),
        ("china", "GPE"),
        ("russia", "GPE"),
        ("ukraine", "GPE"),
        ("united_states", "GPE"),
        ("kremlin", "ORG"),
        ("kim_jong_un", "PER"),
        ("xinhua", "ORG"),
    ]:
        assert registry.get(entity_id)["type"] == kind
    aliases = registry.aliases()
    for alias in ("Xi", "President Xi", "Chinese President Xi Jinping", "Mr Xi"):
        assert aliases[alias] == ["xi_jinping"]
    assert aliases["Beijing"] == ["beijing"]  # the city; the state only as a metonym
    assert registry.aliases(metonyms=True)["Beijing"] == ["china", "beijing"]
    assert registry.metonyms()["the Kremlin"] == ["kremlin"]
    assert registry.get("nobody") is None


def test_every_registry_entity_is_named_in_a_seed() -> None:
    for entity in load_registry().entities.values():
        forms = [entity["name"], *entity.get("aliases", []), *entity.get("metonyms", [])]
        assert any(form in SEED_TEXT for form in forms), entity["id"]


def test_registry_search_ranks_exact_then_prefix() -> None:
    registry = load_registry()
    assert registry.search("putin")[0]["id"] == "vladimir_putin"
    assert registry.search("Xi")[0]["id"] == "xi_jinping"
    assert registry.search("the kremlin")[0]["id"] == "kremlin"
    assert registry.search("Zelenski")[0]["id"] == "volodymyr_zelensky"  # close spelling
    assert registry.search("") == []


def test_registry_with_duplicate_ids_is_refused(tmp_path: Path) -> None:
    data = json.loads(schema_resource("actors.json").read_text(encoding="utf-8"))
    data["entities"].append(dict(data["entities"][0]))
    path = tmp_path / "actors.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(NewsspanError, match=r"actors\.json: entities\[\d+\]\.id"):
        load_registry(path)
    data["entities"][0]["type"] = "PERSON"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(NewsspanError, match=r"entities\[0\]\.type"):
        load_registry(path)


def test_document_schema_accepts_a_document_and_names_bad_fields() -> None:
    document = make_document("Xi met Putin.")
    assert validate_document(document) == []
    document["published"] = "8 May 2025"
    document["text_sha256"] = "0" * 64
    problems = validate_document(document)
    assert any(problem.startswith("published:") for problem in problems)
    assert "text_sha256: does not match the sha256 of text" in problems
