"""Boilerplate cleaning: whole lines only, provenance recorded, every cleaned offset maps back to the raw text."""

import pytest

from corpus.clean import apply_removals, find_boilerplate, to_raw_offset
from corpus.readers import read_txt
from tests.project_fixtures import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _raw(path):
    (article,) = list(read_txt(path))
    return article.text


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_every_cleaned_offset_maps_back_to_the_raw_text(path):
    raw = _raw(path)
    removals = find_boilerplate(raw)
    text = apply_removals(raw, removals)
    for removal in removals:
        assert 0 <= removal.start < removal.end <= len(raw)
        assert raw[removal.start : removal.end] != ""
    for offset, char in enumerate(text):
        assert raw[to_raw_offset(offset, removals)] == char
    # Whole sentences survive: a span of the cleaned text maps to the same characters in the raw text.
    for start in range(0, len(text) - 40, 97):
        end = start + 40
        raw_start, raw_end = to_raw_offset(start, removals), to_raw_offset(end, removals, end=True)
        if raw_end - raw_start == end - start:
            assert raw[raw_start:raw_end] == text[start:end]


def test_seed_001_loses_the_reader_poll_and_keeps_every_sentence():
    raw = _raw(SEEDS / "001_5a859e9be11c2271.txt")
    removals = find_boilerplate(raw)
    text = apply_removals(raw, removals)
    assert "How did you feel after reading this news?" not in text
    assert [r.reason for r in removals if r.reason == "reader poll"] == ["reader poll"]
    poll = next(r for r in removals if r.reason == "reader poll")
    assert raw[poll.start : poll.end] == "How did you feel after reading this news?"
    assert text.endswith("Rodionov said.")
    # Every sentence-ending line of the raw text is still there.
    for line in raw.split("\n"):
        if line.strip().endswith(".") and "How did you feel" not in line:
            assert line.strip() in text


def test_seed_004_loses_banner_and_gallery_captions_with_provenance():
    raw = _raw(SEEDS / "004_852e370b7402b906.txt")
    removals = find_boilerplate(raw)
    text = apply_removals(raw, removals)
    reasons = [r.reason for r in removals]
    assert reasons.count("image caption") == 3
    assert "donation banner" in reasons
    assert "open image in gallery" not in text
    assert "Your support helps us" not in text
    assert text.startswith("Chinese president Xi Jinping hailed")
    for removal in removals:
        if removal.reason == "image caption":
            assert raw[removal.start : removal.end].startswith("open image in gallery")
    assert "“Chinese-Russian relations have stood the test of international changes" in text


@pytest.mark.parametrize(
    "name", ["000_46119d9713d60ee1.txt", "002_12ea12832b4987f9.txt", "003_cfc91fdb116e99e3.txt"]
)
def test_clean_seeds_are_left_alone(name):
    raw = _raw(SEEDS / name)
    assert apply_removals(raw, find_boilerplate(raw)) == raw.strip()


def test_a_sentence_mentioning_a_poll_phrase_is_not_cut():
    raw = "Readers were asked how did you feel after reading this news? Most said angry.\nSecond line."
    assert apply_removals(raw, find_boilerplate(raw)) == raw


def test_share_widget_lines_are_removed():
    raw = "First paragraph.\nShare | Tweet | Email\nSecond paragraph."
    removals = find_boilerplate(raw)
    assert apply_removals(raw, removals) == "First paragraph.\nSecond paragraph."
    assert removals[0].reason == "share widget"
