"""In real headless Chromium: the admin turns "order queues by model uncertainty" on from the Assignments page
(the store's setting changes and ana's queue follows it), and the Progress page draws the newest
``learn --evaluate`` report as a learning curve."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.labelled import LabelledDocument
from corpus.learn import Settings, evaluate
from corpus.learn.reports import save_evaluation
from corpus.scheme import default_labelset
from tests.browser_fixtures import SEEDED_PASSWORD, seeded_workbench
from tests.browser_helpers import log_in, wait_until
from tests.gold_data import gold_records, seed_documents
from workbench.store import CLI_USER, Store, open_store
from workbench.store.engine import dispose_engine

pytestmark = pytest.mark.browser

PASSWORD = SEEDED_PASSWORD


def _assigned_with_an_evaluation(store: Store, home: Path) -> None:
    """ana has every seed; a tiny ``learn --evaluate`` report lies where the Progress page looks."""
    store.assign(CLI_USER, 1)
    labelled = [LabelledDocument(d, gold_records(s), "gold") for s, d in list(seed_documents().items())[:2]]
    report = evaluate(
        labelled,
        labelset=default_labelset(),
        folds=2,
        fractions=(0.5, 1.0),
        settings=Settings(max_epochs=2),
    ).report
    save_evaluation(report, home / "models")


@pytest.fixture(scope="module")
def learning_app(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with seeded_workbench(tmp_path_factory.mktemp("learning"), _assigned_with_an_evaluation) as app:
        yield app


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
    every = page.get_by_role("spinbutton", name="Retrain the span model after every N newly done documents")
    every.fill("20")
    every.press("Enter")
    page.get_by_text("retraining after every 20 done documents").wait_for()
    assert store.retrain_every(ana) == 20
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
