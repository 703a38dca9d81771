"""One agreement rule, three readers: on the same store, ``newsspan agreement --json``, an annotated release's
manifest and card, and the Agreement page (in real Chromium, for a reviewer and for an admin) show the same figures.

The store holds what would make careless readers differ: a document in review with boundary and attribute
disagreements, one whose first annotator marked it done without any span, one still in annotation (left out),
and a machine suggestion (never counted).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.agreement_inputs import format_figure
from corpus.document_release import build_documents_release
from corpus.ingest import ingest_paths
from tests.browser_fixtures import REPO_ROOT, StreamlitServer
from tests.browser_helpers import log_in, metric_value
from tests.project_fixtures import SEEDS
from tests.store_fixtures import ACTOR, span
from workbench.cli import app
from workbench.store import CLI_USER, open_store

pytestmark = pytest.mark.browser

APP = REPO_ROOT / "workbench" / "server.py"  # the launcher: app.py with the session cookie routes
PASSWORD = "correct horse battery"
GPE = {"type": "GPE", "mention": "name"}
ORG = {"type": "ORG", "mention": "name"}


@dataclass
class World:
    env: dict[str, str]
    url: str


def _annotate(store, documents: dict[str, dict]) -> None:
    """Disagreements in review, an empty done, a document still in annotation, a suggestion."""
    disputed, empty, unfinished = (documents[key] for key in ("000", "001", "002"))
    ana, ben = store.user("ana"), store.user("ben")
    for phrase, attributes in (("Xi Jinping", ACTOR), ("Vladimir Putin", ACTOR), ("Moscow", GPE)):
        store.save_annotation(ana, span(disputed, phrase, "actor", attributes))
    for phrase, attributes in (("Xi Jinping", ACTOR), ("Putin", ACTOR), ("Moscow", ORG), ("Kyiv", GPE)):
        store.save_annotation(ben, span(disputed, phrase, "actor", attributes))
    store.save_annotation(ben, span(empty, "Xi Jinping", "actor", ACTOR))
    for user in (ana, ben):
        store.save_annotation(user, span(unfinished, "Xi Jinping", "actor", ACTOR))
    store.save_suggestions(CLI_USER, [span(disputed, "Beijing", "actor", GPE)], suggested_by="actors")
    for user in (ana, ben):
        store.set_document_status(user, disputed["doc_id"], "done")
        store.set_document_status(user, empty["doc_id"], "done")
    store.set_document_status(ana, unfinished["doc_id"], "done")


@pytest.fixture(scope="module")
def world(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("agreement")
    db_url = f"sqlite:///{home}/data/newsspan.sqlite"
    env = {"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": db_url, "HF_HUB_OFFLINE": "1"}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        patch.delenv("NEWSSPAN_RELEASES", raising=False)
        report = ingest_paths([SEEDS])
        build_documents_release("0.1.0")
        store = open_store(db_url)
        store.load_release(CLI_USER)
        for name, role in (
            ("ana", "annotator"),
            ("ben", "annotator"),
            ("rita", "reviewer"),
            ("root", "admin"),
        ):
            store.create_user(CLI_USER, name, role, PASSWORD)
        store.assign(CLI_USER, overlap=2, annotators=["ana", "ben"])
        _annotate(store, {d["source_id"][:3]: d for d in report.ingested})
    server = StreamlitServer(APP, env=env, log_dir=home)
    try:
        yield World(env, server.wait_healthy())
    finally:
        server.stop()
        print(server.logs())


def _cli(world: World, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=world.env)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def _page_figures(page, world: World, name: str) -> dict[str, str]:
    log_in(page, world.url, name, PASSWORD)
    page.get_by_role("button", name="Log out").wait_for()  # logged in: the pages of the role are listed
    page.get_by_role("link", name="Agreement").click()
    page.get_by_role("heading", name="Agreement").wait_for()
    labels = ("Documents", "Strict F1", "Partial F1", "Krippendorff's α")
    return {label: metric_value(page, label) for label in labels}


def _all_row(card: str) -> list[str]:
    (row,) = [line for line in card.splitlines() if line.startswith("| **all** |")]
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_cli_release_card_and_agreement_page_show_the_same_figures(browser, world: World) -> None:
    figures = json.loads(_cli(world, "agreement", "--json"))
    overall = figures["overall"]
    assert figures["documents"] == 2 and figures["annotators"] == ["ana", "ben"]
    assert 0 < overall["strict"]["f1"] < overall["partial"]["f1"] < 1  # a boundary disagreement
    expected = {
        "Documents": str(figures["documents"]),
        "Strict F1": format_figure(overall["strict"]["f1"]),
        "Partial F1": format_figure(overall["partial"]["f1"]),
        "Krippendorff's α": format_figure(overall["alpha"]),
    }

    _cli(world, "release", "build", "0.2.0", "--annotations")
    home = Path(world.env["NEWSSPAN_HOME"])
    manifest = json.loads((home / "releases" / "v0.2.0" / "MANIFEST.json").read_text())
    assert manifest["agreement"] == {
        "documents": figures["documents"],
        "f1_strict": overall["strict"]["f1"],
        "f1_partial": overall["partial"]["f1"],
        "alpha": overall["alpha"],
    }
    card = (home / "releases" / "v0.2.0" / "README.md").read_text()
    assert _all_row(card)[2:] == [expected["Strict F1"], expected["Partial F1"], expected["Krippendorff's α"]]
    assert f"Over {figures['documents']} documents in review or final" in card

    for name in ("rita", "root"):  # a reviewer and an admin see the same figures as the command line
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        try:
            assert _page_figures(context.new_page(), world, name) == expected, name
        finally:
            context.close()
