"""The workbench as an annotator uses it, in real headless Chromium: log in, tag spans, attributes, undo."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.document_release import build_documents_release
from corpus.ingest import ingest_paths
from tests import browser_helpers
from tests.browser_fixtures import REPO_ROOT, StreamlitServer, shadow_js
from tests.browser_helpers import drag_select, scroll_positions, selector_state, wait_idle, wait_until
from tests.project_fixtures import SEEDS
from workbench.store import CLI_USER, open_store

pytestmark = pytest.mark.browser

APP = REPO_ROOT / "workbench" / "server.py"  # the launcher: app.py with the session cookie routes
PASSWORD = "correct horse battery"
SEED_000 = "000_46119d9713d60ee1"
WEIRD = (
    'Breaking 🚀 news 👩‍👩‍👧: <script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2">\n'
    "**Vladimir Putin** met Xi Jinping 🇨🇳 in Beijing on Tuesday.\n"
)


class Workbench:
    """A project folder with the seeds and one tricky article, a store with two annotators, and the app."""

    def __init__(self, home: Path, url: str, documents: dict[str, dict]) -> None:
        self.home = home
        self.url = url
        self.documents = documents  # by source_id
        self.store = open_store(f"sqlite:///{home}/data/newsspan.sqlite")

    def doc_id(self, source_id: str) -> str:
        return self.documents[source_id]["doc_id"]

    def text(self, source_id: str) -> str:
        return self.documents[source_id]["text"]

    def spans(self, annotator: str, source_id: str) -> list[dict]:
        return self.store.annotations(CLI_USER, self.doc_id(source_id), annotator=annotator)


@pytest.fixture(scope="module")
def workbench(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    home = tmp_path_factory.mktemp("workbench")
    (home / "articles").mkdir()
    (home / "articles" / "weird_article.txt").write_text(WEIRD, encoding="utf-8")
    db_url = f"sqlite:///{home}/data/newsspan.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSSPAN_HOME", str(home))
        patch.delenv("NEWSSPAN_RELEASES", raising=False)
        report = ingest_paths([SEEDS, home / "articles"])
        build_documents_release("0.1.0")
        store = open_store(db_url)
        store.load_release(CLI_USER)
        for name in ("ana", "ben"):
            store.create_user(CLI_USER, name, "annotator", PASSWORD)
        store.create_user(CLI_USER, "rita", "reviewer", PASSWORD)
        store.create_user(CLI_USER, "root", "admin", PASSWORD)
        store.assign(CLI_USER, overlap=2, annotators=["ana", "ben"])
    server = StreamlitServer(APP, env={"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url}, log_dir=home)
    try:
        yield Workbench(home, server.wait_healthy(), {d["source_id"]: d for d in report.ingested})
    finally:
        server.stop()
        print(server.logs())


def log_in(page, url: str, name: str, password: str = PASSWORD) -> None:
    browser_helpers.log_in(page, url, name, password)


def open_document(page, workbench: Workbench, source_id: str) -> None:
    """Pick a document in the queue and wait until its text (and only its text) is on the page."""
    page.locator(f".st-key-queue-doc-{workbench.doc_id(source_id)} button").first.click()
    opening = workbench.text(source_id)[:40]
    texts = page.get_by_test_id("span-text")
    wait_until(lambda: texts.count() == 1 and texts.inner_text(timeout=1000).startswith(opening))


def span_ids(page) -> set[str]:
    return set(page.get_by_test_id("span").evaluate_all("els => els.map((e) => e.dataset.spanId)"))


def tag(page, text: str, phrase: str, key: str, workbench: Workbench, annotator: str, source_id: str,
        occurrence: int = 0) -> dict:  # fmt: skip
    """Drag over a phrase, press a label key, wait for the store to hold the new span; return it.

    First waits for the span selector's own signal that it is idle (the server's latest spans drawn, no change
    waiting for its answer): a drag measured while a rerun is still changing the page may land elsewhere."""
    wait_idle(page)
    before = {s["id"] for s in workbench.spans(annotator, source_id)}
    drag_select(page, text, phrase, occurrence)
    page.keyboard.press(key)
    new = wait_until(lambda: [s for s in workbench.spans(annotator, source_id) if s["id"] not in before])
    (span,) = new
    wait_until(lambda: span["id"] in span_ids(page))
    wait_idle(page)
    return span


def stored_span(workbench: Workbench, annotator: str, source_id: str, span_id: str) -> dict:
    return next(s for s in workbench.spans(annotator, source_id) if s["id"] == span_id)


def keys(page, *presses: str) -> None:
    for press in presses:
        page.keyboard.press(press)


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit select box by its label."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_nothing_is_shown_before_log_in_and_a_wrong_password_is_refused(page, workbench) -> None:
    page.goto(workbench.url)
    page.get_by_role("button", name="Log in").wait_for()
    assert page.get_by_test_id("span-text").count() == 0
    assert "Chinese President" not in page.content()
    log_in(page, workbench.url, "ana", "not the password")
    page.get_by_text("Unknown user name or wrong password.").wait_for()
    assert page.get_by_test_id("span-text").count() == 0


def test_annotator_tags_nested_overlapping_spans_with_attributes_reloads_and_undoes(page, workbench) -> None:
    log_in(page, workbench.url, "ana")
    open_document(page, workbench, SEED_000)
    text = workbench.text(SEED_000)
    tagger = {"workbench": workbench, "annotator": "ana", "source_id": SEED_000}

    outer = tag(page, text, "Chinese President Xi Jinping", "1", **tagger)
    start = text.index("Chinese President Xi Jinping")
    assert (outer["start"], outer["end"], outer["span_text"], outer["label"]) == (
        start, start + len("Chinese President Xi Jinping"), "Chinese President Xi Jinping", "actor",
    )  # fmt: skip
    nested = tag(page, text, "Xi Jinping", "a", **tagger)
    assert text[nested["start"] : nested["end"]] == "Xi Jinping" and outer["start"] < nested["start"]
    framing = tag(page, text, "Jinping arrived in Moscow", "4", **tagger)  # overlaps both actor spans
    assert framing["start"] < outer["end"] < framing["end"] and framing["label"] == "framing"

    kremlin = tag(page, text, "The Kremlin", "1", **tagger)
    claim = tag(page, text, "terrorist acts", "c", **tagger)  # the new span is selected
    page.keyboard.press("l")  # link it: its speaker is the span clicked next
    browser_helpers.click_phrase(page, text, "The Kremlin")
    page.locator(f'[data-testid="link"][data-from="{claim["id"]}"][data-to="{kremlin["id"]}"]').wait_for(
        state="attached"
    )
    keys(page, "e", "1", "Tab", "2", "Enter")  # attribution: direct quote, kind: opinion
    wait_idle(page)
    saved = stored_span(workbench, "ana", SEED_000, claim["id"])["attributes"]
    assert saved == {"speaker": kremlin["id"], "attribution": "direct quote", "kind": "opinion"}

    number = tag(page, text, "three hours", "3", **tagger)
    scrolled = scroll_positions(page)
    keys(page, "e", "5")  # opens on the first missing attribute, kind: duration
    keys(page, "ArrowUp", "ArrowUp", "ArrowUp", "ArrowUp", "ArrowUp")  # up to the value
    page.keyboard.type("3")
    keys(page, "ArrowDown", "ArrowDown", "ArrowDown", "3", "Enter")  # bound: less than
    wait_idle(page)
    stored = stored_span(workbench, "ana", SEED_000, number["id"])
    assert stored["version"] == 2 and stored["attributes"] == {
        "value": 3,
        "bound": "less than",
        "kind": "duration",
    }
    assert scroll_positions(page) == scrolled  # saving attributes never moves the page

    mine = {s["id"] for s in workbench.spans("ana", SEED_000)}
    assert len(mine) == 6
    page.reload()  # the session cookie keeps ana logged in
    open_document(page, workbench, SEED_000)
    wait_until(lambda: span_ids(page) == mine)

    page.get_by_test_id("span-selector").focus()
    page.keyboard.press("Control+z")  # undoes the last change: the number's attributes
    undone = wait_until(lambda: (s := next(s for s in workbench.spans("ana", SEED_000) if s["id"] == number["id"]))
                        ["version"] == 3 and s)  # fmt: skip
    assert "value" not in undone["attributes"]
    page.keyboard.press("Control+z")  # then the number's creation: the span goes away, kept in history
    wait_until(lambda: number["id"] not in {s["id"] for s in workbench.spans("ana", SEED_000)})
    wait_until(lambda: span_ids(page) == mine - {number["id"]})
    kinds = [event["kind"] for event in workbench.store.history(CLI_USER, number["id"])]
    assert kinds[:2] == ["create", "update"] and len(kinds) == 4


def test_two_annotators_do_not_see_each_others_spans(browser, workbench) -> None:
    text = workbench.text("weird_article")
    ana_page, ben_page = (browser.new_context().new_page() for _ in range(2))
    log_in(ana_page, workbench.url, "ana")
    open_document(ana_page, workbench, "weird_article")
    span = tag(ana_page, text, "Xi Jinping", "1", workbench, "ana", "weird_article")
    log_in(ben_page, workbench.url, "ben")
    open_document(ben_page, workbench, "weird_article")
    ben_page.get_by_test_id("span-text").wait_for()
    assert span["id"] not in span_ids(ben_page) and span_ids(ben_page) == set()
    assert workbench.spans("ben", "weird_article") == []
    for page in (ana_page, ben_page):
        page.context.close()


def test_emoji_and_script_article_gets_exact_offsets_and_runs_nothing(page, workbench) -> None:
    log_in(page, workbench.url, "ana")
    open_document(page, workbench, "weird_article")
    text = workbench.text("weird_article")
    shown = page.evaluate(f"({shadow_js})('[data-testid=\"span-text\"]').textContent")
    assert shown == text
    assert page.evaluate("window.__pwned === undefined")
    assert page.get_by_test_id("span-text").locator("script, img, strong").count() == 0
    span = tag(page, text, "Vladimir Putin", "1", workbench, "ana", "weird_article")
    start = text.index("Vladimir Putin")
    assert (span["start"], span["end"], span["span_text"]) == (start, start + 14, "Vladimir Putin")
    assert (
        re.search("🚀", text[: span["start"]]) and len(text[: span["start"]].encode("utf-16-le")) // 2 > start
    )


def test_enter_marks_done_only_when_attributes_are_complete_then_opens_the_next(page, workbench) -> None:
    log_in(page, workbench.url, "ben")
    open_document(page, workbench, "weird_article")
    text = workbench.text("weird_article")
    tag(page, text, "Beijing", "1", workbench, "ben", "weird_article")
    ben = workbench.store.user("ben")
    page.keyboard.press("Enter")
    page.get_by_text("still miss required attributes").wait_for()
    status = {item["doc_id"]: item["status"] for item in workbench.store.queue(ben)}
    assert status[workbench.doc_id("weird_article")] != "done"
    panel = page.get_by_test_id("span-panel")
    assert "Still to fill in: Type, Mention" in panel.inner_text()  # beside the span the store named
    keys(page, "e", "3", "Tab", "Tab", "1", "Enter")  # type: GPE, (entities: none), mention: name
    wait_idle(page)
    assert "Still to fill in" not in panel.inner_text()
    page.keyboard.press("Enter")
    page.get_by_text("Document marked done.").wait_for()
    status = {item["doc_id"]: item["status"] for item in workbench.store.queue(ben)}
    assert status[workbench.doc_id("weird_article")] == "done"
    heading = page.get_by_role("heading", level=3).first.inner_text()
    assert "weird_article" not in heading


def test_progress_page_shows_charts_per_annotator_and_label(page, workbench) -> None:
    log_in(page, workbench.url, "ana")
    page.get_by_test_id("span-text").wait_for()
    page.get_by_role("link", name="Progress").click()
    page.get_by_text("Documents per annotator").wait_for()
    page.get_by_text("Spans per annotator and label").wait_for()
    wait_until(lambda: page.get_by_test_id("stVegaLiteChart").count() == 2)
    assert "Assignments done" in page.get_by_test_id("stMetric").first.inner_text()


def test_suggestions_are_accepted_rejected_and_accepted_by_label(page, workbench) -> None:
    source_id = "003_cfc91fdb116e99e3"
    text = workbench.text(source_id)

    def suggestion(phrase: str, label: str, attributes: dict) -> dict:
        start = text.index(phrase)
        return {"doc_id": workbench.doc_id(source_id), "start": start, "end": start + len(phrase),
                "label": label, "attributes": attributes}  # fmt: skip

    made = workbench.store.save_suggestions(
        CLI_USER,
        [
            suggestion(
                "Vladimir Putin", "actor", {"type": "PER", "entity_id": ["vladimir_putin"], "mention": "name"}
            ),
            suggestion("Beijing", "actor", {"type": "GPE", "entity_id": ["china"], "mention": "name"}),
            suggestion("over 140 countries", "number", {"value": 140, "bound": "more than", "kind": "count"}),
            suggestion("140", "number", {"value": 140, "kind": "count"}),
        ],
        "test-suggester",
    )
    putin, beijing = made[0], made[1]
    log_in(page, workbench.url, "ana")
    open_document(page, workbench, source_id)
    wait_until(lambda: page.get_by_test_id("suggestion").count() >= 4)
    wait_idle(page)
    page.locator(f'[data-suggestion-id="{putin["id"]}"]').first.click()
    wait_until(lambda: selector_state(page)["selected"] == putin["id"])
    page.keyboard.press("y")
    accepted = wait_until(
        lambda: [s for s in workbench.spans("ana", source_id) if s["span_text"] == "Vladimir Putin"]
    )
    assert accepted[0]["attributes"]["entity_id"] == ["vladimir_putin"]
    wait_idle(page)
    page.locator(f'[data-suggestion-id="{beijing["id"]}"]').first.click()
    wait_until(lambda: selector_state(page)["selected"] == beijing["id"])
    page.keyboard.press("x")
    wait_until(lambda: page.locator(f'[data-suggestion-id="{beijing["id"]}"]').count() == 0)
    wait_idle(page)
    assert not [s for s in workbench.spans("ana", source_id) if s["span_text"] == "Beijing"]
    page.get_by_role("button", name="Accept all 2 number suggestions").click()
    wait_until(lambda: len([s for s in workbench.spans("ana", source_id) if s["label"] == "number"]) == 2)
    wait_until(lambda: page.get_by_test_id("suggestion").count() == 0)
    ana = workbench.store.user("ana")
    assert workbench.store.suggestions(ana, workbench.doc_id(source_id)) == []


def test_reviewer_accepts_a_candidate_into_gold_and_sees_agreement(page, workbench) -> None:
    source_id = "002_12ea12832b4987f9"
    doc_id, text = workbench.doc_id(source_id), workbench.text(source_id)
    putin = {"type": "PER", "entity_id": ["vladimir_putin"], "mention": "name"}
    for name in ("ana", "ben"):
        user = workbench.store.user(name)
        start = text.index("Vladimir Putin")
        workbench.store.save_annotation(
            user, {"doc_id": doc_id, "start": start, "end": start + 14, "label": "actor", "attributes": putin}
        )
        workbench.store.set_document_status(user, doc_id, "done")
    log_in(page, workbench.url, "rita")
    page.get_by_role("heading", name="Review").wait_for()
    assert page.get_by_role("link", name="Annotate").count() == 0  # roles decide the pages
    page.locator(f".st-key-review-list-doc-{doc_id} button").first.click()
    candidate = page.get_by_test_id("suggestion").first
    wait_until(
        lambda: candidate.get_attribute("data-start", timeout=1000) == str(text.index("Vladimir Putin"))
    )
    candidate.click()
    page.keyboard.press("y")
    rita = workbench.store.user("rita")
    gold = wait_until(lambda: workbench.store.annotations(rita, doc_id, layer="gold"))
    assert [(g["span_text"], g["attributes"]["entity_id"]) for g in gold] == [
        ("Vladimir Putin", ["vladimir_putin"])
    ]
    wait_until(lambda: page.get_by_test_id("suggestion").count() == 0)
    assert [e["kind"] for e in workbench.store.history(rita, gold[0]["id"])] == ["create"]
    page.get_by_role("link", name="Agreement").click()
    strict = page.get_by_test_id("stMetric").filter(has_text="Strict F1")
    wait_until(lambda: "1.000" in strict.inner_text(timeout=1000))


def test_admin_browses_the_gold_seed_corpus_read_only(page, workbench) -> None:
    gold_file = SEEDS / "gold" / f"{SEED_000}.jsonl"
    expected = {json.loads(line)["id"] for line in gold_file.read_text().splitlines() if line}
    workbench.store.import_file(CLI_USER, gold_file, annotator="gold", layer="gold")
    log_in(page, workbench.url, "root")
    page.get_by_role("link", name="Gold corpus").click()
    page.get_by_role("heading", name="Gold corpus").wait_for()
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=re.compile(SEED_000)).click()
    wait_until(lambda: span_ids(page) == expected)
    labels = set(page.get_by_test_id("span").evaluate_all("els => els.map((e) => e.dataset.label)"))
    assert labels == {"actor", "claim", "number", "framing"}


def test_a_span_is_drawn_before_the_store_saves_it_and_a_stale_change_is_rolled_back(page, workbench) -> None:
    """The new span is on screen while the database is locked (the save cannot have happened); an edit made on a
    version someone else changed meanwhile is refused by the store, shown on the span and rolled back."""
    source_id = "004_852e370b7402b906"
    text = workbench.text(source_id)
    log_in(page, workbench.url, "ana")
    open_document(page, workbench, source_id)
    wait_idle(page)
    start = text.index("Kim Jong Un")
    lock = sqlite3.connect(workbench.home / "data" / "newsspan.sqlite", isolation_level=None, timeout=30)
    try:
        lock.execute("BEGIN IMMEDIATE")  # every write of the app now waits for this transaction
        drag_select(page, text, "Kim Jong Un")
        page.keyboard.press("1")
        drawn = page.locator(f'[data-testid="span"][data-pending="true"][data-start="{start}"]')
        drawn.wait_for()
        assert drawn.inner_text() == "Kim Jong Un" and selector_state(page)["pending"] == "1"
        assert not [s for s in workbench.spans("ana", source_id) if s["start"] == start]
    finally:
        lock.execute("COMMIT")
        lock.close()
    wait_idle(page)
    (span,) = [s for s in workbench.spans("ana", source_id) if s["start"] == start]
    assert span["span_text"] == "Kim Jong Un" and span["version"] == 1
    wait_until(lambda: span["id"] in span_ids(page))

    # Another tab of ana's changes the span: the page still holds version 1, a stale version.
    ana = workbench.store.user("ana")
    record = {k: span[k] for k in ("id", "doc_id", "start", "end", "label")}
    workbench.store.save_annotation(ana, {**record, "attributes": {"type": "PER"}}, expected_version=1)
    keys(page, "e", "2", "Enter")  # type: ORG, on version 1
    error = page.get_by_test_id("span-error")
    error.wait_for()
    assert "you had 1" in error.inner_text()
    wait_idle(page)
    assert stored_span(workbench, "ana", source_id, span["id"])["attributes"] == {"type": "PER"}
    marked = page.locator(f'[data-testid="span"][data-span-id="{span["id"]}"].nsp-failed')
    wait_until(lambda: marked.count() == 1)
    type_value = page.get_by_test_id("span-panel").locator('[data-attr="type"] [data-testid="attr-value"]')
    wait_until(lambda: type_value.inner_text() == "PER")  # rolled back to what the store holds


def test_reviewer_sees_claim_speaker_links_drawn_with_the_speakers_text(page, workbench) -> None:
    source_id = "001_5a859e9be11c2271"
    doc_id, text = workbench.doc_id(source_id), workbench.text(source_id)
    said = "China and Russia have found a right path of state-to-state interactions between neighboring major countries"
    xi, claim = text.index("Xi said"), text.index(said)
    for name in ("ana", "ben"):
        user = workbench.store.user(name)
        actor = workbench.store.save_annotation(user, {
            "doc_id": doc_id, "start": xi, "end": xi + 2, "label": "actor",
            "attributes": {"type": "PER", "mention": "name", "entity_id": ["xi_jinping"]},
        })  # fmt: skip
        workbench.store.save_annotation(user, {
            "doc_id": doc_id, "start": claim, "end": claim + len(said), "label": "claim",
            "attributes": {"speaker": actor["id"], "attribution": "indirect", "kind": "factual"},
        })  # fmt: skip
        workbench.store.set_document_status(user, doc_id, "done")
    log_in(page, workbench.url, "rita")
    page.get_by_role("heading", name="Review").wait_for()
    page.get_by_test_id("stSidebar").get_by_text("Xi visits Russia").click()  # the document's display title
    claim_candidate = page.locator(f'[data-testid="suggestion"][data-start="{claim}"]').first
    claim_candidate.wait_for()
    claim_id = claim_candidate.get_attribute("data-suggestion-id")
    link = page.locator(f'[data-testid="link"][data-from="{claim_id}"]')
    link.wait_for(state="attached")  # the arrow from the claim to its speaker
    speaker_end = page.locator(f'[data-start="{xi}"][data-end="{xi + 2}"]').first
    assert speaker_end.get_attribute("data-suggestion-id") == link.get_attribute("data-to")
    speaker_end.hover()
    wait_until(lambda: "nsp-link-hot" in (link.get_attribute("class") or ""))
    claim_candidate.click()
    panel_value = page.get_by_test_id("span-panel").locator(
        '[data-attr="speaker"] [data-testid="attr-value"]'
    )
    wait_until(lambda: panel_value.inner_text() == "→ “Xi”")
    side = page.get_by_test_id("stText").filter(has_text="speaker")
    wait_until(lambda: "“Xi”" in side.first.inner_text())
    assert not any(s["id"] in side.first.inner_text() for s in workbench.store.annotations(CLI_USER, doc_id))
