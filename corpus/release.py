"""Immutable, versioned dataset releases that ``datasets.load_dataset`` reads offline.

A release is built in a temporary folder beside ``releases/`` and renamed into place only when complete, so a
build killed at any moment leaves no release folder and ``LATEST`` untouched. Files of a published release are
never rewritten (``datasets`` caches local folders by path and modification time).

``releases/LATEST`` names the most recently built release. Where it is missing, is not a valid version or names
a release that is not there, readers fall back to the newest valid release and log a warning (logger
``newsspan.release``; the CLI shows it as one ``warning:`` line). The manifest, the release fingerprint and
verification are :mod:`corpus.release_integrity`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

from corpus.errors import NewsspanError
from corpus.paths import releases_dir
from corpus.release_integrity import (
    MANIFEST,
    fingerprint_of,
    fingerprint_section,
    read_manifest,
    sha256_bytes,
    stamp_fingerprint,
    verify_folder,
)
from corpus.semver import is_version, parse_version, version_key

ROW_GROUP_ROWS = 2_000
LATEST = "LATEST"
_LATEST_MAX_BYTES = 64
_log = logging.getLogger("newsspan.release")
_BUILDING_PREFIX = ".building-v"
# Test hook: seconds to sleep after the data files are written, before publishing (to kill a build halfway).
_PAUSE_ENV = "NEWSSPAN_TEST_PAUSE_BEFORE_PUBLISH"


@dataclass
class ReleaseConfig:
    """One dataset config of a release: its features and its rows per split (iterables, streamed to disk)."""

    name: str
    features: datasets.Features
    splits: dict[str, Iterable[dict[str, Any]]]
    description: str = ""


@dataclass
class WrittenFile:
    path: str
    rows: int | None
    sha256: str = ""
    bytes: int = 0


@dataclass
class BuildStats:
    """What was written, for the manifest and the dataset card."""

    version: str
    configs: dict[str, dict[str, int]] = field(default_factory=dict)  # config -> split -> rows
    files: list[WrittenFile] = field(default_factory=list)
    # config -> split -> bytes of the split as Arrow data (the card's num_bytes, as ``datasets`` counts them)
    arrow_bytes: dict[str, dict[str, int]] = field(default_factory=dict)
    # config -> bytes of its Parquet files (the card's download_size)
    file_bytes: dict[str, int] = field(default_factory=dict)


def release_path(version: str) -> Path:
    return releases_dir() / f"v{parse_version(version)}"


def list_versions() -> list[str]:
    """Published versions, oldest first."""
    root = releases_dir()
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("v") and (child / MANIFEST).is_file():
            with contextlib.suppress(NewsspanError):
                found.append(parse_version(child.name))
    return sorted(found, key=version_key)


def _read_pointer(pointer: Path) -> tuple[str | None, str | None]:
    """(the version ``LATEST`` names, None) when it names a valid one, else (None, why not); (None, None) when
    there is no LATEST at all."""
    try:
        mode = os.lstat(pointer).st_mode
    except FileNotFoundError:
        return None, None
    if not stat.S_ISREG(mode):
        return None, "is not a regular file"
    with pointer.open("rb") as handle:
        data = handle.read(_LATEST_MAX_BYTES + 1)
    text = data.decode("utf-8", errors="replace").strip()
    if len(data) > _LATEST_MAX_BYTES or not is_version(text):
        shown = text[:40] + ("..." if len(text) > 40 else "")
        return None, f"does not name a valid version ({shown!r})"
    return parse_version(text), None


def latest_version() -> str | None:
    """The version ``releases/LATEST`` names: the most recently built release. When LATEST is missing, invalid
    or names a release that is not there, the newest valid release, with a logged warning."""
    root = releases_dir()
    named, problem = _read_pointer(root / LATEST)
    versions = list_versions()
    if named is not None and named in versions:
        return named
    fallback = versions[-1] if versions else None
    if named is not None:
        problem = f"names v{named}, which is not a published release"
    elif problem is None:
        if fallback is None:
            return None  # a project with no release yet
        problem = "is missing"
    using = f"using the newest release, v{fallback}" if fallback else "there is no release to use instead"
    _log.warning(
        "warning: %s %s; %s — build a release, or write a published version into %s",
        root / LATEST,
        problem,
        using,
        LATEST,
    )
    return fallback


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _plain_paths(feature: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], int]] | None:
    """The ClassLabel positions (path, number of classes) of features made only of Value, ClassLabel, List and
    structs, whose storage form is what callers pass in; None when another type (Image, ...) needs encoding."""
    if isinstance(feature, dict):
        found: list[tuple[tuple[Any, ...], int]] = []
        for name, child in feature.items():
            inner = _plain_paths(child, (*path, name))
            if inner is None:
                return None
            found += inner
        return found
    if isinstance(feature, datasets.ClassLabel):
        return [(path, feature.num_classes)]
    if isinstance(feature, datasets.Value):
        return []
    if isinstance(feature, datasets.List | datasets.LargeList):
        return _plain_paths(feature.feature, (*path, None))
    return None


def _labels_in_range(table: pa.Table, checks: list[tuple[tuple[Any, ...], int]]) -> bool:
    """Whether every ClassLabel value of ``table`` is an index in range (or -1, "no label"), as encoding checks."""
    import pyarrow.compute as pc

    for path, classes in checks:
        array: Any = table.column(path[0])
        for step in path[1:]:
            array = pc.list_flatten(array) if step is None else pc.struct_field(array, [step])
        bounds = pc.min_max(array).as_py()
        if bounds["min"] is not None and (bounds["min"] < -1 or bounds["max"] >= classes):
            return False
    return True


def _table(
    batch: list[dict[str, Any]], features: datasets.Features, schema: pa.Schema, checks: list | None
) -> tuple[pa.Table, bool]:
    """A batch as an Arrow table. Rows already in storage form (ClassLabel as an index, plain values) go straight
    to Arrow (``datasets``' per-value encoding is the slowest part of a large build); anything else (label names,
    values of another type, Image...) takes ``features.encode_batch``. Returns the table and whether the fast
    path worked."""
    if checks is not None:
        try:
            table = pa.Table.from_pylist(batch, schema=schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            table = None
        if table is not None and _labels_in_range(table, checks):
            return table, True
    encoded = features.encode_batch({name: [row.get(name) for row in batch] for name in features})
    table = pa.Table.from_pydict(encoded, schema=schema)
    plain = _plain_paths(features)
    if plain and not _labels_in_range(table, plain):  # datasets does not check ClassLabels nested in lists
        raise ValueError("a ClassLabel value is out of range for its label names")
    return table, False


def write_parquet(
    path: Path,
    rows: Iterable[dict[str, Any]],
    features: datasets.Features,
    on_rows: Callable[[int], None] | None = None,
    on_table: Callable[[pa.Table], None] | None = None,
) -> int:
    """Stream rows into one zstd Parquet file whose schema metadata carries the ``datasets`` features.
    ``on_table`` sees each row group's Arrow table as it is written (the build counts their bytes)."""
    schema = features.arrow_schema
    checks = _plain_paths(features)
    count = 0
    writer: pq.ParquetWriter | None = None
    try:
        for batch in _batches(rows, ROW_GROUP_ROWS):
            table, fast = _table(batch, features, schema, checks)
            if not fast:
                checks = None  # the rows need encoding: do not try the fast path again
            if writer is None:
                writer = pq.ParquetWriter(path, schema, compression="zstd")
            writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
            if on_table:
                on_table(table)
            count += len(batch)
            if on_rows:
                on_rows(len(batch))
    finally:
        if writer is not None:
            writer.close()
    return count


