"""In real headless Chromium: the queue with 10,000 documents (search, paging, next open document), review that
shows matching candidates with their attribute disagreements, merges on accept and reopens, and two app
servers over one PostgreSQL serving one team."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.document_release import build_documents_release
from corpus.ingest import ingest_paths
from tests.browser_fixtures import REPO_ROOT, StreamlitServer
from tests.browser_helpers import drag_select, log_in, wait_idle, wait_until
from tests.project_fixtures import SEEDS
from tests.store_fixtures import TEMPLATE
from workbench.store import CLI_USER, open_store
from workbench.store.engine import dispose_engine

pytestmark = pytest.mark.browser

APP = REPO_ROOT / "workbench" / "server.py"
PASSWORD = "correct horse battery"
N = 10_000


def big_document(n: int) -> dict:
    text = f"Council report {n} on the harbour budget. Officials met again.\nThe marker mk{n:05d} ends it."
    return {
        "doc_id": hashlib.sha256(text.encode()).hexdigest()[:16],
        "source_id": f"src_{n:05d}",
        "text": text,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "title": f"Harbour budget {n:05d}" if n % 2 else None,
        "story_id": f"story-{n // 10}",
    }


def sidebar_list(page, key: str = "queue"):
    return page.locator(f".st-key-{key}-list button")


def pager_text(page) -> str:
    return (
        page.get_by_test_id("stSidebar")
        .get_by_test_id("stCaptionContainer")
        .filter(has_text=" of ")
        .last.inner_text()
    )


def span_ids(page) -> set[str]:
    return set(page.get_by_test_id("span").evaluate_all("els => els.map((e) => e.dataset.spanId)"))


@pytest.fixture(scope="module")
def big_queue(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, list[dict]]]:
    home = tmp_path_factory.mktemp("bigqueue")
    db_url = f"sqlite:///{home}/data/newsspan.sqlite"
    documents = [big_document(n) for n in range(N)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSSPAN_HOME", str(home))
        store = open_store(db_url)
        store.load_documents(CLI_USER, documents, release="0.1.0")
        ana = store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
        store.assign(CLI_USER, 1, doc_ids=[d["doc_id"] for d in documents], annotators=["ana"])
        for document in documents[:3]:
            store.set_document_status(ana, document["doc_id"], "done")
        dispose_engine(db_url)
    server = StreamlitServer(APP, env={"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url}, log_dir=home)
    try:
        yield server.wait_healthy(), documents
    finally:
        server.stop()
        print(server.logs())


def test_queue_of_10000_documents_searches_and_pages(page, big_queue) -> None:
    url, documents = big_queue
    log_in(page, url, "ana", PASSWORD)
    texts = page.get_by_test_id("span-text")
    # the first open document (the first three are done) is open, and its row is highlighted
    wait_until(lambda: texts.inner_text(timeout=1000).startswith("Council report 3 "))
    page.get_by_text(f"3 of {N} documents done").wait_for()
    items = sidebar_list(page)
    wait_until(lambda: items.count() == 20)
    wait_until(lambda: pager_text(page) == f"1–20 of {N}")
    page.get_by_role("button", name="›").click()
    wait_until(lambda: pager_text(page) == f"21–40 of {N}")
    wait_until(lambda: "Council report 20 on the harbour budget." in items.first.inner_text(timeout=1000))
    assert "Harbour budget 00021" in items.nth(1).inner_text()  # titled documents show their title
    search = page.get_by_test_id("stSidebar").get_by_label("Search")
    search.fill("mk04242")  # a word of the text
    search.press("Enter")
    wait_until(lambda: items.count() == 1 and pager_text(page) == "1–1 of 1")
    items.first.click()
    wait_until(lambda: texts.inner_text(timeout=1000).startswith("Council report 4242 "))
    search.fill("budget 0424")  # a title: ten documents, the odd ones titled
    search.press("Enter")
    wait_until(lambda: pager_text(page) == "1–5 of 5")
    search.fill("")
    search.press("Enter")
    wait_until(lambda: pager_text(page) == f"4241–4260 of {N}")  # back to the page of the open document
    page.get_by_role("button", name="Next open document").click()
    wait_until(lambda: texts.inner_text(timeout=1000).startswith("Council report 4243 "))


@pytest.fixture(scope="module")
def seeds_project(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    home = tmp_path_factory.mktemp("review")
    db_url = f"sqlite:///{home}/data/newsspan.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSSPAN_HOME", str(home))
        patch.delenv("NEWSSPAN_RELEASES", raising=False)
        report = ingest_paths([SEEDS])
        build_documents_release("0.1.0")
        store = open_store(db_url)
        store.load_release(CLI_USER)
        for name in ("ana", "ben"):
            store.create_user(CLI_USER, name, "annotator", PASSWORD)
        store.create_user(CLI_USER, "rita", "reviewer", PASSWORD)
        store.assign(CLI_USER, overlap=2, annotators=["ana", "ben"])
        dispose_engine(db_url)
    server = StreamlitServer(APP, env={"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url}, log_dir=home)
    try:
        yield (
            server.wait_healthy(),
            {"db_url": db_url, "documents": {d["source_id"]: d for d in report.ingested}},
        )
    finally:
        server.stop()
        print(server.logs())


def test_review_shows_matching_candidates_with_disagreements_merges_and_reopens(page, seeds_project) -> None:
    url, project = seeds_project
    store = open_store(project["db_url"])
    document = project["documents"]["002_12ea12832b4987f9"]
    doc_id, text = document["doc_id"], document["text"]
    start = text.index("Vladimir Putin")
    for name, kind in (("ana", "PER"), ("ben", "ORG")):
        user = store.user(name)
        store.save_annotation(user, {"doc_id": doc_id, "start": start, "end": start + 14, "label": "actor",
                                     "attributes": {"type": kind, "mention": "name"}})  # fmt: skip
        store.set_document_status(user, doc_id, "done")
    rita = store.user("rita")
    log_in(page, url, "rita", PASSWORD)
    page.get_by_role("heading", name="Review").wait_for()
    page.locator(f".st-key-review-list-doc-{doc_id} button").first.click()
    candidate = page.locator(f'[data-testid="suggestion"][data-start="{start}"]').first
    candidate.wait_for()
    candidate.click()
    side = page.get_by_test_id("stMain")
    side.get_by_text("Disagree on: type").wait_for()
    page.keyboard.press("y")  # accepts the first variant into gold
    gold = wait_until(lambda: store.annotations(rita, doc_id, layer="gold"))
    # gold holds the position now, but ben marked it otherwise: the candidate stays, marked against gold
    candidate = page.locator(f'[data-testid="suggestion"][data-start="{start}"]').first
    candidate.wait_for()
    candidate.click()
    page.get_by_text("≠ gold").wait_for()
    other = "ORG" if gold[0]["attributes"]["type"] == "PER" else "PER"
    page.get_by_role("button", name="Use this variant in gold", disabled=False).click()
    merged = wait_until(
        lambda: (g := store.annotations(rita, doc_id, layer="gold")) and g[0]["version"] == 2 and g
    )
    assert len(merged) == 1 and merged[0]["id"] == gold[0]["id"] and merged[0]["attributes"]["type"] == other
    wait_until(lambda: page.locator('[data-testid="suggestion"]').count() == 0)  # everything decided
    store.set_document_stage(rita, doc_id, "final")
    page.locator(f".st-key-review-list-doc-{doc_id} button").first.click()  # an interaction: the page reruns
    page.get_by_label("Why reopen it? (kept in the history)").fill("ben was right after all")
    page.get_by_role("button", name="Reopen for review").click()
    wait_until(lambda: store.document(rita, doc_id)["stage"] == "review")
    assert store.document_history(rita, doc_id)[-1]["source"] == "ben was right after all"
    dispose_engine(project["db_url"])


@pytest.mark.postgres
def test_two_app_servers_over_one_postgresql_serve_one_team(browser, pg_cluster, tmp_path: Path) -> None:
    home = tmp_path / "team"
    home.mkdir()
    name = pg_cluster.create_database(template=TEMPLATE)
    db_url = pg_cluster.url(name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSSPAN_HOME", str(home))
        patch.delenv("NEWSSPAN_RELEASES", raising=False)
        report = ingest_paths([SEEDS])
        build_documents_release("0.1.0")
        store = open_store(db_url)
        store.load_release(CLI_USER)
        store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
        store.assign(CLI_USER, overlap=1)
    env = {"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url}
    servers = [StreamlitServer(APP, env=env, log_dir=home) for _ in range(2)]
    try:
        first_url, second_url = (server.wait_healthy() for server in servers)
        first, second = (browser.new_context().new_page() for _ in range(2))
        ana = store.user("ana")
        doc_id = store.next_open_document(ana)
        text = next(d for d in report.ingested if d["doc_id"] == doc_id)["text"]
        for page, url in ((first, first_url), (second, second_url)):
            log_in(page, url, "ana", PASSWORD)
            page.get_by_test_id("span-text").wait_for()
            wait_idle(page)
        phrase = "Xi Jinping"
        drag_select(first, text, phrase)
        first.keyboard.press("1")
        saved = wait_until(lambda: store.annotations(ana, doc_id))
        wait_until(lambda: saved[0]["id"] in span_ids(first))
        assert saved[0]["id"] not in span_ids(second)  # the second app has not been asked anything yet
        second.locator(f".st-key-queue-doc-{doc_id} button").first.click()  # its next interaction
        wait_until(lambda: saved[0]["id"] in span_ids(second))
        for page in (first, second):
            page.context.close()
    finally:
        for server in servers:
            server.stop()
            print(server.logs())
        dispose_engine(db_url)
        pg_cluster.drop_database(name)
