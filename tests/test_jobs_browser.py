"""In real headless Chromium: an admin starts a suggest job on the Jobs page and sees it finish with its counts;
an annotator is not allowed on the page."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.browser_fixtures import SEEDED_PASSWORD, seeded_workbench
from tests.browser_helpers import log_in, wait_until
from workbench.store import open_store
from workbench.store.engine import dispose_engine

pytestmark = pytest.mark.browser

PASSWORD = SEEDED_PASSWORD


@pytest.fixture(scope="module")
def jobs_app(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with seeded_workbench(tmp_path_factory.mktemp("jobs")) as app:
        yield app


def test_an_admin_starts_a_suggest_job_and_sees_it_finish_with_its_counts(page, jobs_app) -> None:
    url, db_url = jobs_app
    log_in(page, url, "adam", PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Jobs").click()
    page.get_by_role("heading", name="Jobs", exact=True).wait_for()
    page.get_by_text("No jobs yet.").wait_for()
    page.get_by_role("button", name="Start release").click()  # no version: refused before anything starts
    page.get_by_text("New release version: required").wait_for()
    page.get_by_role("button", name="Start suggest").click()
    page.get_by_text("Started job 1 (Suggestions for a release).").wait_for()
    job = page.locator(".st-key-job-1")
    # the list follows the job by itself (no click, no reload) until it is done
    wait_until(lambda: "· done ·" in job.inner_text(timeout=1000), timeout=120)
    shown = job.get_by_test_id("stText").last.inner_text()
    result = json.loads(shown)
    store = open_store(db_url)
    admin = store.user("adam")
    stored = store.records(admin, layer="suggestion")
    assert result["release"] == "0.1.0" and result["documents"] == 5
    assert result["suggestions added"] == len(stored) > 100
    assert store.recent_jobs(admin)[0]["state"] == "done"
    # a second run finds everything suggested already
    page.get_by_role("button", name="Start suggest").click()
    second = page.locator(".st-key-job-2")
    wait_until(lambda: "· done ·" in second.inner_text(timeout=1000), timeout=120)
    assert '"skipped": 5' in second.inner_text()
    dispose_engine(db_url)


def test_an_annotator_is_not_allowed_on_the_jobs_page(page, jobs_app) -> None:
    url, _ = jobs_app
    log_in(page, url, "ana", PASSWORD)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").wait_for()
    page.goto(f"{url}/jobs")
    page.get_by_text("Not allowed: the Jobs page is for admins.").wait_for()
    assert page.get_by_role("button", name="Start suggest").count() == 0
    assert page.get_by_test_id("stSidebar").get_by_role("link", name="Jobs").count() == 0
