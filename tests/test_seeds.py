"""The project's seeds are the shared seed articles, byte for byte."""

import hashlib

import pytest

from tests.project_fixtures import SEEDS, SHARED_SEEDS


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.txt"))}


def test_five_seed_articles_are_present():
    assert len(_digests(SEEDS)) == 5


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_seeds_match_shared_seeds_byte_for_byte():
    assert _digests(SEEDS) == _digests(SHARED_SEEDS)
