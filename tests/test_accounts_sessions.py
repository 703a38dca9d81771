"""Accounts, sessions, password policy, log-in throttling and page access, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from tests.store_fixtures import PASSWORD, Team
from workbench.store import CLI_USER, AccessDenied, LoginRefused, NotFound, WeakPassword
from workbench.store import sessions as sessions_module
from workbench.store.access import AREAS, may_open
from workbench.store.base import User

CLIENT = "203.0.113.7"


class Clock:
    """Replaces the sessions module's clock: ``clock.advance(seconds)`` moves time forward."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(sessions_module, "_clock", fake)
    return fake


# Password policy -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, why",
    [
        ("12345678", "at least 12"),
        ("        ", "at least 12"),
        ("            ", "too common or too easy"),
        ("password1234", "too common or too easy"),
        ("qwertyuiop123", "too common or too easy"),
        ("aaaaaaaaaaaaaaaa", "too common or too easy"),
        ("x" * 257, "at most 256"),
    ],
)
def test_the_password_policy_refuses_short_and_common_passwords_for_every_caller(
    store, password, why
) -> None:
    admin = store.create_user(CLI_USER, "adam", "admin", PASSWORD)
    with pytest.raises(WeakPassword, match=why):
        store.create_user(admin, "eve", "admin", password)
    store.create_user(admin, "eve", "annotator", PASSWORD)
    with pytest.raises(WeakPassword, match=why):
        store.set_password(admin, "eve", password)
    session = store.log_in("eve", PASSWORD)
    with pytest.raises(WeakPassword, match=why):
        store.change_own_password(session, PASSWORD, password)
    assert store.authenticate("eve", PASSWORD) is not None  # nothing changed


def test_the_users_name_counts_as_a_known_word(store) -> None:
    with pytest.raises(WeakPassword):
        store.create_user(CLI_USER, "marguerite", "annotator", "marguerite2026")
    store.create_user(CLI_USER, "marguerite", "annotator", "plum ladder orbit")


# Account management --------------------------------------------------------------------------------------


def test_admins_set_passwords_roles_and_disable_users_and_list_last_log_in(team: Team, clock: Clock) -> None:
    store = team.store
    store.set_password(team.admin, "ana", "a brand new passphrase")
    assert store.authenticate("ana", PASSWORD) is None
    assert store.authenticate("ana", "a brand new passphrase") is not None
    assert store.set_role(team.admin, "ben", "reviewer").role == "reviewer"
    assert store.user("ben").role == "reviewer"
    store.log_in("rita", PASSWORD, client=CLIENT)
    rows = {row["name"]: row for row in store.list_users(team.admin)}
    assert (
        rows["rita"]["last_login_at"].startswith("2026-12-02T09:00") and rows["ana"]["last_login_at"] is None
    )
    assert not any(key for row in rows.values() for key in row if "hash" in key)
    store.set_active(team.admin, "rita", False)
    assert store.authenticate("rita", PASSWORD) is None
    with pytest.raises(LoginRefused):
        store.log_in("rita", PASSWORD, client=CLIENT)
    store.set_active(team.admin, "rita", True)
    assert store.log_in("rita", PASSWORD, client=CLIENT).user.name == "rita"
    with pytest.raises(NotFound):
        store.set_role(team.admin, "nobody", "admin")
    with pytest.raises(Exception, match="unknown role"):
        store.set_role(team.admin, "ana", "boss")


def test_the_last_active_admin_cannot_be_disabled_or_demoted_and_nobody_disables_themselves(
    team: Team,
) -> None:
    store = team.store
    with pytest.raises(Exception, match="your own account"):
        store.set_active(team.admin, "adam", False)
    with pytest.raises(Exception, match="last active admin"):
        store.set_active(CLI_USER, "adam", False)
    with pytest.raises(Exception, match="last active admin"):
        store.set_role(CLI_USER, "adam", "annotator")
    store.set_role(CLI_USER, "rita", "admin")
    store.set_role(CLI_USER, "adam", "reviewer")  # another admin is left
    assert store.user("adam").role == "reviewer"


