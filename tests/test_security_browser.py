"""The workbench in front of strangers, in real headless Chromium: log-in walls every page, roles are enforced,
sessions survive a reload and end on log-out or when the user is disabled, admins manage accounts, article and
label-set text stays literal and loads nothing, and an unexpected error shows one line."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from corpus.document_release import build_documents_release
from corpus.ingest import ingest_paths
from tests import browser_helpers
from tests.browser_fixtures import REPO_ROOT, StreamlitServer, wait_for_script_idle
from tests.browser_helpers import click_phrase, wait_until
from tests.project_fixtures import SEEDS
from workbench.session_cookie import COOKIE
from workbench.store import CLI_USER, open_store

pytestmark = pytest.mark.browser

APP = REPO_ROOT / "workbench" / "server.py"
PASSWORD = "correct horse battery"
PAGE_PATHS = ("", "annotate", "review", "agreement", "gold", "progress", "users", "account", "no-such-page")
SLOW = 60_000  # ms: two shared cores, several servers


class Beacon:
    """A local HTTP server that counts every request: text that loads an image or a link would hit it."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Project:
    def __init__(self, home: Path, url: str, evil: dict, beacon: Beacon) -> None:
        self.home = home
        self.url = url
        self.evil = evil
        self.beacon = beacon
        self.store = open_store(f"sqlite:///{home}/data/newsspan.sqlite")


def _evil_texts(beacon: str) -> dict[str, str]:
    return {
        # at most 100 characters: longer display titles are cut (corpus.documents.display_title)
        "title": f"Zqx ![b]({beacon}/t.png) <img src={beacon}/h.png> **b** :red[x]",
        "source": f"Wire ![src]({beacon}/source.png) <img src='{beacon}/source-html.png'> _it_",
        "label_title": f"Framing ![lab]({beacon}/label.png) <b>bold</b><img src={beacon}/label-html.png>",
        "attribute_title": f"Frame ![attr]({beacon}/attribute.png) <i>x</i>",
        "text": "The council met on Monday. The mayor framed the vote as a historic victory for the city.",
    }


def _project_labelset(home: Path, evil: dict[str, str]) -> None:
    data = json.loads((REPO_ROOT / "schema" / "labelset.json").read_text(encoding="utf-8"))
    framing = next(label for label in data["labels"] if label["name"] == "framing")
    framing["title"] = evil["label_title"]
    framing["attributes"]["frame"]["title"] = evil["attribute_title"]
    framing["attributes"]["frame"]["description"] = f"See ![d]({evil['beacon']}/description.png)"
    (home / "labelset.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def secured(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    beacon = Beacon()
    home = tmp_path_factory.mktemp("secured")
    evil = {**_evil_texts(beacon.url), "beacon": beacon.url}
    feed = home / "feed.jsonl"
    row = {"id": "evil", "title": evil["title"], "source": evil["source"], "text": evil["text"]}
    feed.write_text(json.dumps(row) + "\n", encoding="utf-8")
    _project_labelset(home, evil)
    db_url = f"sqlite:///{home}/data/newsspan.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSSPAN_HOME", str(home))
        patch.delenv("NEWSSPAN_RELEASES", raising=False)
        patch.delenv("NEWSSPAN_LABELSET", raising=False)
        report = ingest_paths([SEEDS, feed])
        build_documents_release("0.1.0")
        store = open_store(db_url)
        store.load_release(CLI_USER)
        users = {
            name: store.create_user(CLI_USER, name, role, PASSWORD)
            for name, role in (
                ("ana", "annotator"),
                ("ben", "annotator"),
                ("dora", "annotator"),
                ("rita", "reviewer"),
                ("root", "admin"),
            )
        }
        store.assign(CLI_USER, overlap=2, annotators=["ana", "ben"])
        evil["doc_id"] = next(d["doc_id"] for d in report.ingested if d["source_id"] == "evil")
        start = evil["text"].index("framed the vote")
        store.save_annotation(
            users["ana"],
            {
                "doc_id": evil["doc_id"],
                "start": start,
                "end": start + len("framed the vote"),
                "label": "framing",
            },
        )
    server = StreamlitServer(APP, env={"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url}, log_dir=home)
    try:
        yield Project(home, server.wait_healthy(), evil, beacon)
    finally:
        server.stop()
        beacon.close()
        print(server.logs())


def log_in(page, url: str, name: str) -> None:
    """Log in and wait until the browser holds the session cookie and the app is idle again (handing the
    cookie over ends with one more script run)."""
    browser_helpers.log_in(page, url, name, PASSWORD)
    page.get_by_test_id("stSidebar").get_by_text(f"{name} · ").wait_for(timeout=SLOW)
    wait_until(lambda: session_cookie(page), timeout=SLOW / 1000)
    wait_for_script_idle(page, timeout=SLOW)


def pick(page, form, option: str) -> None:
    """Choose ``option`` in the select box of ``form`` (again if a script run closed the list meanwhile)."""

    def attempt() -> bool:
        form.get_by_role("button", name="Open").click(timeout=5_000)
        page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
        return True

    wait_until(attempt, timeout=SLOW / 1000)


def session_cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE), None)


