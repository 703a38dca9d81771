"""In real headless Chromium: the admin turns "order queues by model uncertainty" on from the Assignments page
(the store's setting changes and ana's queue follows it), and the Progress page draws the newest
``learn --evaluate`` report as a learning curve."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from corpus.document_release import build_documents_release
from corpus.ingest import ingest_paths
from corpus.labelled import LabelledDocument
from corpus.learn import Settings, evaluate
from corpus.learn.reports import save_evaluation
from corpus.scheme import default_labelset
from tests.browser_fixtures import REPO_ROOT, StreamlitServer
from tests.browser_helpers import log_in, wait_until
from tests.gold_data import gold_records, seed_documents
from tests.project_fixtures import SEEDS
from workbench.store import CLI_USER, open_store
from workbench.store.engine import dispose_engine

pytestmark = pytest.mark.browser

APP = REPO_ROOT / "workbench" / "server.py"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def learning_app(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    home = tmp_path_factory.mktemp("learning")
    db_url = f"sqlite:///{home}/data/newsspan.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSSPAN_HOME", str(home))
        patch.delenv("NEWSSPAN_RELEASES", raising=False)
        patch.delenv("NEWSSPAN_MODELS", raising=False)
        ingest_paths([SEEDS])
        build_documents_release("0.1.0")
        store = open_store(db_url)
        store.load_release(CLI_USER)
        store.create_user(CLI_USER, "adam", "admin", PASSWORD)
        store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
        store.assign(CLI_USER, 1)
        labelled = [
            LabelledDocument(d, gold_records(s), "gold") for s, d in list(seed_documents().items())[:2]
        ]
        report = evaluate(
            labelled,
            labelset=default_labelset(),
            folds=2,
            fractions=(0.5, 1.0),
            settings=Settings(max_epochs=2),
        ).report
        save_evaluation(report, home / "models")
        dispose_engine(db_url)
    server = StreamlitServer(APP, env={"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url}, log_dir=home)
    try:
        yield server.wait_healthy(), db_url
    finally:
        server.stop()
        print(server.logs())


def test_the_admin_orders_queues_by_uncertainty_from_the_assignments_page(page, learning_app) -> None:
    url, db_url = learning_app
    store = open_store(db_url)
    ana = store.user("ana")
    doc_ids = sorted(item["doc_id"] for item in store.queue_page(ana).items)
    store.set_uncertainty(CLI_USER, "m1", {doc_ids[3]: 0.9, doc_ids[1]: 0.4})
    log_in(page, url, "adam", PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Assignments").click()
    page.get_by_role("heading", name="Assignments", exact=True).wait_for()
    page.get_by_text("Order queues by model uncertainty").click()
    page.get_by_text("queues now ordered by model uncertainty").wait_for()
    wait_until(lambda: store.orders_by_uncertainty(ana), timeout=30)
    assert [item["doc_id"] for item in store.queue_page(ana).items][:2] == [doc_ids[3], doc_ids[1]]
    page.get_by_text("Order queues by model uncertainty").click()
    page.get_by_text("queues now ordered in assignment order").wait_for()
    assert not store.orders_by_uncertainty(ana)
    dispose_engine(db_url)


def test_the_progress_page_draws_the_learning_curve(page, learning_app) -> None:
    url, _ = learning_app
    log_in(page, url, "adam", PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Progress").click()
    page.get_by_role("heading", name="Suggestions: measured quality").wait_for()
    page.get_by_text("2-fold cross-validation by document over 2 labelled documents", exact=False).wait_for()
    section = page.locator(".st-key-learning")
    section.get_by_test_id("stVegaLiteChart").wait_for()
    section.get_by_test_id("stDataFrame").wait_for()
    assert "model" in section.inner_text() and "rules" in section.inner_text()
