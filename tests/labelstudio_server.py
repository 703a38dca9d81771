"""A real Label Studio server for tests, from the optional venv ``make labelstudio`` makes (.venv-labelstudio).

``LabelStudio`` starts ``label-studio start`` on a free port of 127.0.0.1 with a throwaway data folder, an admin
user and a legacy API token (the start flags of shared/design/field-notes.md), waits for ``/health``, talks to its
REST API with the standard library, and stops the server (its process group) on exit. ``draw`` marks spans in
Label Studio's own labeling page in headless Chromium (Playwright), the way an annotator does, so a test sees the
offsets Label Studio itself writes.

``python -m tests.labelstudio_server`` writes the fixture files of tests/fixtures/labelstudio/ from a running
server (see :func:`write_fixtures`).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV = REPO_ROOT / ".venv-labelstudio"
EXECUTABLE = VENV / "bin" / "label-studio"
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "labelstudio"
EMAIL = "admin@newsspan.dev"  # its login form refuses a one-letter top-level domain
PASSWORD = "newsspan-test-password"
TOKEN = "0123456789abcdef0123456789abcdef01234567"
START_TIMEOUT = 240.0  # the first start migrates a new SQLite database: about 30 s here


def missing_reason() -> str | None:
    """Why a live Label Studio test cannot run here, or None when it can."""
    if not EXECUTABLE.exists():
        return f"Label Studio is not installed ({EXECUTABLE} is missing): run `make labelstudio` to set it up"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LabelStudioError(RuntimeError):
    """Label Studio answered an API call with an error status."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:2000]}")
        self.status = status
        self.body = body


