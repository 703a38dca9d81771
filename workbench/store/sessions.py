"""Log-in, sessions and log-in throttling: the rules behind the workbench's log-in form, for every caller.

**Log-in** (``log_in``): refused at once while the account name or the client is throttled; otherwise the
password is checked (a wrong name costs as long as a wrong password) and a failure is recorded for both the
account name (known or not, so the answer never tells whether an account exists) and the client. The message
is the same generic sentence for every failure.

**Throttling**: per account name and per client (the browser's IP address, as the app sees it), failures within
an hour are counted; from the 3rd failure of an account (the 10th of a client) every further attempt waits a
delay that doubles with each failure (1 s, 2 s, 4 s, ... at most 15 min). A successful log-in clears the
account's count; counts older than an hour are forgotten.

**Sessions**: a successful log-in opens a session (12 hours) and returns a one-time code (2 minutes, single
use) that the browser exchanges for the session's random token (``secrets.token_urlsafe``) in an HttpOnly
cookie (``redeem_handoff``). The store keeps only sha256 hashes of the code and the token. A reload finds the
session again by the cookie's token (``resume_session``); every script run re-reads it (``session``), so a
session that was ended, expired, or whose user was disabled is gone at the user's next interaction, and a role
change applies at once. ``end_session`` (Log out) ends one session; disabling a user or setting their password
ends all of theirs.

**Demo accounts** (``users.demo``, the sample accounts of ``make run``) must change their password before
anything else when the workbench listens beyond loopback (``exposed``), until they have changed it once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Row

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.accounts import AccountsMixin, _hasher, end_sessions
from workbench.store.base import User
from workbench.store.errors import LoginRefused
from workbench.store.passwords import check_password

SESSION_LIFETIME = dt.timedelta(hours=12)
HANDOFF_LIFETIME = dt.timedelta(minutes=2)
FREE_FAILURES = {"account": 3, "client": 10}
MAX_DELAY_S = 15 * 60
FORGET_AFTER = dt.timedelta(hours=1)
FAILED = "Unknown user name or wrong password."
NAME_MAX = 128


@dataclass(frozen=True)
class Session:
    """A live session. ``handoff`` (only from ``log_in``) is the one-time code the browser exchanges for the
    cookie, and ``cookie_pending`` says that code is still waiting to be redeemed; ``must_change_password``
    means the user may do nothing before choosing a new password."""

    id: int
    user: User
    must_change_password: bool = False
    handoff: str | None = None
    cookie_pending: bool = False


def _clock() -> dt.datetime:
    """Now, in UTC (tests replace it to move time forward)."""
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    """The store's timestamp format (``base.now``): RFC 3339, microseconds, ``Z``; sortable as text."""
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _parse(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def secret_hash(secret: str) -> str:
    """sha256 of a random token or code: what the store keeps instead of the secret itself."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def delay_after(failures: int, scope: str) -> int:
    """Seconds to wait after ``failures`` failed log-ins in a row (0 while still free)."""
    free = FREE_FAILURES[scope]
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 20), MAX_DELAY_S)


def password_change_required(row: Row, exposed: bool) -> bool:
    """A demo account that never changed its password must change it when the server is reachable beyond
    loopback."""
    return bool(row.demo) and row.password_changed_at is None and exposed


def _keys(name: str, client: str) -> dict[str, str]:
    return {"account": name[:NAME_MAX], "client": (client or "local")[:NAME_MAX]}


class SessionsMixin(AccountsMixin):
    session_lifetime = SESSION_LIFETIME

    # Log-in ------------------------------------------------------------------------------------------------

    def log_in(self, name: str, password: str, *, client: str = "", exposed: bool = False) -> Session:
        """Open a session for ``name`` and ``password``, or raise ``LoginRefused`` with a generic message (and
        the seconds to wait when throttled). ``client`` identifies the browser (its IP address); ``exposed``
        says whether the server listens beyond loopback (demo accounts must then change their password)."""
        name = (name or "").strip()
        keys = _keys(name, client)
        wait = self._throttle_wait(keys)
        if wait:
            raise LoginRefused(f"Too many failed log-ins: try again in {wait} s.", retry_after=wait)
        row = self._credentials(name, password) if name else None
        if row is None:
            wait = self._record_failure(keys)
            raise LoginRefused(
                FAILED, retry_after=wait, hint=f"wait {wait} s before the next attempt" if wait else None
            )
        return self._open_session(row, keys, exposed)

    def log_in_identity(self, name: str, *, client: str = "", exposed: bool = False) -> Session | None:
        """A session for an identity the workbench already verified (single sign-on): the account must exist
        and be active. None otherwise."""
        with self._read() as connection:
            row = connection.execute(
                select(t.users).where(t.users.c.name == name, t.users.c.active == true())
            ).first()
        return self._open_session(row, _keys(name, client), exposed) if row is not None else None

    def _open_session(self, row: Row, keys: dict[str, str], exposed: bool) -> Session:
        handoff = secrets.token_urlsafe(32)
        moment = _clock()
        with self._write() as connection:
            connection.execute(
                delete(t.login_throttle).where(
                    t.login_throttle.c.scope == "account", t.login_throttle.c.key == keys["account"]
                )
            )
            connection.execute(
                update(t.users).where(t.users.c.id == row.id).values(last_login_at=_stamp(moment))
            )
            session_id = connection.execute(
                insert(t.sessions)
                .values(
                    user_id=row.id,
                    handoff_hash=secret_hash(handoff),
                    handoff_expires_at=_stamp(moment + HANDOFF_LIFETIME),
                    client=keys["client"],
                    created_at=_stamp(moment),
                    expires_at=_stamp(moment + self.session_lifetime),
                    last_seen_at=_stamp(moment),
                )
                .returning(t.sessions.c.id)
            ).scalar_one()
        return Session(
            id=session_id,
            user=User(id=row.id, name=row.name, role=row.role),
            must_change_password=password_change_required(row, exposed),
            handoff=handoff,
            cookie_pending=True,
        )

    # Throttling --------------------------------------------------------------------------------------------

    def _throttle_wait(self, keys: dict[str, str]) -> int:
        moment = _clock()
        with self._read() as connection:
            rows = connection.execute(select(t.login_throttle).where(_throttle_rows(keys))).all()
        waits = [(_parse(row.blocked_until) - moment).total_seconds() for row in rows]
        return max([math.ceil(w) for w in waits if w > 0], default=0)

    def _record_failure(self, keys: dict[str, str]) -> int:
        """Count a failure for the account name and the client; the longer of their delays, in seconds."""
        moment = _clock()
        forget = _stamp(moment - FORGET_AFTER)
        wait = 0
        with self._write() as connection:
            connection.execute(delete(t.login_throttle).where(t.login_throttle.c.last_failure_at < forget))
            current = {
                row.scope: row.failures
                for row in connection.execute(
                    select(t.login_throttle).where(_throttle_rows(keys)).with_for_update()
                )
            }
            for scope, key in keys.items():
                failures = current.get(scope, 0) + 1
                delay = delay_after(failures, scope)
                wait = max(wait, delay)
                _upsert_throttle(
                    connection,
                    {
                        "scope": scope,
                        "key": key,
                        "failures": failures,
                        "last_failure_at": _stamp(moment),
                        "blocked_until": _stamp(moment + dt.timedelta(seconds=delay)),
                    },
                )
        return wait

    # Sessions ----------------------------------------------------------------------------------------------

    def redeem_handoff(self, code: str) -> str | None:
        """The session token for a one-time handoff code (to put in the browser's cookie), or None when the
        code is unknown, used, expired or its session ended. The code works once."""
        if not code:
            return None
        moment = _stamp(_clock())
        token = secrets.token_urlsafe(32)
        with self._write() as connection:
            row = connection.execute(
                select(t.sessions).where(t.sessions.c.handoff_hash == secret_hash(code)).with_for_update()
            ).first()
            if row is None:
                return None
            live = (
                row.ended_at is None and row.expires_at > moment and (row.handoff_expires_at or "") > moment
            )
            connection.execute(
                update(t.sessions)
                .where(t.sessions.c.id == row.id)
                .values(
                    handoff_hash=None,
                    handoff_expires_at=None,
                    **({"token_hash": secret_hash(token)} if live else {}),
                )
            )
        return token if live else None

    def resume_session(self, token: str, *, exposed: bool = False) -> Session | None:
        """The live session whose cookie token is ``token`` (after a reload), or None."""
        if not token:
            return None
        with self._read() as connection:
            row = self._live(connection, t.sessions.c.token_hash == secret_hash(token))
        if row is None:
            return None
        with self._write() as connection:
            connection.execute(
                update(t.sessions)
                .where(t.sessions.c.id == row.session_id)
                .values(last_seen_at=_stamp(_clock()))
            )
        return _session(row, exposed)

    def session(self, session_id: int, *, exposed: bool = False) -> Session | None:
        """The session if it is still live (not ended, not expired, its user active), with the user's current
        role; None otherwise. The workbench calls this on every interaction."""
        with self._read() as connection:
            row = self._live(connection, t.sessions.c.id == session_id)
        return _session(row, exposed) if row is not None else None

    def end_session(self, session_id: int, reason: str = "logout") -> None:
        """Log out: the session ends (its cookie token no longer works)."""
        with self._write() as connection:
            connection.execute(
                update(t.sessions)
                .where(t.sessions.c.id == session_id, t.sessions.c.ended_at.is_(None))
                .values(ended_at=_stamp(_clock()), ended_reason=reason, handoff_hash=None)
            )

    def end_session_by_token(self, token: str) -> None:
        """Log out by the cookie's token (the log-out route, which sees only the cookie)."""
        with self._write() as connection:
            connection.execute(
                update(t.sessions)
                .where(t.sessions.c.token_hash == secret_hash(token or ""), t.sessions.c.ended_at.is_(None))
                .values(ended_at=_stamp(_clock()), ended_reason="logout")
            )

    def change_own_password(self, session: Session, current: str, new: str, *, client: str = "") -> None:
        """A logged-in user chooses a new password: the current one must be right (failures count towards the
        account's throttle), the new one must meet the policy and differ. Their other sessions end."""
        keys = _keys(session.user.name, client)
        wait = self._throttle_wait(keys)
        if wait:
            raise LoginRefused(f"Too many failed attempts: try again in {wait} s.", retry_after=wait)
        if self._credentials(session.user.name, current) is None:
            self._record_failure(keys)
            raise LoginRefused("The current password is wrong.")
        if new == current:
            raise NewsspanError("the new password must differ from the current one")
        check_password(new, user_inputs=[session.user.name])
        password_hash = _hasher.hash(new)
        with self._write() as connection:
            connection.execute(
                update(t.users)
                .where(t.users.c.id == session.user.id)
                .values(password_hash=password_hash, password_changed_at=_stamp(_clock()))
            )
            end_sessions(connection, session.user.id, "password", keep=session.id)

    def _live(self, connection: Connection, condition: Any) -> Row | None:
        moment = _stamp(_clock())
        return connection.execute(
            select(
                t.sessions.c.id.label("session_id"),
                t.users.c.id,
                t.users.c.name,
                t.users.c.role,
                t.users.c.demo,
                t.users.c.password_changed_at,
                t.sessions.c.handoff_hash,
                t.sessions.c.handoff_expires_at,
            )
            .join(t.users, t.users.c.id == t.sessions.c.user_id)
            .where(
                condition,
                t.sessions.c.ended_at.is_(None),
                t.sessions.c.expires_at > moment,
                t.users.c.active == true(),
            )
        ).first()


def _session(row: Row, exposed: bool) -> Session:
    pending = row.handoff_hash is not None and (row.handoff_expires_at or "") > _stamp(_clock())
    return Session(
        id=row.session_id,
        user=User(id=row.id, name=row.name, role=row.role),
        must_change_password=password_change_required(row, exposed),
        cookie_pending=pending,
    )


def _throttle_rows(keys: dict[str, str]) -> Any:
    return or_(
        *(
            and_(t.login_throttle.c.scope == scope, t.login_throttle.c.key == key)
            for scope, key in keys.items()
        )
    )


def _upsert_throttle(connection: Connection, values: dict[str, Any]) -> None:
    insert_ = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert_(t.login_throttle).values(**values)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["scope", "key"],
            set_={
                name: statement.excluded[name] for name in ("failures", "last_failure_at", "blocked_until")
            },
        )
    )
