"""The README tour's screenshots, taken from the running workbench: ``.venv/bin/python scripts/screenshots.py``.

It builds a throwaway project the way the browser tests do (the seed articles ingested, release v0.1.0 loaded
into a fresh SQLite store, annotators ana and ben, reviewer rita), gives it some work to show, starts the
workbench with the tests' ``StreamlitServer`` and drives Debian's chromium (``/usr/bin/chromium``, through
Playwright's ``executable_path``; Playwright's own browser download is never used):

* ``docs/images/annotate.png``: ana's queue (search, filters, pager), an article with her spans of every label,
  claims' arrows to their speakers and a selected claim's attribute panel;
* ``docs/images/review.png``: rita's review of a document ana and ben both marked done: the candidates, those
  still open drawn dashed, and the attributes the annotators disagree on.

The spans are the gold seed corpus's (``seeds/gold``), copied into each annotator's layer; ben's copy differs on
a few spans, which is what the review shows.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from corpus.scheme import default_labelset  # noqa: E402
from tests.browser_fixtures import CHROMIUM, CHROMIUM_ARGS, StreamlitServer  # noqa: E402
from tests.browser_helpers import log_in, wait_idle, wait_until  # noqa: E402

IMAGES = REPO_ROOT / "docs" / "images"
APP = REPO_ROOT / "workbench" / "server.py"
PASSWORD = "correct horse battery"
ANNOTATE_SOURCE = "000_46119d9713d60ee1"  # ana's article in the first screenshot
REVIEW_SOURCE = "002_12ea12832b4987f9"  # the article both annotators finished, for the review
SHOWN_UNTIL = 1500  # copy the spans of the first paragraphs only: what the screenshot shows
SELECTED_CLAIM = "g000-c1"  # “intercepted yet another Ukrainian drone ...”, its speaker: Russia
DISAGREEING_CLAIM = "g002-c1"  # factual in ana's copy (and gold), an opinion in ben's
VIEWPORT = {"width": 1440, "height": 900}


def gold_records(source_id: str) -> list[dict[str, Any]]:
    path = REPO_ROOT / "seeds" / "gold" / f"{source_id}.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [record for record in records if record["end"] <= SHOWN_UNTIL]


def as_annotator(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The gold records as ``name``'s own spans: ids prefixed with the name, links following them; spans that
    other spans link to come first, so every link's target is stored before it."""
    links = {label.name: set(label.links()) for label in default_labelset().labels}
    ids = {record["id"] for record in records}
    out = []
    for record in records:
        attributes = {
            key: f"{name}-{value}" if key in links.get(record["label"], ()) and value in ids else value
            for key, value in record["attributes"].items()
        }
        out.append(
            {
                "id": f"{name}-{record['id']}",
                "doc_id": record["doc_id"],
                "start": record["start"],
                "end": record["end"],
                "label": record["label"],
                "attributes": attributes,
            }
        )
    return sorted(out, key=lambda record: bool(links.get(record["label"])))