def test_only_admins_manage_accounts(team: Team) -> None:
    store = team.store
    for actor in (team.ana, team.rita):
        for attempt in (
            lambda actor=actor: store.set_password(actor, "ben", "a brand new passphrase"),
            lambda actor=actor: store.set_role(actor, actor.name, "admin"),
            lambda actor=actor: store.set_active(actor, "ben", False),
            lambda actor=actor: store.list_users(actor),
        ):
            with pytest.raises(AccessDenied):
                attempt()
    assert store.user("ben").role == "annotator" and store.authenticate("ben", PASSWORD) is not None


# Sessions ------------------------------------------------------------------------------------------------


def test_a_session_is_handed_to_the_cookie_once_and_found_again_after_a_reload(
    team: Team, clock: Clock
) -> None:
    store = team.store
    session = store.log_in("ana", PASSWORD, client=CLIENT)
    assert session.user == team.ana and session.handoff and not session.must_change_password
    assert session.cookie_pending and store.session(session.id).cookie_pending
    token = store.redeem_handoff(session.handoff)
    assert not store.session(session.id).cookie_pending
    assert token and token != session.handoff
    assert store.redeem_handoff(session.handoff) is None  # single use
    clock.advance(60)
    resumed = store.resume_session(token)
    assert resumed is not None and resumed.id == session.id and resumed.user == team.ana
    with store.engine.connect() as connection:
        seen = dict(connection.execute(text("SELECT id, last_seen_at FROM sessions")).all())
    assert seen == {session.id: "2026-12-02T09:01:00.000000Z"}
    assert store.session(session.id).user == team.ana
    with store.engine.connect() as connection:
        stored = " ".join(str(v) for v in connection.execute(text("SELECT * FROM sessions")).one())
    assert token not in stored and session.handoff not in stored  # only hashes are kept
    assert store.resume_session("forged-" + token) is None


def test_a_handoff_code_expires_and_sessions_expire(team: Team, clock: Clock) -> None:
    store = team.store
    late = store.log_in("ana", PASSWORD)
    clock.advance(3 * 60)
    assert store.redeem_handoff(late.handoff) is None
    session = store.log_in("ana", PASSWORD)
    token = store.redeem_handoff(session.handoff)
    clock.advance(11 * 3600)
    assert store.resume_session(token) is not None
    clock.advance(2 * 3600)
    assert store.resume_session(token) is None and store.session(session.id) is None


def test_log_out_disabling_and_password_changes_end_sessions(team: Team, clock: Clock) -> None:
    store = team.store
    first = store.log_in("ana", PASSWORD)
    first_token = store.redeem_handoff(first.handoff)
    store.end_session(first.id)
    assert store.session(first.id) is None and store.resume_session(first_token) is None

    second = store.log_in("ana", PASSWORD)
    token = store.redeem_handoff(second.handoff)
    store.end_session_by_token(token)
    assert store.session(second.id) is None

    third = store.log_in("ana", PASSWORD)
    pending = store.log_in("ana", PASSWORD)
    store.set_active(team.admin, "ana", False)
    assert store.session(third.id) is None
    assert store.redeem_handoff(pending.handoff) is None
    store.set_active(team.admin, "ana", True)
    assert store.session(third.id) is None  # enabling again does not revive ended sessions

    kept = store.log_in("ana", PASSWORD)
    other = store.log_in("ana", PASSWORD)
    store.change_own_password(kept, PASSWORD, "a brand new passphrase")
    assert store.session(kept.id) is not None and store.session(other.id) is None
    store.set_password(team.admin, "ana", "yet another passphrase")
    assert store.session(kept.id) is None


def test_a_role_change_applies_to_open_sessions(team: Team) -> None:
    store = team.store
    session = store.log_in("ben", PASSWORD)
    store.set_role(team.admin, "ben", "reviewer")
    assert store.session(session.id).user.role == "reviewer"


def test_changing_ones_own_password_needs_the_current_one(team: Team, clock: Clock) -> None:
    store = team.store
    session = store.log_in("ana", PASSWORD)
    with pytest.raises(LoginRefused, match="current password is wrong"):
        store.change_own_password(session, "not my password", "a brand new passphrase")
    with pytest.raises(Exception, match="must differ"):
        store.change_own_password(session, PASSWORD, PASSWORD)
    assert store.authenticate("ana", PASSWORD) is not None


