"""Errors the store raises: each is a ``NewsspanError`` (one clear line in the CLI, never a traceback)."""

from __future__ import annotations

from collections.abc import Sequence

from corpus.errors import NewsspanError


class AccessDenied(NewsspanError):
    """The acting user's role or assignments do not allow this read or write."""


class NotFound(NewsspanError):
    """A document, annotation or user that the request names is not in the store."""


class ConflictError(NewsspanError):
    """The annotation changed since the caller read it (stale version): nothing was written."""


class WeakPassword(NewsspanError):
    """The password does not meet the policy (``workbench.store.passwords``); nothing was changed."""


class LoginRefused(NewsspanError):
    """A log-in failed or was throttled. The message never says whether the account exists;
    ``retry_after`` is the number of seconds before another attempt is considered (0: try again now)."""

    def __init__(self, what: str, *, retry_after: int = 0, hint: str | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(what, hint=hint)


class ValidationFailed(NewsspanError):
    """A record failed the scheme's validator; ``errors`` holds the validator's sentences. Nothing was written."""

    def __init__(self, errors: Sequence[str], *, where: str | None = None, hint: str | None = None) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(self.errors) or "invalid record", where=where, hint=hint)


class ImportFailed(NewsspanError):
    """An import file had bad records; ``errors`` holds one ``file:line: sentence`` per bad record."""

    def __init__(self, errors: Sequence[str], *, imported: int = 0, hint: str | None = None) -> None:
        self.errors = list(errors)
        self.imported = imported
        shown = "\n".join(self.errors[:50])
        more = f"\n... and {len(self.errors) - 50} more" if len(self.errors) > 50 else ""
        super().__init__(f"{len(self.errors)} bad record(s):\n{shown}{more}", hint=hint)
