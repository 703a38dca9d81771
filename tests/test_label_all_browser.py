"""Propagation in the workbench, in real headless Chromium: what a teammate labelled is proposed dashed, `y`
accepts it, and Shift+A labels every other occurrence in the document at once; they survive a reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.document_release import build_documents_release
from corpus.ingest import ingest_paths
from corpus.suggest.propagation import occurrences
from tests import browser_helpers
from tests.browser_fixtures import REPO_ROOT, StreamlitServer
from tests.browser_helpers import drag_select, selector_state, wait_idle, wait_until
from tests.project_fixtures import SEEDS
from workbench.store import CLI_USER, open_store

pytestmark = pytest.mark.browser

APP = REPO_ROOT / "workbench" / "server.py"
PASSWORD = "correct horse battery"
SEED_000, SEED_001 = "000_46119d9713d60ee1", "001_5a859e9be11c2271"
PUTIN = {"type": "PER", "entity_id": ["vladimir_putin"], "mention": "name"}


class Workbench:
    def __init__(self, home: Path, url: str, documents: dict[str, dict]) -> None:
        self.home, self.url, self.documents = home, url, documents
        self.store = open_store(f"sqlite:///{home}/data/newsspan.sqlite")

    def doc_id(self, source_id: str) -> str:
        return self.documents[source_id]["doc_id"]

    def text(self, source_id: str) -> str:
        return self.documents[source_id]["text"]

    def spans(self, annotator: str, source_id: str, phrase: str) -> list[dict]:
        spans = self.store.annotations(CLI_USER, self.doc_id(source_id), annotator=annotator)
        return [s for s in spans if s["span_text"] == phrase]


@pytest.fixture(scope="module")
def workbench(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    """The seeds in a release and a store; ben labelled Putin once in 001 and marked it done; propagation ran."""
    home = tmp_path_factory.mktemp("label-all")
    db_url = f"sqlite:///{home}/data/newsspan.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSSPAN_HOME", str(home))
        patch.delenv("NEWSSPAN_RELEASES", raising=False)
        report = ingest_paths([SEEDS])
        build_documents_release("0.1.0")
        store = open_store(db_url)
        store.load_release(CLI_USER)
        store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
        ben = store.create_user(CLI_USER, "ben", "annotator", PASSWORD)
        store.assign(CLI_USER, overlap=2, annotators=["ana", "ben"])
        documents = {d["source_id"]: d for d in report.ingested}
        other = documents[SEED_001]
        start = other["text"].index("Putin")
        store.save_annotation(
            ben,
            {
                "doc_id": other["doc_id"],
                "start": start,
                "end": start + 5,
                "label": "actor",
                "attributes": PUTIN,
            },
        )
        store.set_document_status(ben, other["doc_id"], "done")
        from workbench.suggest_run import run_suggestions

        run = run_suggestions(store, CLI_USER, recommenders=["propagation"])
        assert run.added["propagation"] > 0
    server = StreamlitServer(APP, env={"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url}, log_dir=home)
    try:
        yield Workbench(home, server.wait_healthy(), documents)
    finally:
        server.stop()
        print(server.logs())


def open_document(page, workbench: Workbench, source_id: str) -> None:
    page.locator(f".st-key-queue-doc-{workbench.doc_id(source_id)} button").first.click()
    opening = workbench.text(source_id)[:40]
    texts = page.get_by_test_id("span-text")
    wait_until(lambda: texts.count() == 1 and texts.inner_text(timeout=1000).startswith(opening))


def drawn(page, label: str, phrase: str) -> int:
    return page.get_by_test_id("span").evaluate_all(
        "(els, [label, phrase]) => els.filter((e) => e.dataset.label === label && e.textContent === phrase).length",
        [label, phrase],
    )


def test_accept_a_propagated_name_then_label_all_other_occurrences(page, workbench) -> None:
    text = workbench.text(SEED_000)
    places = occurrences(text, "Putin")
    assert len(places) >= 3
    browser_helpers.log_in(page, workbench.url, "ana", PASSWORD)
    open_document(page, workbench, SEED_000)
    suggestions = page.locator('[data-testid="suggestion"][data-label="actor"]')
    wait_until(lambda: suggestions.count() == len(places))
    wait_idle(page)
    first = suggestions.first
    assert first.evaluate("(e) => getComputedStyle(e).outlineStyle") == "dashed"
    first.click()
    wait_until(lambda: selector_state(page)["selected"] == first.get_attribute("data-suggestion-id"))
    page.keyboard.press("y")
    accepted = wait_until(lambda: workbench.spans("ana", SEED_000, "Putin"))
    assert accepted[0]["attributes"] == PUTIN
    wait_idle(page)

    # the hint beside the accepted span, then one key labels the others, drawn at once
    hint = page.get_by_test_id("label-all")
    wait_until(
        lambda: hint.count() == 1 and f"label all {len(places) - 1} other occurrences" in hint.inner_text()
    )
    page.keyboard.press("Shift+A")
    wait_until(lambda: drawn(page, "actor", "Putin") == len(places))
    wait_until(lambda: len(workbench.spans("ana", SEED_000, "Putin")) == len(places))
    wait_idle(page)
    saved = workbench.spans("ana", SEED_000, "Putin")
    assert sorted((s["start"], s["end"]) for s in saved) == places
    assert all(s["attributes"] == PUTIN and s["label"] == "actor" for s in saved)
    assert workbench.store.suggestions(workbench.store.user("ana"), workbench.doc_id(SEED_000)) == []
    assert hint.count() == 0

    page.reload()  # the session cookie keeps ana logged in
    open_document(page, workbench, SEED_000)
    wait_until(lambda: drawn(page, "actor", "Putin") == len(places))
    assert page.locator('[data-testid="suggestion"]').count() == 0


def test_a_name_labelled_by_key_offers_its_other_occurrences(page, workbench) -> None:
    text = workbench.text(SEED_000)
    places = occurrences(text, "Moscow")
    assert len(places) >= 3
    browser_helpers.log_in(page, workbench.url, "ana", PASSWORD)
    open_document(page, workbench, SEED_000)
    wait_idle(page)
    drag_select(page, text, "Moscow", 1)
    page.keyboard.press("1")
    wait_until(lambda: workbench.spans("ana", SEED_000, "Moscow"))
    hint = page.get_by_test_id("label-all")
    wait_until(lambda: hint.count() == 1 and f"label all {len(places) - 1} other" in hint.inner_text())
    page.keyboard.press("Shift+A")
    wait_until(lambda: len(workbench.spans("ana", SEED_000, "Moscow")) == len(places))
    wait_idle(page)
    assert sorted((s["start"], s["end"]) for s in workbench.spans("ana", SEED_000, "Moscow")) == places
    assert drawn(page, "actor", "Moscow") == len(places)


def test_progress_page_shows_accept_rates_per_label_and_recommender(page, workbench) -> None:
    ben = workbench.store.user("ben")
    (first, *_) = workbench.store.suggestions(ben, workbench.doc_id(SEED_000))
    workbench.store.decide_suggestion(ben, first["id"], "reject")
    (row,) = workbench.store.suggestion_feedback(ben)
    assert (row.label, row.recommender, row.rejected, row.rate) == ("actor", "propagation", 1, 0.0)
    browser_helpers.log_in(page, workbench.url, "ben", PASSWORD)
    page.get_by_test_id("span-text").wait_for()
    page.get_by_role("link", name="Progress").click()
    page.get_by_text("Suggestions: accepted and rejected").wait_for()
    wait_until(lambda: page.get_by_test_id("stVegaLiteChart").count() == 3)
    wait_until(lambda: page.get_by_test_id("stDataFrame").count() == 2)