def test_demo_accounts_must_change_their_password_only_when_exposed(store, clock: Clock) -> None:
    store.create_user(CLI_USER, "ana", "annotator", "demo-spans-only", demo=True)
    assert not store.log_in("ana", "demo-spans-only").must_change_password
    session = store.log_in("ana", "demo-spans-only", exposed=True)
    assert session.must_change_password and store.session(session.id, exposed=True).must_change_password
    store.change_own_password(session, "demo-spans-only", "a brand new passphrase")
    assert not store.session(session.id, exposed=True).must_change_password
    assert [row["demo"] for row in store.list_users(CLI_USER)] == [True]


# Throttling ----------------------------------------------------------------------------------------------


def test_failed_log_ins_are_throttled_per_account_with_a_growing_delay(team: Team, clock: Clock) -> None:
    store = team.store
    waits = []
    for _ in range(6):
        with pytest.raises(LoginRefused, match="Unknown user name or wrong password") as failure:
            store.log_in("ana", "not the password", client=CLIENT)
        waits.append(failure.value.retry_after)
        # while blocked, even the right password is refused without being checked
        if failure.value.retry_after:
            with pytest.raises(LoginRefused, match="Too many failed log-ins") as blocked:
                store.log_in("ana", PASSWORD, client=CLIENT)
            assert 0 < blocked.value.retry_after <= failure.value.retry_after
            clock.advance(failure.value.retry_after)
    assert waits == [0, 0, 1, 2, 4, 8]
    assert store.log_in("ana", PASSWORD, client=CLIENT).user == team.ana
    with pytest.raises(LoginRefused) as after_success:  # a success clears the account's count
        store.log_in("ana", "not the password", client=CLIENT)
    assert after_success.value.retry_after == 0
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT scope, key, failures FROM login_throttle ORDER BY scope")
        ).all()
    assert [tuple(row) for row in rows] == [("account", "ana", 1), ("client", CLIENT, 7)]


def test_unknown_names_are_throttled_like_known_ones_and_the_message_is_the_same(
    team: Team, clock: Clock
) -> None:
    store = team.store
    messages = set()
    for name in ("ana", "nobody-here"):
        for _ in range(3):
            with pytest.raises(LoginRefused) as failure:
                store.log_in(name, "not the password", client=f"client-{name}")
            messages.add(failure.value.message.split(" — ")[0])
        assert failure.value.retry_after == 1
    assert messages == {"Unknown user name or wrong password."}


def test_one_client_spraying_many_accounts_is_throttled(team: Team, clock: Clock) -> None:
    store = team.store
    names = [f"guess{i}" for i in range(10)]
    for name in names:
        with pytest.raises(LoginRefused):
            store.log_in(name, "Summer2026!", client=CLIENT)
    with pytest.raises(LoginRefused, match="Too many failed log-ins"):
        store.log_in("ben", PASSWORD, client=CLIENT)
    assert store.log_in("ben", PASSWORD, client="198.51.100.1").user == team.ben  # another client is not held
    clock.advance(2)
    assert store.log_in("ben", PASSWORD, client=CLIENT).user == team.ben
    clock.advance(2 * 3600)  # counts older than an hour are forgotten
    with pytest.raises(LoginRefused) as fresh:
        store.log_in("guess0", "Summer2026!", client=CLIENT)
    assert fresh.value.retry_after == 0


# Page access ---------------------------------------------------------------------------------------------


def test_pages_follow_the_roles() -> None:
    def pages(role: str) -> set[str]:
        return {area for area in AREAS if may_open(User(id=1, name="x", role=role), area)}

    assert pages("annotator") == {"annotate", "compared", "progress", "account"}
    assert pages("reviewer") == {"review", "agreement", "progress", "account"}
    assert pages("admin") == set(AREAS)
    assert not may_open(User(id=1, name="x", role="admin"), "no-such-page")


@pytest.mark.parametrize(
    "address, exposed",
    [("127.0.0.1", False), ("localhost", False), ("::1", False), ("127.0.0.2", False), ("0.0.0.0", True),
     ("", True), (None, True), ("192.0.2.10", True), ("::", True), ("example.org", True)],
)  # fmt: skip
def test_the_workbench_counts_as_exposed_when_it_listens_beyond_loopback(
    monkeypatch, address, exposed
) -> None:
    from workbench import auth

    monkeypatch.setattr(auth.st, "get_option", lambda name: address if name == "server.address" else None)
    assert auth.exposed() is exposed
