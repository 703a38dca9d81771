"""`newsspan user add|passwd|role|disable|enable|list` as an admin runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

from typer.testing import CliRunner

from corpus.errors import NewsspanError
from tests.store_fixtures import PASSWORD
from workbench.cli import app
from workbench.store import CLI_USER, open_store

runner = CliRunner()
NEW_PASSWORD = "a brand new passphrase"


def run(*args: str, input: str | None = None, code: int = 0) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == code, (args, result.output, result.exception)
    return result.output


def test_user_commands_manage_accounts_end_to_end(project, store_url, monkeypatch) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    assert "added admin adam" in run("user", "add", "adam", "--role", "admin", input=PASSWORD + "\n")
    assert "added annotator ana" in run("user", "add", "ana", input=PASSWORD + "\n")
    assert "added annotator ben" in run("user", "add", "ben", input=PASSWORD + "\n")
    store = open_store(store_url)
    session = store.log_in("ana", PASSWORD)

    assert "password of ana changed" in run("user", "passwd", "ana", input=NEW_PASSWORD + "\n")
    assert store.authenticate("ana", NEW_PASSWORD) is not None and store.authenticate("ana", PASSWORD) is None
    assert store.session(session.id) is None  # setting the password ended the session

    assert "ana is now reviewer" in run("user", "role", "ana", "reviewer")
    assert store.user("ana").role == "reviewer"

    assert "ana disabled" in run("user", "disable", "ana")
    assert store.authenticate("ana", NEW_PASSWORD) is None
    listing = run("user", "list")
    lines = {line.split()[1]: line for line in listing.splitlines() if line.startswith("│")}
    assert (
        "reviewer" in lines["ana"] and " no " in lines["ana"] and " 20" in lines["ana"].split("│")[5]
    )  # last log-in
    assert "annotator" in lines["ben"] and " yes " in lines["ben"] and "never" in lines["ben"]
    assert "ana enabled" in run("user", "enable", "ana")
    assert store.log_in("ana", NEW_PASSWORD).user.role == "reviewer"
    assert PASSWORD not in listing and NEW_PASSWORD not in listing


def test_user_commands_refuse_with_a_clear_message_and_change_nothing(
    project, store_url, monkeypatch
) -> None:
    monkeypatch.setenv("NEWSSPAN_DB_URL", store_url)
    run("user", "add", "adam", "--role", "admin", input=PASSWORD + "\n")
    for args, password, why in (
        (("user", "add", "eve", "--role", "admin"), "12345678", "at least 12 characters"),
        (("user", "add", "eve", "--role", "admin"), " " * 12, "too common or too easy to guess"),
        (("user", "add", "eve", "--role", "admin"), "password1234", "too common or too easy to guess"),
        (("user", "passwd", "adam"), "qwertyuiop123", "too common or too easy to guess"),
        (("user", "passwd", "nobody"), NEW_PASSWORD, "no user named 'nobody'"),
        (("user", "role", "adam", "boss"), None, "unknown role 'boss'"),
        (("user", "role", "adam", "annotator"), None, "last active admin"),
        (("user", "disable", "adam"), None, "last active admin"),
        (("user", "enable", "nobody"), None, "no user named 'nobody'"),
    ):
        result = runner.invoke(app, list(args), input=None if password is None else password + "\n")
        assert result.exit_code == 1, (args, result.output)
        assert isinstance(result.exception, NewsspanError) and why in result.exception.message, args
    store = open_store(store_url)
    assert [(u["name"], u["role"], u["active"]) for u in store.list_users(CLI_USER)] == [
        ("adam", "admin", True)
    ]
