"""Set-up run by ``make run`` before the workbench starts (idempotent)."""

from __future__ import annotations


def main() -> None:
    """Nothing to prepare yet beyond the seed release that ``make seed-release`` builds."""


if __name__ == "__main__":
    main()
