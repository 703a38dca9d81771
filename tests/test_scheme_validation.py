"""Validation of annotation records: good records per label, every rejection with its message, offsets."""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest

from corpus.errors import NewsspanError
from corpus.scheme import (
    SCHEMA_VERSION,
    load_labelset,
    migrate_record,
    validate_record,
    validate_records,
)
from corpus.scheme.files import schema_path
from tests.scheme_fixtures import make_document, make_record, seed_document

SEED = seed_document("000")
DOCS = {SEED["doc_id"]: SEED}


def good_records() -> list[dict[str, Any]]:
    """One or more valid records of each label on seed 000, with a claim whose speaker is an actor span."""
    xi = make_record(
        SEED,
        "Xi",
        "actor",
        {"type": "PER", "entity_id": ["xi_jinping"], "mention": "name", "metonymy": False},
        after="Reinforcing the Post-War Order",
        id="a1",
    )
    leaders = make_record(
        SEED,
        "both leaders",
        "actor",
        {"type": "PER", "entity_id": ["xi_jinping", "vladimir_putin"], "mention": "nominal"},
        id="a2",
    )
    kremlin = make_record(
        SEED,
        "The Kremlin",
        "actor",
        {"type": "ORG", "entity_id": ["kremlin"], "mention": "name", "metonymy": True},
        id="a3",
    )
    quote = make_record(
        SEED,
        "China and Russia must stand firm in upholding the post-war international order",
        "claim",
        {
            "speaker": "a1",
            "attribution": "direct quote",
            "kind": "prescriptive",
            "check_worthy": False,
            "cue": "wrote",
        },
        id="c1",
        links=[{"role": "source", "target": "a3"}],
    )
    author_claim = make_record(
        SEED,
        "Russia maintains it targets only military sites.",
        "claim",
        {"speaker": "author", "attribution": "author", "kind": "factual", "check_worthy": True},
    )
    number = make_record(
        SEED,
        "28 other world leaders",
        "number",
        {"value": 28, "unit": "leaders", "bound": "exact", "kind": "count"},
    )
    date = make_record(SEED, "May 9", "number", {"date": "2025-05-09", "kind": "date"})
    framing = make_record(
        SEED,
        "Xi’s arrival underscores Beijing’s critical role in propping up Moscow’s war-strained economy",
        "framing",
        {"frame": "Economic", "voice": "outlet"},
    )
    return [xi, leaders, kremlin, quote, author_claim, number, date, framing]


def test_good_records_of_every_label_are_valid() -> None:
    records = good_records()
    assert {record["label"] for record in records} == set(load_labelset().names)
    assert validate_records(records, DOCS) == []
    for record in records:
        others = [other for other in records if other is not record]
        assert validate_record(record, SEED, others=others) == [], record["span_text"]


def _one(record: dict[str, Any], records: list[dict[str, Any]] | None = None) -> list[str]:
    """Problems of ``record`` validated among the good records (so links can resolve), as when it is edited:
    the record's previous version is not among ``others``."""
    others = good_records() if records is None else records
    others = [other for other in others if "id" not in record or other.get("id") != record["id"]]
    return validate_record(record, SEED, others=others)