def main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def all_text(page) -> str:
    """The page's visible text, shadow roots included, whitespace collapsed and word joiners dropped."""
    text = page.evaluate(
        """() => {
          const parts = [document.body.innerText];
          const roots = [document];
          while (roots.length) {
            const root = roots.shift();
            for (const el of root.querySelectorAll('*')) {
              if (el.shadowRoot) { roots.push(el.shadowRoot); parts.push(el.shadowRoot.textContent); }
            }
          }
          return parts.join(' ');
        }"""
    )
    return " ".join(text.replace("\u2060", "").split())


def test_anonymous_requests_for_every_page_url_show_only_the_log_in_form(browser, secured) -> None:
    # First requests of a fresh server process, before anyone logged in (where pages/ used to be served).
    for path in PAGE_PATHS:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{secured.url}/{path}")
            page.get_by_role("button", name="Log in").wait_for(timeout=SLOW)
            page.get_by_label("User name").wait_for(timeout=SLOW)
            wait_for_script_idle(page, timeout=SLOW)
            text = main_text(page)
            assert "User name" in text and "Password" in text, (path, text)
            for leak in ("Traceback", "Error", "Progress", "Xi Jinping", "Zqx", "ana", "rita", "Not allowed"):
                assert leak not in text, (path, leak)
            assert page.get_by_test_id("stSidebar").count() == 0, path
            assert page.get_by_test_id("stException").count() == 0, path
            for element in ("stDataFrame", "stMetric", "stVegaLiteChart", "span-text"):
                assert page.get_by_test_id(element).count() == 0, (path, element)
        finally:
            context.close()


def test_an_annotator_opening_reviewer_and_admin_pages_is_refused(page, secured) -> None:
    log_in(page, f"{secured.url}/review", "ana")
    refusal = page.get_by_text("Not allowed: the Review page is for reviewers and admins.")
    refusal.wait_for(timeout=SLOW)
    assert page.get_by_text("Documents in review").count() == 0
    for path, title in (("agreement", "Agreement"), ("gold", "Gold corpus"), ("users", "Users")):
        page.goto(f"{secured.url}/{path}")
        page.get_by_text(f"Not allowed: the {title} page is for").wait_for(timeout=SLOW)
        wait_for_script_idle(page, timeout=SLOW)
        assert (
            page.get_by_test_id("stDataFrame").count() == 0 and page.get_by_test_id("stMetric").count() == 0
        )
    links = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink").all_inner_texts()
    assert [link.split()[-1] for link in links] == ["Annotate", "Reviewed", "Progress", "Account"]
    page.goto(f"{secured.url}/progress")  # an allowed page still works
    page.get_by_text("Documents per annotator").wait_for(timeout=SLOW)


