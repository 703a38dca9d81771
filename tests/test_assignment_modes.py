"""Assignment modes (named annotators, document ids, stories, a fraction of the corpus, overlap), reassigning,
and progress per annotator, on SQLite and PostgreSQL; and the ``assign`` / ``reassign`` commands."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from typer.testing import CliRunner

from tests.store_fixtures import PASSWORD, REPO_ROOT
from workbench.store import CLI_USER, NotFound, Store
from workbench.store.assignments import Selection


def document(n: int) -> dict:
    text = f"Story {n // 4} part {n % 4}. Officials in district {n} met on Monday."
    return {
        "doc_id": hashlib.sha256(text.encode()).hexdigest()[:16],
        "source_id": f"s{n:02d}",
        "text": text,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "story_id": f"story-{n // 4}",
    }


@pytest.fixture
def corpus(store: Store) -> Store:
    """40 documents in 10 stories of 4, four annotators (one inactive reviewer aside)."""
    store.load_documents(CLI_USER, [document(n) for n in range(40)])
    for name in ("ana", "ben", "cy", "dee"):
        store.create_user(CLI_USER, name, "annotator", PASSWORD)
    store.create_user(CLI_USER, "rita", "reviewer", PASSWORD)
    return store


def assigned(store: Store) -> dict[str, set[str]]:
    """doc_id -> annotators."""
    out: dict[str, set[str]] = {}
    for row in store.progress():
        out.setdefault(row["doc_id"], set()).add(row["annotator"])
    return out


def test_named_annotators_document_ids_and_overlap(corpus: Store) -> None:
    ids = [document(n)["doc_id"] for n in range(10)]
    report = corpus.assign(CLI_USER, 2, doc_ids=ids, annotators=["ana", "rita"])
    assert report.documents == 10 and len(report.created) == 20
    assert assigned(corpus) == {doc_id: {"ana", "rita"} for doc_id in ids}
    again = corpus.assign(CLI_USER, 2, doc_ids=ids, annotators=["ana", "rita"])
    assert again.created == []  # only what is missing
    with pytest.raises(NotFound, match="unknown user"):
        corpus.assign(CLI_USER, 1, doc_ids=ids, annotators=["nobody"])
    with pytest.raises(NotFound, match="not in the store"):
        corpus.assign(CLI_USER, 1, doc_ids=["0123456789abcdef"])
    with pytest.raises(Exception, match="needs at least 3 annotators"):
        corpus.assign(CLI_USER, 3, doc_ids=ids, annotators=["ana", "ben"])


def test_by_story_keeps_stories_together_and_balances_documents(corpus: Store) -> None:
    report = corpus.assign(
        CLI_USER, 1, selection=Selection(stories=["story-1", "story-2", "story-3"], by_story=True)
    )
    assert report.documents == 12
    by_doc = assigned(corpus)
    for story in (1, 2, 3):
        owners = {frozenset(by_doc[document(n)["doc_id"]]) for n in range(story * 4, story * 4 + 4)}
        assert len(owners) == 1  # one annotator has the whole story
    assert sorted(report.load.values()) == [0, 4, 4, 4]


def test_a_fraction_of_the_corpus_is_stable_and_by_whole_stories(corpus: Store) -> None:
    half = Selection(fraction=0.5, by_story=True)
    report = corpus.assign(CLI_USER, 2, selection=half)
    chosen = set(assigned(corpus))
    assert 8 <= len(chosen) <= 32 and len(chosen) % 4 == 0  # whole stories
    stories = Counter(document(n)["story_id"] for n in range(40) if document(n)["doc_id"] in chosen)
    assert set(stories.values()) == {4}
    assert all(len(names) == 2 for names in assigned(corpus).values())
    assert corpus.assign(CLI_USER, 2, selection=half).created == []  # the same half again
    assert report.documents == len(chosen)
    with pytest.raises(Exception, match="fraction"):
        corpus.assign(CLI_USER, 1, selection=Selection(fraction=1.5))


def test_reassign_moves_what_is_not_started_and_records_it(corpus: Store) -> None:
    ids = [document(n)["doc_id"] for n in range(6)]
    corpus.assign(CLI_USER, 1, doc_ids=ids, annotators=["ana"])
    corpus.assign(CLI_USER, 1, doc_ids=ids[5:], annotators=["ben"])
    ana = corpus.user("ana")
    corpus.save_annotation(ana, {"doc_id": ids[0], "start": 0, "end": 5, "label": "actor", "attributes": {}})
    corpus.set_document_status(ana, ids[1], "done")
    report = corpus.reassign(CLI_USER, "ana", "ben")
    assert report.moved == ids[2:5] and report.dropped == [ids[5]] and sorted(report.kept) == sorted(ids[:2])
    assert {item["doc_id"] for item in corpus.queue(corpus.user("ben"))} == set(ids[2:])
    assert {item["doc_id"] for item in corpus.queue(ana)} == set(ids[:2])
    started = corpus.reassign(CLI_USER, "ana", "cy", include_started=True)
    assert started.moved == [ids[0]] and started.kept == [ids[1]]
    assert corpus.annotations(CLI_USER, ids[0], annotator="ana")  # the spans stay ana's
    assert corpus.document(CLI_USER, ids[1])["stage"] == "review"  # only ana (done) was left on it
    assert [e["kind"] for e in corpus.document_history(CLI_USER, ids[2])] == ["reassign"]
    with pytest.raises(Exception, match="themselves"):
        corpus.reassign(CLI_USER, "ana", "ana")
    with pytest.raises(Exception, match="may not"):
        corpus.reassign(ana, "ana", "ben")


def test_progress_per_annotator_is_aggregated(corpus: Store) -> None:
    ids = [document(n)["doc_id"] for n in range(8)]
    corpus.assign(CLI_USER, 2, doc_ids=ids, annotators=["ana", "ben"])
    ana = corpus.user("ana")
    corpus.save_annotation(ana, {"doc_id": ids[0], "start": 0, "end": 5, "label": "actor", "attributes": {}})
    corpus.save_annotation(ana, {"doc_id": ids[0], "start": 0, "end": 5, "label": "number", "attributes": {}})
    corpus.set_document_status(ana, ids[1], "done")
    rows = {row.annotator: row for row in corpus.progress_summary(CLI_USER)}
    assert set(rows) == {"ana", "ben"}
    assert rows["ana"].statuses == {"in_progress": 1, "done": 1, "not_started": 6}
    assert rows["ana"].labels == {"actor": 1, "number": 1} and rows["ana"].spans == 2
    assert rows["ana"].last_activity and rows["ben"].last_activity is None
    assert rows["ben"].assigned == 8
    assert [row.annotator for row in corpus.progress_summary(ana)] == ["ana"]


def test_assign_and_reassign_commands(project, store_url, monkeypatch, tmp_path) -> None:
    from workbench.cli import app

    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    runner = CliRunner()

    def run(*args: str, code: int = 0, input: str | None = None) -> str:
        result = runner.invoke(app, list(args), input=input)
        assert result.exit_code == code, (args, result.output, result.exception)
        return result.output + (str(result.exception) if code else "")

    run("ingest", str(REPO_ROOT / "seeds"))
    run("release", "build", "0.1.0")
    for name in ("ana", "ben", "cy"):
        run("user", "add", name, input=PASSWORD + "\n")
    from corpus.release import open_release

    ids = sorted(d["doc_id"] for d in open_release().documents())
    listed = tmp_path / "ids.txt"
    listed.write_text("\n".join(ids[:2]) + "\n", encoding="utf-8")
    out = run("assign", "--annotator", "ana", "--doc", f"@{listed}", "--doc", ids[2])
    assert "3 documents, 3 new assignments" in out and "ana 3" in out
    out = run("assign", "--annotator", "ben", "--annotator", "cy", "--overlap", "2", "--fraction", "1")
    assert "5 documents, 10 new assignments" in out and "ben 5, cy 5" in out
    assert "not in release" in run("assign", "--doc", "0123456789abcdef", code=1)
    out = run("reassign", "--from", "ana", "--to", "ben")
    assert "moved 0 document(s) from ana to ben, 3 they had already" in out
    out = run("reassign", "--from", "cy", "--to", "ana", "--doc", ids[4])
    assert "moved 1 document(s) from cy to ana" in out
