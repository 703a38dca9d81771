"""Accounts: users with a role and an argon2 password hash (argon2-cffi); nothing else about the password."""

from __future__ import annotations

import contextlib
import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.base import StoreBase, User, now

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")
RESERVED_NAMES = {"gold", "author", "cli"}
MIN_PASSWORD = 8
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
    if len(password or "") < MIN_PASSWORD:
        raise NewsspanError(f"the password must have at least {MIN_PASSWORD} characters")


class AccountsMixin(StoreBase):
    def create_user(self, actor: User, name: str, role: str, password: str) -> User:
        """Add an account (admins only). The password is stored only as an argon2 hash."""
        require_admin(actor, "add users")
        check_new_user(name, role, password)
        password_hash = _hasher.hash(password)
        with self._write() as connection:
            exists = connection.execute(select(t.users.c.id).where(t.users.c.name == name)).first()
            if exists:
                raise NewsspanError(f"user {name!r} already exists", hint="pick another name")
            user_id = connection.execute(
                insert(t.users)
                .values(name=name, role=role, password_hash=password_hash, created_at=now())
                .returning(t.users.c.id)
            ).scalar_one()
        return User(id=user_id, name=name, role=role)

    def list_users(self, actor: User) -> list[dict]:
        """Every account (admins only): name, role, active, created_at; never the hash."""
        require_admin(actor, "list users")
        with self._read() as connection:
            rows = connection.execute(
                select(t.users.c.name, t.users.c.role, t.users.c.active, t.users.c.created_at).order_by(
                    t.users.c.name
                )
            ).all()
        return [dict(row._mapping) for row in rows]

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when ``name`` and ``password`` match an active account, else None."""
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
        return User(id=row.id, name=row.name, role=row.role)

    def user(self, name: str) -> User | None:
        """The account named ``name`` (no password check: for the CLI and for tests)."""
        with self._read() as connection:
            row = connection.execute(select(t.users).where(t.users.c.name == name)).first()
        return User(id=row.id, name=row.name, role=row.role) if row else None
