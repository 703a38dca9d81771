"""The password policy, the same for every caller (``newsspan user add|passwd``, the Admin page, a user changing
their own password, the demo accounts of ``make run``).

A password has at least 12 and at most 256 characters and is not common or easy to guess: zxcvbn (a maintained
estimator shipping frequency lists of common passwords, English words, names and keyboard patterns) must rate it
3 or more out of 4 (about 10^8 guesses or more), with the user's name and "newsspan" counted as known words. So
``12345678``, ``password1234``, twelve spaces or ``ana-ana-ana-ana`` are refused and a passphrase of a few
unrelated words passes. zxcvbn looks at the first 72 characters only (its own limit).
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.store.errors import WeakPassword

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3
_ZXCVBN_MAX = 72
KNOWN_WORDS = ("newsspan",)


def check_password(password: str, *, user_inputs: Iterable[str] = ()) -> None:
    """Raise ``WeakPassword`` (one sentence and a hint) unless ``password`` meets the policy."""
    from zxcvbn import zxcvbn

    password = password or ""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            f"the password must have at least {MIN_LENGTH} characters (it has {len(password)})",
            hint="use a passphrase of three or four unrelated words",
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")
    inputs = [word for word in (*user_inputs, *KNOWN_WORDS) if word]
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        warning = (result.get("feedback") or {}).get("warning") or ""
        raise WeakPassword(
            "the password is too common or too easy to guess" + (f": {warning}" if warning else ""),
            hint="use a passphrase of three or four unrelated words, not a name, a date or a common password",
        )