class LabelStudio:
    """A Label Studio server of its own (use as a context manager)."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self._tmp = None if data_dir else tempfile.TemporaryDirectory(prefix="newsspan-ls-")
        self.data_dir = data_dir or Path(self._tmp.name)  # type: ignore[union-attr]
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.data_dir / "label-studio.log"
        self.started_in = 0.0

    def __enter__(self) -> LabelStudio:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        command = [
            str(EXECUTABLE), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(self.port),
            "--data-dir", str(self.data_dir), "--username", EMAIL, "--password", PASSWORD,
            "--user-token", TOKEN, "--enable-legacy-api-token", "--log-level", "WARNING",
        ]  # fmt: skip
        env = {
            **os.environ,
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.data_dir),
            "LATEST_VERSION_CHECK": "false",
            "COLLECT_ANALYTICS": "false",
        }
        began = time.monotonic()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        while time.monotonic() - began < START_TIMEOUT:
            if self.process.poll() is not None:
                raise RuntimeError(f"Label Studio exited with {self.process.returncode}: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=5) as answer:
                    if answer.status == 200 and self._token_works():
                        self.started_in = time.monotonic() - began
                        return
            except OSError:
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"Label Studio did not answer within {START_TIMEOUT:.0f} s: {self.log_tail()}")

    def _token_works(self) -> bool:
        try:
            self.api("GET", "/api/projects")
        except (LabelStudioError, OSError):
            return False
        return True

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        """Stop the server and everything it started (its own process group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    # -- the REST API ---------------------------------------------------------------------------------------

    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as error:
            raise LabelStudioError(error.code, error.read().decode("utf-8", "replace")) from None
        return json.loads(raw) if raw else None

    def create_project(self, title: str, label_config: str) -> int:
        return int(self.api("POST", "/api/projects", {"title": title, "label_config": label_config})["id"])

    def import_tasks(self, project: int, tasks: list[dict[str, Any]]) -> dict[str, Any]:
        """``POST /api/projects/<id>/import`` (synchronous for a JSON body); its answer counts what it took."""
        answer: dict[str, Any] = self.api("POST", f"/api/projects/{project}/import", tasks)
        return answer

    def export(self, project: int) -> list[dict[str, Any]]:
        """Every task of the project in Label Studio's JSON export format, annotated or not."""
        tasks: list[dict[str, Any]] = self.api(
            "GET", f"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true"
        )
        return tasks

    def task_ids(self, project: int) -> list[int]:
        answer = self.api("GET", f"/api/tasks?project={project}&page_size=1000")
        return sorted(int(task["id"]) for task in answer["tasks"])

    # -- the labeling page ----------------------------------------------------------------------------------

    def draw(self, browser: Any, project: int, task: int, spans: list[tuple[str, str]]) -> None:
        """Mark ``spans`` ((label, text): the first occurrence of the text) in the task on Label Studio's own
        labeling page, as an annotator does (pick the label, drag over the text), then submit."""
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.goto(f"{self.url}/user/login/")
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_load_state("networkidle")
            page.goto(f"{self.url}/projects/{project}/data?task={task}")
            page.locator(".lsf-htx-richtext").first.wait_for(timeout=60_000)
            for label, text in spans:
                page.locator(".lsf-label", has_text=label).first.click()
                _drag_over(page, text)
                page.wait_for_timeout(500)
            page.get_by_role("button", name="Submit").click()
            page.wait_for_timeout(1500)
        finally:
            page.close()


_TEXT_RECT = """(needle) => {
  const root = document.querySelector('.lsf-htx-richtext');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(needle);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      const box = range.getBoundingClientRect();
      return [box.left, box.top, box.right, box.bottom];
    }
  }
  return null;
}"""


def _drag_over(page: Any, text: str) -> None:
    """Select ``text`` in the task's text with the mouse, left to right."""
    box = page.evaluate(_TEXT_RECT, text)
    if box is None:
        raise AssertionError(f"{text!r} is not in the labeling page's text")
    left, top, right, bottom = box
    middle = (top + bottom) / 2
    page.mouse.move(left + 1, middle)
    page.mouse.down()
    page.mouse.move((left + right) / 2, middle, steps=5)
    page.mouse.move(right - 1, middle, steps=5)
    page.mouse.up()


# -- fixture files ------------------------------------------------------------------------------------------

LABELSET = REPO_ROOT / "tests" / "fixtures" / "labelsets" / "dataset-names.labelset.json"
FIXTURE_TEXT = "Xi 😀 met Putin 👩‍👩‍👧 in Moscow 🇷🇺 and said: “the drones fell”, a fear 😱 of war."
EMPTY_TEXT = "Nothing was marked here 🙂."
# marked by hand; not the labels the records give these words (the store refuses a second same span)
DRAWN = [("Cause-Effect", "Putin"), ("PER", "Moscow"), ("Appeal to fear", "the drones fell")]


def fixture_documents() -> dict[str, dict[str, Any]]:
    """The two documents of the fixtures: one with emoji and spans, one without spans."""
    from corpus.text import sha256_text

    documents = {}
    for source_id, text in (("fear", FIXTURE_TEXT), ("empty", EMPTY_TEXT)):
        sha = sha256_text(text)
        documents[sha[:16]] = {"doc_id": sha[:16], "source_id": source_id, "title": None, "text": text}
        documents[sha[:16]]["text_sha256"] = sha
    return documents


def fixture_records() -> list[dict[str, Any]]:
    """Records of two annotators on the emoji document with every label-name shape, the attribute types and
    a speaker link and an ``about`` link (what newsspan exported into Label Studio)."""
    document = next(iter(fixture_documents().values()))
    text = document["text"]

    def span(id_: str, phrase: str, label: str, annotator: str = "ana", **extra: Any) -> dict[str, Any]:
        start = text.index(phrase)
        record = {"id": id_, "doc_id": document["doc_id"], "start": start, "end": start + len(phrase)}
        record.update(span_text=phrase, label=label, attributes=extra.pop("attributes", {}))
        return {**record, "annotator": annotator, **extra}

    return [
        span("xi", "Xi", "PER"),
        span("putin", "Putin", "PER"),
        span("moscow", "Moscow", "B-Loc"),
        span("flag", "🇷🇺", "Cause-Effect"),
        span(
            "said",
            "the drones fell",
            "Claim,Opinion",
            attributes={"speaker": "putin", "check_worthy": True, "cue": "said: [x]", "score": 0.5},
            links=[{"role": "about", "target": "moscow"}],
        ),
        span("quote", "“the drones fell”", "Äußerung [zitiert]"),
        span("fear", "a fear 😱 of war", "Appeal to fear", attributes={"intensity": "high"}),
        span("ben1", "Moscow 🇷🇺", "B-Loc", annotator="ben"),
    ]


def utf16_variant(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same export with every span's offsets in UTF-16 code units, as Label Studio before 1.23 wrote them."""
    from corpus.offsets import codepoints_to_utf16

    converted = json.loads(json.dumps(tasks))
    for task in converted:
        text = task["data"]["text"]
        for annotation in task.get("annotations") or []:
            for result in annotation.get("result") or []:
                value = result.get("value") or {}
                if "start" in value and "end" in value:
                    value["start"], value["end"] = codepoints_to_utf16(text, [value["start"], value["end"]])
    return converted


def write_fixtures() -> None:
    """Write tests/fixtures/labelstudio/ from a real server: ``newsspan-export.json`` (newsspan's export of
    :func:`fixture_records`) and ``label_config.xml`` go into one project; the emoji text goes into another
    where :data:`DRAWN` is marked by hand on Label Studio's page. ``ls-1.23-export.json`` is Label Studio's
    JSON export of both projects (code points), ``ls-utf16-export.json`` the same with UTF-16 offsets (what
    versions before 1.23 wrote: the only difference)."""
    from playwright.sync_api import sync_playwright

    from corpus.formats.annotation_files import export_files
    from corpus.scheme import load_labelset

    labelset = load_labelset(LABELSET)
    documents = fixture_documents()
    files = export_files(fixture_records(), "labelstudio", "newsspan-export.json", documents, labelset)
    tasks = json.loads(files["newsspan-export.json"])
    drawn_doc = next(iter(documents.values()))
    with LabelStudio() as server, sync_playwright() as playwright:
        project = server.create_project("newsspan export", files["label_config.xml"])
        server.import_tasks(project, tasks)
        drawn = server.create_project("drawn by hand", files["label_config.xml"])
        data = {key: drawn_doc[key] for key in ("text", "doc_id", "source_id")}
        server.import_tasks(drawn, [{"data": data}])
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        try:
            server.draw(browser, drawn, server.task_ids(drawn)[0], DRAWN)
        finally:
            browser.close()
        exported = server.export(project) + server.export(drawn)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    written = {
        **files,
        "ls-1.23-export.json": json.dumps(exported, ensure_ascii=False, indent=1) + "\n",
        "ls-utf16-export.json": json.dumps(utf16_variant(exported), ensure_ascii=False, indent=1) + "\n",
    }
    for name, text in written.items():
        (FIXTURES / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_fixtures()
