"""Ingest: every input kind, metadata kept, duplicates stored once, bad inputs reported and skipped."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

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


# --- links, special files, deep nesting, wrong types, CSV quoting (issue #13) ---------------------------------


def _one_line(message: str) -> None:
    assert "\n" not in message and " — " in message, message


def test_a_symlink_is_refused_unless_follow_symlinks(project, tmp_path):
    secret = tmp_path / "outside" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(ARTICLE)
    (articles / "passwd.txt").symlink_to(secret)
    (tmp_path / "direct.txt").symlink_to(secret)
    report = ingest_paths([articles, tmp_path / "direct.txt"])
    assert len(report.ingested) == 1 and report.ingested[0]["source_id"] == "good"
    messages = [problem.message for problem in report.problems]
    assert messages == [
        f"{articles / 'passwd.txt'}: is a symbolic link (to {secret}); not followed — give the file itself, "
        "or pass --follow-symlinks to read what the link points to",
        f"{tmp_path / 'direct.txt'}: is a symbolic link (to {secret}); not followed — give the file itself, "
        "or pass --follow-symlinks to read what the link points to",
    ]
    followed = ingest_paths([articles / "passwd.txt"], follow_symlinks=True)
    assert followed.ingested[0]["text"].startswith("root:x:0:0") and not followed.problems


def test_a_broken_symlink_is_named_as_such(project, tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (problem,) = ingest_paths([tmp_path / "gone.txt"], follow_symlinks=True).problems
    assert "is a broken symbolic link" in problem.message


def test_a_fifo_and_a_device_are_refused_without_blocking(project, tmp_path):
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)  # no writer: opening it for a blocking read would hang forever
    linked = tmp_path / "linked.txt"
    linked.symlink_to(fifo)
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    started = time.monotonic()
    report = ingest_paths([fifo, Path("/dev/null"), linked, good], follow_symlinks=True)
    assert time.monotonic() - started < 10
    assert len(report.ingested) == 1
    fifo_problem, device_problem, linked_problem = (problem.message for problem in report.problems)
    assert fifo_problem.startswith(f"{fifo}: is a named pipe (FIFO), not a regular file; not read")
    assert "no such file" not in fifo_problem
    assert device_problem.startswith("/dev/null: is a device, not a regular file")
    assert linked_problem.startswith(f"{linked}: is a named pipe (FIFO)")
    for message in (fifo_problem, device_problem, linked_problem):
        _one_line(message)


def test_a_fifo_in_a_folder_is_refused_and_the_rest_ingested(project, tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(ARTICLE)
    report = ingest_paths([tmp_path])
    assert len(report.ingested) == 1
    (problem,) = report.problems
    assert problem.message.startswith(f"{tmp_path / 'pipe.txt'}: is a named pipe (FIFO)")


def test_a_deeply_nested_jsonl_line_is_one_problem_and_the_good_lines_are_ingested(project, tmp_path):
    path = tmp_path / "nested.jsonl"
    lines = [
        json.dumps({"id": "a", "text": ARTICLE}),
        '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps({"id": "b", "text": ARTICLE + " Second."}),
    ]
    path.write_text("\n".join(lines) + "\n")
    report = ingest_paths([path])
    assert [d["source_id"] for d in report.ingested] == ["a", "b"]
    (problem,) = report.problems
    assert problem.message.startswith(f"{path}:2: the line is nested too deeply to read")
    _one_line(problem.message)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", ["a"], "'title' must be a string (or null), got a list"),
        ("source", {"name": "AP"}, "'source' must be a string (or null), got an object"),
        ("published", 20250508, "'published' must be a string (or null), got a number"),
        ("url", True, "'url' must be a string (or null), got a boolean"),
        ("id", [1], "'id' must be a string or an integer (or null), got a list"),
        ("story_id", 1.5, "'story_id' must be a string or an integer (or null), got a number"),
    ],
)
def test_a_jsonl_field_of_the_wrong_type_refuses_that_line(project, tmp_path, field, value, expected):
    path = tmp_path / "typed.jsonl"
    good = {"id": 7, "text": ARTICLE, "story_id": 12, "title": None}
    path.write_text(json.dumps({"text": ARTICLE + " Bad.", field: value}) + "\n" + json.dumps(good) + "\n")
    report = ingest_paths([path])
    (document,) = report.ingested
    assert (document["source_id"], document["story_id"], document["title"]) == ("7", "12", None)
    (problem,) = report.problems
    assert problem.message.startswith(f"{path}:1: {expected}")
    _one_line(problem.message)
    assert "['a']" not in json.dumps(document)


def test_a_csv_unterminated_quote_is_reported_per_line_and_the_rest_ingested(project, tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text(
        "id,title,text\n"
        'c1,"Broken title,First article text.\n'  # the quote never closes: it used to swallow the lines below
        "c2,Fine,Second article text.\n"
        'c3,Also fine,"Third article, quoted."\n'
        'c4,"Stray" quote,Fourth article.\n'
        'c5,Multi,"A quoted text\nover two lines."\n'
        "c6,Short\n"
    )
    report = ingest_paths([path])
    assert [d["source_id"] for d in report.ingested] == ["c2", "c3", "c5"]
    assert report.ingested[1]["text"] == "Third article, quoted."
    assert report.ingested[2]["text"] == "A quoted text\nover two lines."
    messages = [problem.message for problem in report.problems]
    assert messages[0].startswith(f"{path}:2: malformed CSV")
    assert messages[1].startswith(f"{path}:5: malformed CSV (',' expected after '\"')")
    assert messages[2].startswith(f"{path}:8: the row has 2 fields, the header 3")
    for message in messages:
        _one_line(message)


def test_a_csv_quote_that_closes_on_a_later_line_is_caught(project, tmp_path):
    path = tmp_path / "merged.csv"
    path.write_text('id,title,text\nc1,"Title,First text.\nc2,",Second text.\nc3,Third,Third text.\n')
    report = ingest_paths([path])
    assert [d["source_id"] for d in report.ingested] == ["c3"]
    assert report.problems[0].message.startswith(f"{path}:2: a quoted field runs over several lines")


def test_cli_follow_symlinks_and_one_line_per_refused_input(project, tmp_path):
    target = tmp_path / "real.txt"
    target.write_text(ARTICLE)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    os.mkfifo(tmp_path / "pipe.txt")
    refused = _cli("ingest", str(link), str(tmp_path / "pipe.txt"), cwd=project)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "link.txt: is a symbolic link" in refused.stderr and "--follow-symlinks" in refused.stderr
    assert "pipe.txt: is a named pipe (FIFO)" in refused.stderr
    followed = _cli("ingest", "--follow-symlinks", str(link), cwd=project)
    assert followed.returncode == 0, followed.stderr
    assert [d["text"] for d in read_documents()] == [ARTICLE]