def _changed(index: int, **changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(good_records()[index])
    for key, value in changes.items():
        if key.startswith("attr_"):
            record["attributes"][key[5:]] = value
        else:
            record[key] = value
    return record


REJECTIONS: dict[str, tuple[dict[str, Any], str]] = {
    "unknown label": (
        _changed(7, label="person"),
        "label: 'person' is not a label of this label set (actor, claim, number, framing)",
    ),
    "attribute not allowed for the label": (
        _changed(0, attr_frame="Economic"),
        "attributes.frame: not allowed for label 'actor' (its attributes: entity_id, mention, metonymy, type)",
    ),
    "value of the wrong type": (
        _changed(3, attr_check_worthy="yes"),
        "attributes.check_worthy: expected boolean, got string 'yes'",
    ),
    "frame not in the list": (
        _changed(7, attr_frame="Economy"),
        "attributes.frame: 'Economy' is not one of the 15 frames (did you mean 'Economic'?)",
    ),
    "end before start": (
        _changed(5, start=100, end=90),
        "end: 90 is not after start 100 (a span needs start < end)",
    ),
    "span beyond the text": (
        _changed(5, start=len(SEED["text"]) - 2, end=len(SEED["text"]) + 5),
        f"end: span {len(SEED['text']) - 2}-{len(SEED['text']) + 5} goes beyond the end of the text "
        f"({len(SEED['text'])} code points)",
    ),
    "span_text mismatch": (
        _changed(5, span_text="26 other world leaders"),
        "span_text: '26 other world leaders' does not match text[",
    ),
    "wrong text_sha256": (
        _changed(5, text_sha256="0" * 64),
        "text_sha256: the span was made on another version of document",
    ),
    "dangling speaker link": (
        _changed(3, attr_speaker="a9"),
        "attributes.speaker: 'a9' is not the id of an annotation in this document by the same annotator "
        "(dangling link; expected the id of an actor annotation or 'author')",
    ),
    "link to a non-actor span": (
        _changed(4, attr_speaker="c1"),
        "attributes.speaker: 'c1' is a claim annotation, not actor",
    ),
    "unknown entity id": (
        _changed(1, attr_entity_id=["xi_jinping", "putin"]),
        "attributes.entity_id[1]: 'putin' is not an entity of the actor registry (schema/actors.json); "
        "did you mean 'vladimir_putin'?",
    ),
    "unknown schema version": (
        _changed(5, schema_version="7.0.0"),
        f"schema_version: '7.0.0' cannot be read: this newsspan reads records of version '{SCHEMA_VERSION}'",
    ),
    "missing required attribute": (
        _changed(7, attributes={"frame": "Political"}),
        "attributes.voice: missing: label 'framing' requires it",
    ),
    "negative start": (
        _changed(5, start=-1),
        "start: -1 is less than the minimum of 0",
    ),
    "bad created_at": (
        _changed(5, created_at="yesterday"),
        "created_at: 'yesterday' is not a valid date-time",
    ),
    "unknown record field": (
        _changed(5, note="hi"),
        "note: unknown field",
    ),
    "link in links to a missing annotation": (
        _changed(3, links=[{"role": "source", "target": "zz"}]),
        "links[0].target: 'zz' is not the id of an annotation",
    ),
    "enum with a close value": (
        _changed(3, attr_attribution="direct"),
        "attributes.attribution: 'direct' is not one of the 4 attributions (did you mean 'direct quote'?)",
    ),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_each_bad_record_is_rejected_with_one_clear_message(case: str) -> None:
    record, expected = REJECTIONS[case]
    problems = _one(record)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


def test_validate_records_numbers_by_position_and_shows_ids() -> None:
    records = good_records()
    records[0]["attributes"]["mention"] = "proper"  # a1, position 1
    records[7]["attributes"]["frame"] = "Economy"  # no id, position 8
    problems = validate_records(records, DOCS)
    assert problems == [
        "annotation 1 (id a1): attributes.mention: 'proper' is not one of the 3 mentions: 'name', 'nominal', "
        "'pronoun'",
        "annotation 8: attributes.frame: 'Economy' is not one of the 15 frames (did you mean 'Economic'?)",
    ]
    # The claim's speaker a1 still resolves: the actor exists even though one of its attributes is wrong.
    numbered = validate_records(records[7:], DOCS, where="seeds.jsonl line", numbers=[42])
    assert numbered == [
        "seeds.jsonl line 42: attributes.frame: 'Economy' is not one of the 15 frames (did you mean 'Economic'?)"
    ]


def test_links_resolve_only_within_the_same_annotator_and_document() -> None:
    records = good_records()
    records[0]["annotator"] = "bob"  # the actor a1 now belongs to another annotator
    problems = validate_records(records, DOCS)
    assert (
        len(problems) == 1 and "annotation 4 (id c1): attributes.speaker: 'a1' is not the id" in problems[0]
    )
    claim = good_records()[3]
    assert "dangling" in validate_record(claim, SEED, others=records)[0]
    gold = [dict(record, layer="gold") for record in good_records()]
    assert validate_records(gold, DOCS) == []  # a layer links within itself


def test_duplicate_ids_in_one_layer_are_reported() -> None:
    records = good_records()
    records[5]["id"] = "a1"
    problems = validate_records(records, DOCS)
    assert any("(id a1): id: 'a1' is used by another annotation" in problem for problem in problems)


def test_records_of_unknown_documents_and_non_objects() -> None:
    record = good_records()[5]
    assert validate_records([record], {}) == [
        f"annotation 1: doc_id: '{SEED['doc_id']}' is not a known document"
    ]
    assert validate_records(["not a record"], DOCS) == [
        "annotation 1: record: expected a JSON object, got str"
    ]


def test_migration_from_0_9_0_and_unknown_versions() -> None:
    record = good_records()[5]
    old = dict(record, schema_version="0.9.0", text=record["span_text"])
    del old["span_text"]
    migrated = migrate_record(old)
    assert migrated["schema_version"] == SCHEMA_VERSION and migrated["span_text"] == record["span_text"]
    assert "text" not in migrated and old["schema_version"] == "0.9.0"  # the input is not changed
    assert validate_records([old], DOCS) == []
    assert migrate_record(record) is record
    with pytest.raises(NewsspanError) as raised:
        migrate_record(dict(record, schema_version="2.0.0"))
    assert "'2.0.0'" in raised.value.message and f"'{SCHEMA_VERSION}'" in raised.value.message
    with pytest.raises(NewsspanError, match="schema_version: missing"):
        migrate_record({k: v for k, v in record.items() if k != "schema_version"})


def test_propaganda_labelset_drives_validation() -> None:
    labelset = load_labelset(schema_path("examples/propaganda.labelset.json"))
    good = make_record(SEED, "war-strained economy", "loaded_language")
    assert validate_records([good], DOCS, labelset=labelset) == []
    with_attributes = dict(good, attributes={"frame": "Economic"})
    assert validate_records([with_attributes], DOCS, labelset=labelset) == [
        "annotation 1: attributes.frame: not allowed: label 'loaded_language' has no attributes"
    ]
    news_label = make_record(SEED, "Xi", "actor", {"type": "PER", "mention": "name"})
    problem = validate_records([news_label], DOCS, labelset=labelset)[0]
    assert "label: 'actor' is not a label of this label set (14 labels" in problem


# --- offsets are Python code points, also beyond the BMP, in CJK and with combining marks ---------------------

FAMILY = (
    "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # woman ZWJ woman ZWJ girl: 5 code points, 8 UTF-16 units
)
FLAG = "\U0001f1f7\U0001f1fa"  # regional indicators R U
UNICODE_TEXT = (
    f"{FAMILY} Families {FLAG} watched. 习近平会见普京 🎉 in Moscow; "
    "Zelensky’s café (cafe\u0301) said: “Peace.” Xi 👍🏽 agreed."
)
UNICODE_DOC = make_document(UNICODE_TEXT, source_id="unicode")


@pytest.mark.parametrize(
    ("span", "label", "attributes"),
    [
        (FAMILY, "actor", {"type": "PER", "mention": "nominal"}),
        ("习近平", "actor", {"type": "PER", "entity_id": ["xi_jinping"], "mention": "name"}),
        ("普京", "actor", {"type": "PER", "entity_id": ["vladimir_putin"], "mention": "name"}),
        ("cafe\u0301", "actor", {"type": "ORG", "mention": "nominal"}),
        ("Xi 👍🏽", "actor", {"type": "PER", "entity_id": ["xi_jinping"], "mention": "name"}),
        ("Peace.", "claim", {"speaker": "author", "attribution": "direct quote", "kind": "prescriptive"}),
    ],
)
def test_offsets_are_code_points_on_emoji_cjk_and_combining_text(
    span: str, label: str, attributes: dict[str, Any]
) -> None:
    record = make_record(UNICODE_DOC, span, label, attributes)
    assert UNICODE_TEXT[record["start"] : record["end"]] == span
    assert validate_record(record, UNICODE_DOC) == []
    # UTF-16 offsets (what a browser reports) are wrong here: one more unit per astral character before the span.
    utf16_start = len(UNICODE_TEXT[: record["start"]].encode("utf-16-le")) // 2
    if utf16_start != record["start"]:
        shifted = dict(record, start=utf16_start, end=utf16_start + len(span))
        problems = validate_record(shifted, UNICODE_DOC)
        assert len(problems) == 1 and problems[0].startswith("span_text: "), problems


def test_combining_characters_are_not_normalized() -> None:
    # "cafe" + COMBINING ACUTE is 5 code points; the precomposed "café" is 4. Both are kept as written.
    assert len("cafe\u0301") == 5 and unicodedata.normalize("NFC", "cafe\u0301") == "café"
    start = UNICODE_TEXT.index("cafe\u0301")
    record = make_record(UNICODE_DOC, "cafe\u0301", "actor", {"type": "ORG", "mention": "nominal"})
    assert (record["start"], record["end"]) == (start, start + 5)
    nfc = dict(record, span_text="café", end=start + 4)
    assert validate_record(nfc, UNICODE_DOC)[0].startswith("span_text: 'café' does not match")
    # Cutting a ZWJ sequence or a combining sequence in the middle is still a valid code-point range;
    # the span_text copy must match exactly what was cut.
    half = dict(record, end=start + 4, span_text="cafe")
    assert validate_record(half, UNICODE_DOC) == []


def test_fast_per_label_validator_agrees_with_the_composed_schema() -> None:
    labelset = load_labelset()
    cases = [*good_records(), *(record for record, _ in REJECTIONS.values())]
    for record in cases:
        if record["label"] not in labelset:
            continue
        composed = sorted(
            (list(e.absolute_path), e.message) for e in labelset.validator().iter_errors(record)
        )
        fast = sorted(
            (list(e.absolute_path), e.message)
            for e in labelset.label_validator(record["label"]).iter_errors(record)
        )
        assert composed == fast, record


def test_a_draft_may_miss_required_attributes_but_not_break_the_rest():
    from corpus.scheme import missing_attributes

    draft = make_record(SEED, "Kremlin", "framing", {})
    assert any("frame" in problem for problem in validate_record(draft, SEED))
    assert validate_record(draft, SEED, complete=False) == []
    assert missing_attributes(draft) == ["frame", "voice"]
    wrong = make_record(SEED, "Kremlin", "framing", {"frame": "Economy"})
    (problem,) = validate_record(wrong, SEED, complete=False)
    assert "'Economy' is not one of the 15 frames" in problem
    done = make_record(SEED, "Kremlin", "framing", {"frame": "Political", "voice": "outlet"})
    assert missing_attributes(done) == [] and validate_record(done, SEED) == []
