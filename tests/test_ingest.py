"""Ingest: every input kind, metadata kept, duplicates stored once, bad inputs reported and skipped."""

import json
import re
import subprocess
import sys

import pytest

from corpus.corpus_file import read_documents
from corpus.errors import NewsspanError
from corpus.ingest import ingest_paths
from corpus.readers import MAX_ARTICLE_BYTES
from tests.project_fixtures import SEEDS

ARTICLE = "Xi Jinping met Vladimir Putin in Moscow.\nThey signed 20 agreements."


def test_seed_directory_ingests_five_documents(project):
    report = ingest_paths([SEEDS])
    assert len(report.ingested) == 5 and not report.problems
    stored = list(read_documents())
    assert [d["source_id"] for d in stored] == sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_same_text_twice_is_a_duplicate_stored_once(project, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(ARTICLE)
    report = ingest_paths([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert len(report.ingested) == 1 and len(report.duplicates) == 1
    again = ingest_paths([tmp_path / "a.txt"])
    assert not again.ingested and len(again.duplicates) == 1
    assert len(list(read_documents())) == 1


def test_jsonl_and_csv_keep_unknown_columns_as_metadata(project, tmp_path):
    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text(
        json.dumps(
            {"id": "a1", "text": ARTICLE, "title": "Talks", "published": "2025-05-08", "desk": "world"}
        )
        + "\n"
    )
    csv_file = tmp_path / "articles.csv"
    csv_file.write_text(
        'id,text,source,story_id,wordcount\nc1,"Another article, with a comma.",Reuters,s9,6\n'
    )
    report = ingest_paths([jsonl, csv_file])
    assert not report.problems
    first, second = report.ingested
    assert (first["source_id"], first["title"], first["published"]) == ("a1", "Talks", "2025-05-08")
    assert first["metadata"] == {"desk": "world"}
    assert (second["source_id"], second["source"], second["story_id"]) == ("c1", "Reuters", "s9")
    assert second["metadata"] == {"wordcount": "6"}
    assert second["text"] == "Another article, with a comma."


def test_crlf_becomes_lf_and_nothing_else_changes(project, tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("Caf\u0065\u0301 talks 👩‍👩‍👧\r\nSecond line.\rThird.".encode())
    (document,) = ingest_paths([path]).ingested
    assert document["raw_text"] == "Caf\u0065\u0301 talks 👩‍👩‍👧\nSecond line.\nThird."
    assert document["text"] == document["raw_text"]  # no Unicode normalization


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "latin1.txt",
            "Caf\xe9 society\nsecond line \xff".encode("latin-1"),
            "latin1.txt:1: invalid UTF-8 at byte 3",
        ),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary.txt:3: contains a NUL byte at byte 8"),
        ("empty.txt", b"", "empty.txt: the article is empty or whitespace only"),
        ("blank.txt", b"  \n\t\n", "blank.txt: the article is empty or whitespace only"),
        ("huge.txt", b"a" * (MAX_ARTICLE_BYTES + 1), "over the 1,048,576-byte limit"),
    ],
)
def test_bad_text_files_are_skipped_with_a_clear_reason(project, tmp_path, name, content, expected):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    report = ingest_paths([bad, good])
    assert len(report.ingested) == 1, "the good input is still ingested"
    (problem,) = report.problems
    assert expected in problem.message
    assert " — " in problem.message, "every problem says what to do"


def test_bad_jsonl_rows_name_their_line(project, tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"text": ARTICLE}),
                "[1, 2]",
                json.dumps({"title": "no text"}),
                "{not json",
                json.dumps({"text": "with \u0000 NUL"}),
                json.dumps({"text": 42}),
            ]
        )
    )
    report = ingest_paths([path])
    assert len(report.ingested) == 1
    messages = [p.message for p in report.problems]
    assert messages[0].startswith(f"{path}:2: a line must be a JSON object")
    assert messages[1].startswith(f"{path}:3: the object has no 'text' field")
    assert messages[2].startswith(f"{path}:4: not valid JSON")
    assert messages[3].startswith(f"{path}:5: text contains a NUL character")
    assert messages[4].startswith(f"{path}:6: 'text' must be a string")


def test_jsonl_lines_that_are_not_utf8_name_their_line_and_byte(project, tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(json.dumps({"text": ARTICLE}).encode() + b'\n{"text": "caf\xe9"}\n{"text": "a\x00b"}\n')
    messages = [p.message for p in ingest_paths([path]).problems]
    assert messages[0].startswith(f"{path}:2: invalid UTF-8 at byte 13") and "iconv" in messages[0]
    assert messages[1].startswith(f"{path}:3: contains a NUL byte at byte 11")


def test_corpus_file_skips_an_interrupted_last_line_and_refuses_a_corrupt_one(tmp_path):
    path = tmp_path / "documents.jsonl"
    path.write_text('{"doc_id": "a"}\n\n{"doc_id": "b"}\n{"doc_id": "c', encoding="utf-8")
    assert [document["doc_id"] for document in read_documents(path)] == ["a", "b"]
    path.write_text('{"doc_id": "a"}\n{"doc_id": \n{"doc_id": "b"}\n', encoding="utf-8")
    with pytest.raises(
        NewsspanError, match=rf"^{re.escape(str(path))}:2: corpus file is corrupt \(not valid JSON"
    ):
        list(read_documents(path))


def test_missing_path_and_unsupported_type(project, tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK")
    report = ingest_paths([tmp_path / "nope.txt", tmp_path / "notes.docx"])
    assert [p.reason for p in report.problems] == [
        "no such file or directory",
        "unsupported file type '.docx'",
    ]


def test_no_clean_keeps_the_raw_text(project):
    (document,) = ingest_paths([SEEDS / "004_852e370b7402b906.txt"], clean=False).ingested
    assert document["text"] == document["raw_text"] and document["removed"] == []


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_cli_prints_a_summary_and_one_line_per_problem(project, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe oops")
    result = _cli("ingest", str(SEEDS), str(bad), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "invalid UTF-8" in result.stderr and "bad.txt:1" in result.stderr
    assert "ingested" in result.stdout and "5" in result.stdout
    assert "skipped: invalid UTF-8" in result.stdout


def test_cli_fails_cleanly_when_nothing_could_be_read(project):
    result = _cli("ingest", "does-not-exist.txt", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "no such file or directory" in result.stderr
