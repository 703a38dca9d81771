"""The span model in the workbench, in real headless Chromium: a model trained on the seed gold proposes spans
through ``newsspan suggest``'s ``model`` recommender; they show dashed with their score, and `y` accepts one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.learn import Settings
from tests.browser_fixtures import SEEDED_PASSWORD, seeded_workbench
from tests.browser_helpers import log_in, selector_state, wait_idle, wait_until
from tests.gold_data import GOLD_DIR, seed_documents
from workbench.store import CLI_USER, Store, open_store

pytestmark = pytest.mark.browser


def _gold_a_model_and_its_suggestions(store: Store, home: Path) -> None:
    """Gold on the five seeds, a model trained on it (small settings: seconds), its suggestions stored; ana
    has every seed."""
    from workbench.learning import train_from_store
    from workbench.suggest_run import run_suggestions

    store.assign(CLI_USER, 1)
    for source_id in seed_documents():
        store.import_file(CLI_USER, GOLD_DIR / f"{source_id}.jsonl", annotator="gold", layer="gold")
    train_from_store(store, CLI_USER, settings=Settings(max_epochs=15, width=32, depth=1))
    run = run_suggestions(store, CLI_USER, recommenders=["model"])
    assert run.added["model"] > 0, run


@pytest.fixture(scope="module")
def model_app(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with seeded_workbench(tmp_path_factory.mktemp("model"), _gold_a_model_and_its_suggestions) as app:
        yield app


def test_model_suggestions_show_dashed_with_their_score_and_y_accepts_one(page, model_app) -> None:
    url, db_url = model_app
    store = open_store(db_url)
    ana = store.user("ana")
    shown = {}
    for item in store.queue_page(ana).items:
        mine = [s for s in store.suggestions(ana, item["doc_id"]) if s["suggested_by"] == "model"]
        if mine:
            shown[item["doc_id"]] = mine
    doc_id, suggestions = max(shown.items(), key=lambda pair: len(pair[1]))
    assert all(0 <= s["suggestion"]["score"] <= 1 for s in suggestions)
    assert all(
        set(s["suggestion"]["label_scores"]) == {"actor", "claim", "number", "framing"} for s in suggestions
    )

    log_in(page, url, "ana", SEEDED_PASSWORD)
    page.locator(f".st-key-queue-doc-{doc_id} button").first.click()
    first = suggestions[0]
    node = page.locator(f'[data-testid="suggestion"][data-suggestion-id="{first["id"]}"]')
    wait_until(lambda: node.count() == 1)
    wait_idle(page)
    assert node.evaluate("(e) => getComputedStyle(e).outlineStyle") == "dashed"
    assert f"model, score {first['suggestion']['score']:.2f}" in node.get_attribute("title")
    node.click()
    wait_until(lambda: selector_state(page)["selected"] == first["id"])
    page.keyboard.press("y")
    accepted = wait_until(
        lambda: [
            s
            for s in store.annotations(CLI_USER, doc_id, annotator="ana")
            if (s["start"], s["end"], s["label"]) == (first["start"], first["end"], first["label"])
        ]
    )
    assert accepted[0]["span_text"] == first["span_text"] and "suggestion" not in accepted[0]
    wait_idle(page)
