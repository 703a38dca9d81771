"""Benchmarks: each ``bench/*.py`` runs on its own and writes JSON; ``python -m bench`` runs them all."""
