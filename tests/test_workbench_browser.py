"""The workbench as an annotator uses it, in real headless Chromium: log in, tag spans, attributes, undo."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.document_release import build_documents_release
from corpus.ingest import ingest_paths
from tests import browser_helpers
from tests.browser_fixtures import REPO_ROOT, StreamlitServer, shadow_js
from tests.browser_helpers import drag_select, wait_until
from tests.project_fixtures import SEEDS
from workbench.store import CLI_USER, open_store

pytestmark = pytest.mark.browser

APP = REPO_ROOT / "workbench" / "app.py"
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
    page.get_by_test_id("stSidebar").get_by_text(source_id).click()
    opening = workbench.text(source_id)[:40]
    texts = page.get_by_test_id("span-text")
    wait_until(lambda: texts.count() == 1 and texts.inner_text(timeout=1000).startswith(opening))


def span_ids(page) -> set[str]:
    return set(page.get_by_test_id("span").evaluate_all("els => els.map((e) => e.dataset.spanId)"))


def tag(page, text: str, phrase: str, key: str, workbench: Workbench, annotator: str, source_id: str,
        occurrence: int = 0) -> dict:  # fmt: skip
    """Drag over a phrase, press a label key, wait for the store to hold the new span; return it."""
    before = {s["id"] for s in workbench.spans(annotator, source_id)}
    drag_select(page, text, phrase, occurrence)
    page.keyboard.press(key)
    new = wait_until(lambda: [s for s in workbench.spans(annotator, source_id) if s["id"] not in before])
    (span,) = new
    wait_until(lambda: span["id"] in span_ids(page))
    return span


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
    claim = tag(page, text, "terrorist acts", "c", **tagger)
    choose(page, "Speaker", f"“The Kremlin” @{kremlin['start']}")
    choose(page, "Attribution", "direct quote")
    choose(page, "Kind", "opinion")
    page.get_by_role("button", name="Save attributes").click()
    saved = wait_until(lambda: next(s for s in workbench.spans("ana", SEED_000) if s["id"] == claim["id"])
                       ["attributes"].get("speaker"))  # fmt: skip
    assert saved == kremlin["id"]

    number = tag(page, text, "three hours", "3", **tagger)
    page.get_by_role("spinbutton", name="Value").fill("3")
    choose(page, "Kind", "duration")
    choose(page, "Bound", "less than")
    page.get_by_role("button", name="Save attributes").click()
    stored = wait_until(lambda: (s := next(s for s in workbench.spans("ana", SEED_000) if s["id"] == number["id"]))
                        ["version"] == 2 and s)  # fmt: skip
    assert stored["attributes"]["value"] == 3 and stored["attributes"]["bound"] == "less than"

    mine = {s["id"] for s in workbench.spans("ana", SEED_000)}
    assert len(mine) == 6
    page.reload()
    log_in(page, workbench.url, "ana")
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
    choose(page, "Type", "GPE")
    choose(page, "Mention", "name")
    page.get_by_role("button", name="Save attributes").click()
    page.get_by_text("Attributes saved.").wait_for()
    page.get_by_test_id("span-selector").focus()
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
    page.locator(f'[data-suggestion-id="{putin["id"]}"]').first.click()
    page.keyboard.press("y")
    accepted = wait_until(
        lambda: [s for s in workbench.spans("ana", source_id) if s["span_text"] == "Vladimir Putin"]
    )
    assert accepted[0]["attributes"]["entity_id"] == ["vladimir_putin"]
    page.locator(f'[data-suggestion-id="{beijing["id"]}"]').first.click()
    page.keyboard.press("x")
    wait_until(lambda: page.locator(f'[data-suggestion-id="{beijing["id"]}"]').count() == 0)
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
    page.get_by_test_id("stSidebar").get_by_text(source_id).click()
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
