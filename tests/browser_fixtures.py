"""Fixtures for tests that drive a Streamlit app in real headless Chromium (Playwright, Debian chromium).

- ``chromium_path`` (session): ``/usr/bin/chromium``, installed with ``apt-get install -y chromium`` when
  missing (needs root, as on CI). Playwright's own browser download is never used.
- ``browser`` (session): a Playwright sync ``Browser`` on that executable, headless.
- ``page`` (function): a fresh context and page, closed after the test.
- ``streamlit_app`` (function): a factory ``streamlit_app(script, env=None, args=()) -> url`` that starts
  ``streamlit run`` on a free port, waits for ``/_stcore/health`` and stops the server after the test.

Helpers for tests: ``shadow_js`` (JavaScript that finds a component's element through shadow roots) and
``wait_for_script_idle(page)``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 90.0

StreamlitAppFactory = Callable[..., str]


def _install_chromium() -> None:
    if os.geteuid() != 0:
        pytest.fail(
            f"{CHROMIUM} is missing and the tests do not run as root: run `apt-get install -y chromium`"
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    if subprocess.run(cmd, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(cmd, env=env, check=True)


def ensure_chromium() -> str:
    """The Debian chromium executable, installed first when missing (usable outside pytest, e.g. bench)."""
    if not Path(CHROMIUM).exists():
        _install_chromium()
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is still missing after apt-get install chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return ensure_chromium()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


class StreamlitServer:
    """One ``streamlit run`` subprocess; ``url`` once healthy, ``logs()`` for its output."""

    def __init__(
        self,
        script: str | Path,
        env: Mapping[str, str] | None = None,
        args: Sequence[str] = (),
        log_dir: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log_dir = log_dir or Path(os.environ.get("TMPDIR", "/tmp"))
        self.log_path = log_dir / f"streamlit-{self.port}.log"
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), full_env.get("PYTHONPATH")]))
        full_env.update(env or {})
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(self.port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *args,
        ]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            cmd,
            cwd=str(REPO_ROOT),
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = STARTUP_TIMEOUT_S) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.logs()}")
            if _healthy(self.url):
                return self.url
            time.sleep(0.2)
        raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f} s:\n{self.logs()}")

    def logs(self, tail: int = 8000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-tail:]
        return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture
def streamlit_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitAppFactory]:
    """Factory: ``url = streamlit_app("path/to/app.py", env={"NEWSSPAN_HOME": ...})``.

    ``env`` is laid over the test process's environment (PYTHONPATH gets the repo root); ``args`` are
    extra ``streamlit run`` options. Every server started is stopped after the test; its output is
    printed at teardown (pytest shows it for failing tests).
    """
    servers: list[StreamlitServer] = []
    log_dir = tmp_path_factory.mktemp("streamlit-logs")

    def start(script: str | Path, env: Mapping[str, str] | None = None, args: Sequence[str] = ()) -> str:
        server = StreamlitServer(script, env=env, args=args, log_dir=log_dir)
        servers.append(server)
        return server.wait_healthy()

    try:
        yield start
    finally:
        for server in servers:
            server.stop()
            print(f"--- streamlit log {server.url} ---\n{server.logs()}")


# JavaScript helpers -------------------------------------------------------------------------------------

# Find the first element matching a CSS selector in the page or inside any open shadow root.
shadow_js = """
(selector) => {
  const seen = [document];
  while (seen.length) {
    const root = seen.shift();
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) seen.push(el.shadowRoot);
  }
  return null;
}
"""


def wait_for_script_idle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has no script run in progress (the status widget shows no "Running")."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout,
    )


__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "StreamlitServer",
    "ensure_chromium",
    "free_port",
    "shadow_js",
    "wait_for_script_idle",
]


SEEDED_PASSWORD = "correct horse battery"


@contextlib.contextmanager
def seeded_workbench(home: Path, prepare: Callable[..., None] | None = None) -> Iterator[tuple[str, str]]:
    """The workbench over the five seed articles in the project folder ``home``: release 0.1.0 built and
    loaded, ``adam`` (admin) and ``ana`` (annotator) with ``SEEDED_PASSWORD``; ``prepare(store, home)`` adds
    what a test needs before the server starts. Yields (url, database url)."""
    from corpus.document_release import build_documents_release
    from corpus.ingest import ingest_paths
    from tests.project_fixtures import SEEDS
    from workbench.store import CLI_USER, open_store
    from workbench.store.engine import dispose_engine

    db_url = f"sqlite:///{home}/data/newsspan.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSSPAN_HOME", str(home))
        patch.delenv("NEWSSPAN_RELEASES", raising=False)
        patch.delenv("NEWSSPAN_MODELS", raising=False)
        ingest_paths([SEEDS])
        build_documents_release("0.1.0")
        store = open_store(db_url)
        store.load_release(CLI_USER)
        store.create_user(CLI_USER, "adam", "admin", SEEDED_PASSWORD)
        store.create_user(CLI_USER, "ana", "annotator", SEEDED_PASSWORD)
        if prepare is not None:
            prepare(store, home)
        dispose_engine(db_url)
    app = REPO_ROOT / "workbench" / "server.py"
    server = StreamlitServer(app, env={"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url}, log_dir=home)
    try:
        yield server.wait_healthy(), db_url
    finally:
        server.stop()
        print(server.logs())
