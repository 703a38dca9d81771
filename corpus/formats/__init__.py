"""File formats of annotation records and releases: pure functions from files to items and from records (and
their documents) to text. Nothing here touches the store; one module per format:

* ``items`` -- :class:`Item`, what every reader returns (a record or its problems, with ``file:line``), and the
  attribute specs the readers need from the label set.
* ``jsonl`` -- the scheme's record format, one record a line (on :mod:`corpus.jsonl`, the one JSONL reader).
* ``labelstudio`` -- Label Studio JSON tasks in (code point or UTF-16 offsets, decided per span);
  ``labelstudio_write`` -- tasks out (code points, every document, relations); ``labelstudio_config`` -- the
  ``label_config.xml`` of a label set.
* ``brat`` -- brat standoff in and out: ``.ann``/``.txt`` per document, ``annotation.conf`` and ``visual.conf``,
  label names mapped to types brat can hold and back.
* ``annotation_files`` -- which format a path is in; read any of them; render records as one file.
* ``spans`` / ``iob2`` / ``release_export`` -- an annotated release as ``spans.jsonl`` and IOB2 CoNLL files.
"""