def test_a_reviewer_reviews_but_does_not_annotate(page, secured) -> None:
    log_in(page, f"{secured.url}/annotate", "rita")
    page.get_by_text("Not allowed: the Annotate page is for annotators and admins.").wait_for(timeout=SLOW)
    page.goto(f"{secured.url}/review")
    page.get_by_text("No document is in review yet").wait_for(timeout=SLOW)


def test_a_reload_keeps_the_session_and_log_out_ends_it(page, secured) -> None:
    log_in(page, f"{secured.url}/progress", "ana")
    page.get_by_text("Documents per annotator").wait_for(timeout=SLOW)
    cookie = wait_until(lambda: session_cookie(page), timeout=SLOW / 1000)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert COOKIE not in page.evaluate("document.cookie")  # scripts cannot read it
    page.reload()
    page.get_by_text("Documents per annotator").wait_for(timeout=SLOW)
    page.get_by_test_id("stSidebar").get_by_text("ana · annotator").wait_for(timeout=SLOW)
    assert page.get_by_role("button", name="Log in").count() == 0
    page.goto(f"{secured.url}/annotate")  # a new page load: still logged in
    page.get_by_test_id("stSidebar").get_by_text("Your queue").wait_for(timeout=SLOW)

    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for(timeout=SLOW)
    page.get_by_text("You are logged out.").wait_for(timeout=SLOW)
    wait_until(lambda: session_cookie(page) is None, timeout=SLOW / 1000)
    page.reload()
    page.get_by_role("button", name="Log in").wait_for(timeout=SLOW)
    wait_for_script_idle(page, timeout=SLOW)
    assert page.get_by_test_id("stSidebar").count() == 0


def test_a_stolen_cookie_of_an_ended_session_opens_nothing(browser, page, secured) -> None:
    log_in(page, f"{secured.url}/progress", "ben")
    cookie = wait_until(lambda: session_cookie(page), timeout=SLOW / 1000)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for(timeout=SLOW)
    thief = browser.new_context()
    try:
        thief.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
        stolen = thief.new_page()
        stolen.goto(f"{secured.url}/progress")
        stolen.get_by_role("button", name="Log in").wait_for(timeout=SLOW)
        wait_for_script_idle(stolen, timeout=SLOW)
        assert "Documents per annotator" not in main_text(stolen)
    finally:
        thief.close()


def test_a_disabled_user_is_logged_out_at_the_next_interaction(page, secured) -> None:
    log_in(page, f"{secured.url}/progress", "dora")
    wait_until(lambda: session_cookie(page), timeout=SLOW / 1000)
    wait_for_script_idle(page, timeout=SLOW)
    secured.store.set_active(CLI_USER, "dora", False)
    try:
        page.get_by_test_id("stSidebar").get_by_test_id("stPageLink").filter(has_text="Account").click()
        page.get_by_role("button", name="Log in").wait_for(timeout=SLOW)
        page.get_by_text("Your session has ended").wait_for(timeout=SLOW)
        assert (
            page.get_by_test_id("stSidebar").count() == 0
            or "dora" not in page.get_by_test_id("stSidebar").inner_text()
        )
        page.reload()  # the cookie no longer opens anything either
        page.get_by_role("button", name="Log in").wait_for(timeout=SLOW)
        browser_helpers.log_in(page, secured.url, "dora", PASSWORD)
        page.get_by_text("Unknown user name or wrong password.").wait_for(timeout=SLOW)
    finally:
        secured.store.set_active(CLI_USER, "dora", True)