def _add_nbytes(sizes: list[int], table: pa.Table) -> None:
    sizes.append(table.nbytes)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    for directory in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_stale_builds(root: Path) -> None:
    """Delete temporary folders left by builds that were killed (their process is gone)."""
    for child in root.glob(f"{_BUILDING_PREFIX}*"):
        pid_text = child.name.rsplit("-", 1)[-1]
        alive = False
        if pid_text.isdigit():
            try:
                os.kill(int(pid_text), 0)
                alive = int(pid_text) != os.getpid()
            except OSError:
                alive = False
        if not alive:
            shutil.rmtree(child, ignore_errors=True)


def write_latest(version: str) -> None:
    """Point ``releases/LATEST`` at ``version`` (the release just built), atomically."""
    root = releases_dir()
    temporary = root / f".{LATEST}.{os.getpid()}.tmp"
    temporary.write_text(parse_version(version) + "\n")
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, root / LATEST)


def build_release(
    version: str,
    configs: list[ReleaseConfig],
    *,
    card: Callable[[BuildStats], str],
    manifest_extra: dict[str, Any] | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> Path:
    """Write ``releases/vVERSION`` atomically: Parquet per config and split, the card (ending with the release
    fingerprint), the manifest, LATEST."""
    version = parse_version(version)
    final = release_path(version)
    if final.exists():
        raise NewsspanError(
            f"release v{version} already exists and releases are immutable",
            where=str(final),
            hint="build a new version (e.g. bump the patch number)",
        )
    root = releases_dir()
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(root)
    building = root / f"{_BUILDING_PREFIX}{version}-{os.getpid()}"
    building.mkdir()
    try:
        stats = BuildStats(version=version)
        for config in configs:
            split_rows: dict[str, int] = {}
            for split, rows in config.splits.items():
                relative = f"data/{config.name}/{split}-00000-of-00001.parquet"
                target = building / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                tables: list[int] = []  # bytes of each row group as Arrow data
                count = write_parquet(target, rows, config.features, on_rows, partial(_add_nbytes, tables))
                if count:
                    split_rows[split] = count
                    stats.files.append(WrittenFile(relative, count, bytes=target.stat().st_size))
                    stats.arrow_bytes.setdefault(config.name, {})[split] = sum(tables)
                    stats.file_bytes[config.name] = (
                        stats.file_bytes.get(config.name, 0) + target.stat().st_size
                    )
            stats.configs[config.name] = split_rows
        (building / "README.md").write_text(
            card(stats).rstrip("\n") + "\n" + fingerprint_section(), encoding="utf-8"
        )
        stats.files.append(WrittenFile("README.md", None))
        for written in stats.files:
            written.sha256 = _sha256_file(building / written.path)
            written.bytes = (building / written.path).stat().st_size
        manifest = {
            "name": "newsspan",
            "version": version,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "supersedes": [v for v in list_versions() if version_key(v) < version_key(version)],
            "configs": stats.configs,
            "files": [written.__dict__ for written in stats.files],
            "fingerprint_in": "README.md",
            **(manifest_extra or {}),
        }
        manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        (building / MANIFEST).write_bytes(manifest_bytes)
        stamp_fingerprint(building / "README.md", sha256_bytes(manifest_bytes))
        _fsync_tree(building)
        if pause := os.environ.get(_PAUSE_ENV):
            time.sleep(float(pause))
        os.rename(building, final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    write_latest(version)
    return final


def verify_release(version: str, *, fingerprint: str | None = None) -> list[str]:
    """Re-hash every file of a release against its manifest (and, given ``fingerprint``, the manifest against
    it); one sentence per problem, see :func:`corpus.release_integrity.verify_folder`."""
    version = parse_version(version)
    return verify_folder(release_path(version), version, fingerprint=fingerprint)


def release_fingerprint(version: str) -> str:
    """The release fingerprint of a published release: sha256 of its MANIFEST.json (64 hex digits)."""
    return fingerprint_of(release_path(version))


@dataclass
class Release:
    """A published release folder."""

    version: str
    path: Path

    @property
    def manifest(self) -> dict[str, Any]:
        """The release's MANIFEST.json (NewsspanError, one line, when it is damaged or incomplete)."""
        return read_manifest(self.path)[0]

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.path)

    def table(self, config: str, split: str | None = None) -> pa.Table:
        """All rows of a config (optionally one split) as an Arrow table."""
        files = sorted((self.path / "data" / config).glob(f"{split or '*'}-*.parquet"))
        if not files:
            raise NewsspanError(f"release v{self.version} has no config '{config}'", where=str(self.path))
        return pa.concat_tables(pq.read_table(file) for file in files)

    def documents(self) -> list[dict[str, Any]]:
        """The release's document records (docs/contracts.md), ``metadata`` decoded."""
        rows = self.table("documents").to_pylist()
        for row in rows:
            row["metadata"] = json.loads(row.pop("metadata_json") or "{}")
        return rows


def open_release(version: str | None = None) -> Release:
    """A published release (the LATEST one when ``version`` is None), or a clear error."""
    chosen = parse_version(version) if version else latest_version()
    if chosen is None:
        raise NewsspanError(
            f"no release in {releases_dir()}",
            hint="run 'newsspan ingest seeds/' then 'newsspan release build 0.1.0' (or 'make run')",
        )
    path = release_path(chosen)
    if not (path / MANIFEST).is_file():
        raise NewsspanError(
            f"release v{chosen} does not exist",
            where=str(path),
            hint="list releases with 'newsspan release list'",
        )
    return Release(chosen, path)