def bens_variant(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ben's copy: he typed two actors otherwise, called one claim an opinion and skipped one number."""
    changed, out = 0, []
    skipped_number = False
    for record in records:
        record = {**record, "attributes": dict(record["attributes"])}
        if record["label"] == "actor" and changed < 2 and record["attributes"].get("type") == "PER":
            record["attributes"]["type"] = "ORG"
            changed += 1
        elif record["label"] == "claim" and record["attributes"].get("kind") == "factual":
            record["attributes"]["kind"] = "opinion"
        elif record["label"] == "number" and not skipped_number:
            skipped_number = True
            continue
        out.append(record)
    return out


def build_project(home: Path, db_url: str) -> dict[str, str]:
    """The throwaway project and store; the doc_ids of the two articles shown."""
    from corpus.document_release import build_documents_release
    from corpus.ingest import ingest_paths
    from workbench.store import CLI_USER, open_store
    from workbench.store.engine import dispose_engine

    os.environ["NEWSSPAN_HOME"] = str(home)
    os.environ.pop("NEWSSPAN_RELEASES", None)
    report = ingest_paths([REPO_ROOT / "seeds"])
    build_documents_release("0.1.0")
    store = open_store(db_url)
    store.load_release(CLI_USER)
    users = {name: store.create_user(CLI_USER, name, "annotator", PASSWORD) for name in ("ana", "ben")}
    store.create_user(CLI_USER, "rita", "reviewer", PASSWORD)
    store.assign(CLI_USER, overlap=2, annotators=["ana", "ben"])
    doc_ids = {document["source_id"]: document["doc_id"] for document in report.ingested}
    for record in as_annotator(gold_records(ANNOTATE_SOURCE), "ana"):
        store.save_annotation(users["ana"], record)
    review = gold_records(REVIEW_SOURCE)
    for name, records in (
        ("ana", as_annotator(review, "ana")),
        ("ben", bens_variant(as_annotator(review, "ben"))),
    ):
        for record in records:
            store.save_annotation(users[name], record)
        store.set_document_status(users[name], doc_ids[REVIEW_SOURCE], "done")
    dispose_engine(db_url)
    return {"annotate": doc_ids[ANNOTATE_SOURCE], "review": doc_ids[REVIEW_SOURCE]}


def click_end(item: Any) -> None:
    """Click a span at the end of its last piece, where no span nested in it is (the innermost span under the
    pointer is the one selected)."""
    last = item.last
    last.scroll_into_view_if_needed()
    box = last.evaluate(
        "n => { const r = [...n.getClientRects()].pop(); return [r.right - 3, (r.top + r.bottom) / 2]; }"
    )
    last.page.mouse.click(*box)


def annotate_shot(page: Any, url: str, doc_id: str) -> None:
    log_in(page, url, "ana", PASSWORD)
    page.get_by_test_id("span-text").wait_for()
    page.locator(f".st-key-queue-doc-{doc_id} button").first.click()
    claim = page.locator(f'[data-testid="span"][data-span-id="ana-{SELECTED_CLAIM}"]')
    claim.first.wait_for()
    wait_idle(page)
    wait_until(lambda: page.get_by_test_id("link").count() > 0)
    click_end(claim)
    wait_until(lambda: page.get_by_test_id("span-selector").evaluate("r => r.dataset.selected") != "")
    page.get_by_test_id("stMain").evaluate("main => { main.scrollTop = 0; }")  # the heading and label bar too
    wait_idle(page)
    page.screenshot(path=str(IMAGES / "annotate.png"))


def review_shot(page: Any, url: str, doc_id: str) -> None:
    log_in(page, url, "rita", PASSWORD)
    page.get_by_role("heading", name="Review").wait_for()
    page.locator(f".st-key-review-list-doc-{doc_id} button").first.click()
    candidates = page.locator('[data-testid="suggestion"]')
    candidates.first.wait_for()
    wait_idle(page)
    start = next(r["start"] for r in gold_records(REVIEW_SOURCE) if r["id"] == DISAGREEING_CLAIM)
    click_end(page.locator(f'[data-testid="suggestion"][data-start="{start}"][data-label="claim"]'))
    page.get_by_text("Disagree on").first.wait_for()
    wait_idle(page)
    page.screenshot(path=str(IMAGES / "review.png"))


def main() -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        sys.exit(
            f"{CHROMIUM} is missing: run `apt-get install -y chromium` (Playwright's download is not used)"
        )
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsspan-screenshots-") as folder:
        home = Path(folder)
        db_url = f"sqlite:///{home}/data/newsspan.sqlite"
        doc_ids = build_project(home, db_url)
        server = StreamlitServer(
            APP, env={"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url}, log_dir=home
        )
        try:
            url = server.wait_healthy()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                for shot, doc_id in ((annotate_shot, doc_ids["annotate"]), (review_shot, doc_ids["review"])):
                    context = browser.new_context(viewport=VIEWPORT)
                    context.set_default_timeout(60_000)
                    shot(context.new_page(), url, doc_id)
                    context.close()
                browser.close()
        except Exception:
            print(server.logs(), file=sys.stderr)
            raise
        finally:
            server.stop()
    print(f"wrote {IMAGES / 'annotate.png'} and {IMAGES / 'review.png'}")


if __name__ == "__main__":
    main()
