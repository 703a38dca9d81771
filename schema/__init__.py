"""The one source of labels and records: the label set, the actor registry, the JSON Schemas and the guidelines.

Data only, no code: :mod:`corpus.scheme` reads these files through ``importlib.resources``, so they work the
same from a checkout and from an installed wheel (the package data lists them).
"""
