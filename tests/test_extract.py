"""Metadata found in plain-text seeds: only what is reliably stated, null otherwise."""

import pytest

from corpus.documents import build_document
from corpus.readers import read_txt
from tests.project_fixtures import SEEDS


def _document(name):
    (article,) = list(read_txt(SEEDS / name))
    return build_document(article)


def test_seed_001_title_source_and_date():
    document = _document("001_5a859e9be11c2271.txt")
    assert document["title"] == "Xi visits Russia to deepen ties, mark Victory Day anniversary"
    assert document["source"] == "Xinhua"
    assert document["published"] == "2025-05-08"


def test_seed_004_date_marker_and_outlet():
    document = _document("004_852e370b7402b906.txt")
    assert document["published"] == "2025-09-02"
    assert document["source"] == "The Independent"
    assert document["title"] is None


@pytest.mark.parametrize(
    "name", ["000_46119d9713d60ee1.txt", "002_12ea12832b4987f9.txt", "003_cfc91fdb116e99e3.txt"]
)
def test_seeds_without_metadata_stay_null(name):
    document = _document(name)
    assert (document["title"], document["source"], document["published"]) == (None, None, None)


def test_source_id_is_the_file_stem_and_ids_are_content_hashes():
    document = _document("000_46119d9713d60ee1.txt")
    assert document["source_id"] == "000_46119d9713d60ee1"
    assert len(document["doc_id"]) == 16
    import hashlib

    assert document["text_sha256"] == hashlib.sha256(document["text"].encode()).hexdigest()