def test_an_admin_manages_accounts_in_the_browser(page, secured) -> None:
    log_in(page, f"{secured.url}/users", "root")
    page.get_by_test_id("stHeading").filter(has_text="Users").wait_for(timeout=SLOW)
    table = page.get_by_test_id("stDataFrame")
    table.wait_for(timeout=SLOW)
    add = page.get_by_test_id("stForm").filter(has_text="Add a user")
    add.get_by_label("User name").fill("eve")
    add.get_by_label("Password (at least 12 characters, not a common one)").fill("password1234")
    add.get_by_role("button", name="Add user").click()
    page.get_by_text("the password is too common or too easy to guess").wait_for(timeout=SLOW)
    assert secured.store.user("eve") is None
    add.get_by_label("User name").fill("eve")
    add.get_by_label("Password (at least 12 characters, not a common one)").fill("plum ladder orbit")
    add.get_by_role("button", name="Add user").click()
    page.get_by_text("Added annotator eve.").wait_for(timeout=SLOW)
    assert secured.store.authenticate("eve", "plum ladder orbit").role == "annotator"

    active = page.get_by_test_id("stForm").filter(has_text="Disable or enable")
    pick(page, active, "eve")
    active.get_by_role("button", name="Disable").click()
    page.get_by_text("eve disabled; sessions ended.").wait_for(timeout=SLOW)
    assert secured.store.authenticate("eve", "plum ladder orbit") is None
    active = page.get_by_test_id("stForm").filter(has_text="Disable or enable")
    pick(page, active, "root")
    active.get_by_role("button", name="Disable").click()
    page.get_by_text("you cannot disable your own account").wait_for(timeout=SLOW)


def test_markdown_and_html_in_title_source_and_label_titles_stay_literal_and_load_nothing(
    page, secured
) -> None:
    evil = secured.evil
    log_in(page, f"{secured.url}/annotate", "ana")
    heading = page.get_by_test_id("stHeading").filter(has_text="Zqx")

    def opened() -> bool:
        if not heading.count():
            page.get_by_test_id("stSidebar").get_by_text("Zqx").click(timeout=5_000)
        return heading.inner_text(timeout=5_000).replace("\u2060", "").strip() == evil["title"]

    wait_until(opened, timeout=SLOW / 1000)
    assert evil["source"] in all_text(page)
    texts = page.get_by_test_id("span-text")
    wait_until(lambda: texts.count() == 1 and texts.inner_text().startswith("The council met"), SLOW / 1000)
    click_phrase(page, evil["text"], "framed the vote")  # its label's title and attributes are shown
    for literal in (evil["label_title"], evil["attribute_title"]):
        wait_until(lambda literal=literal: literal in all_text(page), SLOW / 1000)
    wait_for_script_idle(page, timeout=SLOW)
    page.wait_for_load_state("networkidle")
    sources = page.evaluate(
        """() => {
          const found = [];
          const roots = [document];
          while (roots.length) {
            const root = roots.shift();
            for (const el of root.querySelectorAll('img, a, iframe, b, i, strong, em')) {
              found.push(el.tagName + ' ' + (el.getAttribute('src') || el.getAttribute('href') || el.textContent));
            }
            for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
          }
          return found;
        }"""
    )
    assert not [s for s in sources if secured.beacon.url in s or "127.0.0.1:" in s], sources
    assert not [s for s in sources if s in ("B bold", "I x", "EM it", "STRONG bold")], sources
    assert secured.beacon.hits == []


def test_an_unexpected_error_shows_one_line_and_is_logged_on_the_server(page, tmp_path) -> None:
    server = StreamlitServer(REPO_ROOT / "tests" / "apps" / "crash_server.py", log_dir=tmp_path)
    try:
        page.goto(server.wait_healthy())
        page.get_by_text("crash app ready").wait_for(timeout=SLOW)
        page.get_by_role("button", name="Break").click()
        message = page.get_by_text("Something went wrong on the server (reference ")
        message.wait_for(timeout=SLOW)
        text = main_text(page)
        assert "RuntimeError" not in text and "/srv/newsspan" not in text and "Traceback" not in text
        assert page.get_by_test_id("stException").count() == 0
        reference = message.inner_text().split("(reference ")[1].split(")")[0]
        logs = wait_until(
            lambda: (lambda log: reference in log and "RuntimeError" in log and log)(server.logs())
        )
        assert "Traceback" in logs and "/srv/newsspan/private" in logs  # the details stay on the server
    finally:
        server.stop()


def test_the_shipped_config_hides_error_details() -> None:
    import tomllib

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert not (REPO_ROOT / "workbench" / "pages").exists()  # Streamlit would serve such a folder by itself
