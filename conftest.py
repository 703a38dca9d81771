"""Root conftest: shared fixtures live in tests/*_fixtures.py modules, listed here."""

pytest_plugins = [
    "tests.project_fixtures",
    "tests.store_fixtures",
    "tests.browser_fixtures",
    "tests.hub_fixtures",
]
