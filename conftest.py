"""Root conftest: shared fixtures live in tests/*_fixtures.py modules, listed here."""

pytest_plugins = [
    "tests.project_fixtures",
]
