"""``python -m workbench.cli``: the newsspan command line."""

from workbench.cli.app import main

main()
