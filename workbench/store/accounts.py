"""Accounts: users with a role and an argon2 password hash (argon2-cffi); nothing else about the password.

Admins (and the command line) add users, set their password, change their role and disable or enable them.
Every new password goes through the one policy (``workbench.store.passwords``). Disabling a user or setting their
password ends their sessions; the store never lets the last active admin be disabled or demoted.
"""

from __future__ import annotations

import contextlib
import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, func, insert, select, true, update
from sqlalchemy.engine import Row

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.base import StoreBase, User, now
from workbench.store.errors import NotFound
from workbench.store.passwords import check_password

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")
RESERVED_NAMES = {"gold", "author", "cli"}
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified when the user does not exist, so a wrong name takes as long as a wrong password. Computed on
    the first failed log-in, not at import (an argon2 hash takes tens of milliseconds)."""
    return _hasher.hash("newsspan-no-such-user")


def check_new_user(name: str, role: str, password: str) -> None:
    if not NAME_PATTERN.match(name or ""):
        raise NewsspanError(
            f"user name {name!r} is not allowed",
            hint="use letters, digits and . _ @ - (up to 128), starting with a letter or digit",
        )
    if name.lower() in RESERVED_NAMES:
        raise NewsspanError(f"user name {name!r} is reserved", hint="choose another name")
    if role not in t.ROLES:
        raise NewsspanError(f"unknown role {role!r}", hint=f"use one of: {', '.join(t.ROLES)}")
    check_password(password, user_inputs=[name])


def end_sessions(connection: Connection, user_id: int, reason: str, *, keep: int | None = None) -> None:
    """End every live session of a user (but ``keep``), e.g. when the user is disabled or their password set."""
    query = update(t.sessions).where(t.sessions.c.user_id == user_id, t.sessions.c.ended_at.is_(None))
    if keep is not None:
        query = query.where(t.sessions.c.id != keep)
    connection.execute(query.values(ended_at=now(), ended_reason=reason, handoff_hash=None))


def _account(connection: Connection, name: str) -> Row:
    row = connection.execute(select(t.users).where(t.users.c.name == name).with_for_update()).first()
    if row is None:
        raise NotFound(f"no user named {name!r}", hint="`newsspan user list` shows the accounts")
    return row


def _refuse_last_admin(connection: Connection, row: Row, what: str) -> None:
    """Refuse a change that would leave no active admin (the store always keeps one who can manage accounts)."""
    if row.role != "admin" or not row.active:
        return
    others = connection.execute(
        select(func.count())
        .select_from(t.users)
        .where(t.users.c.role == "admin", t.users.c.active == true(), t.users.c.id != row.id)
    ).scalar_one()
    if not others:
        raise NewsspanError(
            f"cannot {what} {row.name!r}: it is the last active admin", hint="make another user admin first"
        )


class AccountsMixin(StoreBase):
    def create_user(self, actor: User, name: str, role: str, password: str, *, demo: bool = False) -> User:
        """Add an account (admins only). The password is stored only as an argon2 hash. ``demo`` marks a sample
        account of ``make run`` (it must change its password at first log-in on a server beyond loopback)."""
        require_admin(actor, "add users")
        check_new_user(name, role, password)
        password_hash = _hasher.hash(password)
        with self._write() as connection:
            exists = connection.execute(select(t.users.c.id).where(t.users.c.name == name)).first()
            if exists:
                raise NewsspanError(f"user {name!r} already exists", hint="pick another name")
            user_id = connection.execute(
                insert(t.users)
                .values(name=name, role=role, password_hash=password_hash, created_at=now(), demo=demo)
                .returning(t.users.c.id)
            ).scalar_one()
        return User(id=user_id, name=name, role=role)

    def list_users(self, actor: User) -> list[dict]:
        """Every account (admins only): name, role, active, demo, created_at, last_login_at; never the hash."""
        require_admin(actor, "list users")
        columns = ("name", "role", "active", "demo", "created_at", "last_login_at")
        with self._read() as connection:
            rows = connection.execute(
                select(*(t.users.c[column] for column in columns)).order_by(t.users.c.name)
            ).all()
        return [dict(row._mapping) for row in rows]

    def set_password(self, actor: User, name: str, password: str) -> None:
        """Set a user's password (admins only; the policy applies). The user's sessions end."""
        require_admin(actor, "set passwords")
        check_password(password, user_inputs=[name])
        password_hash = _hasher.hash(password)
        with self._write() as connection:
            row = _account(connection, name)
            connection.execute(
                update(t.users)
                .where(t.users.c.id == row.id)
                .values(password_hash=password_hash, password_changed_at=now())
            )
            end_sessions(connection, row.id, "password")

    def set_role(self, actor: User, name: str, role: str) -> User:
        """Change a user's role (admins only). Open sessions get the new role at their next interaction."""
        require_admin(actor, "change roles")
        if role not in t.ROLES:
            raise NewsspanError(f"unknown role {role!r}", hint=f"use one of: {', '.join(t.ROLES)}")
        with self._write() as connection:
            row = _account(connection, name)
            if role != "admin":
                _refuse_last_admin(connection, row, "demote")
            connection.execute(update(t.users).where(t.users.c.id == row.id).values(role=role))
        return User(id=row.id, name=row.name, role=role)

    def set_active(self, actor: User, name: str, active: bool) -> None:
        """Disable or enable a user (admins only). A disabled user cannot log in, and every session of theirs
        ends (an open browser is logged out at its next interaction). Nobody disables their own account."""
        require_admin(actor, "disable or enable users")
        if not active and name == actor.name:
            raise NewsspanError("you cannot disable your own account", hint="ask another admin")
        with self._write() as connection:
            row = _account(connection, name)
            if not active:
                _refuse_last_admin(connection, row, "disable")
                end_sessions(connection, row.id, "disabled")
            connection.execute(update(t.users).where(t.users.c.id == row.id).values(active=active))

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when ``name`` and ``password`` match an active account, else None. No throttling and no
        session: the workbench logs in through ``Store.log_in``."""
        row = self._credentials(name, password)
        return User(id=row.id, name=row.name, role=row.role) if row is not None else None

    def _credentials(self, name: str, password: str) -> Row | None:
        """The active account's row when the password matches (a wrong name costs as long as a wrong password)."""
        with self._read() as connection:
            row = connection.execute(select(t.users).where(t.users.c.name == name)).first()
        if row is None or not row.active:
            with contextlib.suppress(VerificationError):
                _hasher.verify(_dummy_hash(), password or "")
            return None
        try:
            _hasher.verify(row.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            with self._write() as connection:
                connection.execute(
                    update(t.users).where(t.users.c.id == row.id).values(password_hash=_hasher.hash(password))
                )
        return row

    def user(self, name: str) -> User | None:
        """The account named ``name`` (no password check: for the CLI and for tests)."""
        with self._read() as connection:
            row = connection.execute(select(t.users).where(t.users.c.name == name)).first()
        return User(id=row.id, name=row.name, role=row.role) if row else None
