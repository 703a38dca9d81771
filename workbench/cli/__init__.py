"""The ``newsspan`` command line (``newsspan = "workbench.cli:main"``; ``python -m workbench.cli`` too).

:mod:`workbench.cli.app` builds the typer app from the library's commands (``corpus.cli_*``) and the store's
commands of this package (:mod:`~workbench.cli.store`, :mod:`~workbench.cli.agreement`,
:mod:`~workbench.cli.gold`, :mod:`~workbench.cli.suggest`); :mod:`~workbench.cli.context` opens the store.
"""

from __future__ import annotations

from workbench.cli.app import app, main

__all__ = ["app", "main"]
