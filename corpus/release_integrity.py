"""Release integrity: the manifest, the release fingerprint, and verification of a release folder.

A release's ``MANIFEST.json`` lists every other file with its sha256, size and row count. The release's
**fingerprint** is the sha256 of the manifest's bytes: it pins every file at once. ``release build`` prints it,
the card carries it and ``release push`` uses it as the Hub tag's message. Given a fingerprint from a trusted
place, ``verify_folder(..., fingerprint=FP)`` proves a copy is that release; without one, verification only
proves the files agree with whatever manifest sits beside them (someone who rewrites a Parquet file and its
sha256 in the manifest passes that check). The fingerprint is not a signature: it says nothing about who built
the release (docs/security.md, "Release fingerprints").

The card cannot hold the hash of a manifest that holds the card's hash, so the card is written with a
placeholder fingerprint, hashed for the manifest, then stamped with the real fingerprint (same length). The
manifest names that file in ``fingerprint_in``; verification checks the stamped value against the manifest and
hashes the card with the placeholder put back.

Verification reads nothing outside the release: a manifest path that is absolute or climbs out (``..``) is
refused unread, symbolic links are reported and never followed, and FIFOs or devices are never opened.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from corpus.errors import NewsspanError

MANIFEST = "MANIFEST.json"
FINGERPRINT_LABEL = "Release fingerprint: `sha256:"
PLACEHOLDER = "0" * 64
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT_LINE = re.compile(re.escape(FINGERPRINT_LABEL).encode() + rb"([0-9a-f]{64})`")
_DAMAGED_HINT = "the release is damaged: rebuild it under a new version, or download it again from the Hub"
_SHARD = re.compile(r"data/([^/]+)/([^/]+?)-\d+-of-\d+\.parquet")


def fingerprint_section(fingerprint: str = PLACEHOLDER) -> str:
    """The card's closing section, which states the release fingerprint."""
    return f"""
## Fingerprint

{FINGERPRINT_LABEL}{fingerprint}`

The fingerprint is the sha256 of this release's `MANIFEST.json`, which lists the sha256 of every other file.
Check a copy against the fingerprint its publisher gave you (not only the one printed here, which travels with
the copy): `newsspan release verify VERSION --fingerprint FINGERPRINT`. A matching fingerprint proves the files
are those of that release; it does not prove who built it.
"""


def stamp_fingerprint(card: Path, fingerprint: str) -> None:
    """Replace the card's placeholder fingerprint with the real one (same length, so its size is unchanged)."""
    data = card.read_bytes()
    placeholder = (FINGERPRINT_LABEL + PLACEHOLDER + "`").encode()
    if data.count(placeholder) != 1:
        raise NewsspanError(f"the card {card} must hold exactly one fingerprint placeholder")
    card.write_bytes(data.replace(placeholder, (FINGERPRINT_LABEL + fingerprint + "`").encode()))


def normalize_fingerprint(value: str) -> str:
    """A fingerprint as 64 lowercase hex digits (``sha256:`` prefix and surrounding space allowed)."""
    cleaned = value.strip().lower().removeprefix("sha256:")
    if not _HEX64.fullmatch(cleaned):
        raise NewsspanError(
            f"'{_shown(value, 80)}' is not a release fingerprint",
            hint="a fingerprint is sha256: followed by 64 hex digits, as 'newsspan release build' prints it",
        )
    return cleaned


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _shown(value: Any, limit: int = 120) -> str:
    """User-controlled text (a path from a manifest) as one printable line of bounded length."""
    text = value if isinstance(value, str) and value.isprintable() else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- reading the manifest ---------------------------------------------------------------------------------


def _open_regular(path: Path, what: str) -> int:
    """A read-only descriptor of ``path``, refusing a symbolic link or anything but a regular file (never
    blocking on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise NewsspanError(
            f"{what} has no {path.name}",
            where=str(path.parent),
            hint="list releases with 'newsspan release list'",
        ) from None
    except OSError as error:
        if os.path.islink(path):
            raise NewsspanError(
                f"{path.name} is a symbolic link; refused (a release holds only regular files)",
                where=str(path),
                hint=_DAMAGED_HINT,
            ) from None
        raise NewsspanError(f"cannot read {path.name} ({error.strerror})", where=str(path)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NewsspanError(
            f"{path.name} is not a regular file; refused", where=str(path), hint=_DAMAGED_HINT
        )
    return fd


def _read_limited(fd: int, limit: int, path: Path) -> bytes:
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NewsspanError(
            f"{path.name} is over {limit:,} bytes, too big for a manifest",
            where=str(path),
            hint=_DAMAGED_HINT,
        )
    return data


def _entry_problem(index: int, entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return f"files[{index}] is not an object"
    if not isinstance(entry.get("path"), str) or not entry["path"]:
        return f"files[{index}] has no path"
    if not isinstance(entry.get("sha256"), str) or not _HEX64.fullmatch(entry["sha256"]):
        return f"files[{index}] ({_shown(entry['path'])}) has no sha256 of 64 hex digits"
    for key, optional in (("bytes", False), ("rows", True)):
        value = entry.get(key)
        if value is None and (optional or key not in entry):
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"files[{index}] ({_shown(entry['path'])}) has a {key} that is not a count"
    return None


def _configs_problem(configs: Any) -> str | None:
    if not isinstance(configs, dict):
        return "'configs' is missing or not an object"
    for name, splits in configs.items():
        if not isinstance(splits, dict) or not all(
            isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0 for rows in splits.values()
        ):
            return f"configs[{_shown(name)}] is not an object of row counts"
    return None


def manifest_problem(manifest: Any) -> str | None:
    """Why a parsed manifest is incomplete (one sentence), or None when it has everything verification uses."""
    if not isinstance(manifest, dict):
        return f"it is a JSON {type(manifest).__name__}, not an object"
    if not isinstance(manifest.get("version"), str):
        return "'version' is missing or not a string"
    files = manifest.get("files")
    if not isinstance(files, list) or not files:
        return "'files' is missing, empty or not a list"
    for index, entry in enumerate(files):
        if problem := _entry_problem(index, entry):
            return problem
    if "fingerprint_in" in manifest and not isinstance(manifest["fingerprint_in"], str):
        return "'fingerprint_in' is not a path"
    return _configs_problem(manifest.get("configs"))


def read_manifest(folder: Path) -> tuple[dict[str, Any], bytes]:
    """A release folder's manifest (checked to be complete) and its exact bytes; one clear error otherwise."""
    path = folder / MANIFEST
    data = _read_limited(_open_regular(path, f"release {folder.name}"), MAX_MANIFEST_BYTES, path)
    try:
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise NewsspanError(
            f"{MANIFEST} is not UTF-8 (byte {error.start})", where=str(path), hint=_DAMAGED_HINT
        ) from None
    except json.JSONDecodeError as error:
        raise NewsspanError(
            f"{MANIFEST} is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})",
            where=str(path),
            hint=_DAMAGED_HINT,
        ) from None
    except RecursionError:
        raise NewsspanError(f"{MANIFEST} is nested too deeply", where=str(path), hint=_DAMAGED_HINT) from None
    if problem := manifest_problem(manifest):
        raise NewsspanError(f"{MANIFEST} is incomplete: {problem}", where=str(path), hint=_DAMAGED_HINT)
    return manifest, data


def fingerprint_of(folder: Path) -> str:
    """The release fingerprint: sha256 of the folder's MANIFEST.json bytes (the manifest must be complete)."""
    return sha256_bytes(read_manifest(folder)[1])


# --- the release folder on disk ---------------------------------------------------------------------------


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device or special file"


def walk_release(folder: Path) -> dict[str, str]:
    """Everything under ``folder`` that is not a real directory, by POSIX relative path -> kind ("file",
    "symbolic link", ...). Symbolic links (to files or folders) are listed, never followed."""
    found: dict[str, str] = {}
    pending = [folder]
    while pending:
        current = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    pending.append(Path(entry.path))
                else:
                    found[Path(entry.path).relative_to(folder).as_posix()] = _kind(mode)
    return found


def unsafe_path(relative: str) -> str | None:
    """Why a manifest path may not be read (absolute, climbing out of the release, not normalized), or None."""
    if "\\" in relative or "\x00" in relative:
        return "is not a plain relative path; refused, not read"
    pure = PurePosixPath(relative)
    if pure.is_absolute():
        return "is an absolute path, outside the release; refused, not read"
    parts = relative.split("/")
    if ".." in parts:
        return "points outside the release; refused, not read"
    if any(part in ("", ".") for part in parts):
        return "is not a normalized relative path; refused, not read"
    if relative == MANIFEST:
        return "the manifest cannot list itself"
    return None


def _hash_file(path: Path, *, keep: bool) -> tuple[str, int, bytes | None]:
    """sha256 and size of a regular file read without following links; with ``keep`` its bytes too when they
    fit in MAX_MANIFEST_BYTES (the card, whose fingerprint line is checked)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    digest = hashlib.sha256()
    size = 0
    kept = bytearray()
    with os.fdopen(fd, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
            if keep and size <= MAX_MANIFEST_BYTES:
                kept += chunk
    return digest.hexdigest(), size, bytes(kept) if keep and size <= MAX_MANIFEST_BYTES else None


def _link_on_path(relative: str, on_disk: dict[str, str]) -> bool:
    parts = relative.split("/")
    return any(on_disk.get("/".join(parts[:end])) == "symbolic link" for end in range(1, len(parts)))


def _presence_problem(relative: str, on_disk: dict[str, str]) -> str | None:
    kind = on_disk.get(relative)
    if kind == "file":
        return None
    if kind is None:
        if _link_on_path(relative, on_disk):
            return f"{_shown(relative)}: a folder on its path is a symbolic link; refused, not followed"
        return f"{_shown(relative)}: missing"
    if kind == "symbolic link":
        return f"{_shown(relative)}: is a symbolic link; refused, not followed"
    return f"{_shown(relative)}: is a {kind}, not a regular file; refused, not read"


def _card_digest(relative: str, data: bytes | None, fingerprint: str) -> tuple[str | None, str | None]:
    """(sha256 of the card with the placeholder put back, problem) for the file carrying the fingerprint."""
    found = _FINGERPRINT_LINE.findall(data or b"")
    if len(found) != 1:
        return None, f"{_shown(relative)}: the card does not state the release fingerprint exactly once"
    stated = found[0].decode()
    if stated != fingerprint:
        return None, (
            f"{_shown(relative)}: the card states fingerprint sha256:{stated[:16]}…, but the manifest's is "
            f"sha256:{fingerprint[:16]}…"
        )
    placeholder = (FINGERPRINT_LABEL + PLACEHOLDER).encode()
    return sha256_bytes((data or b"").replace((FINGERPRINT_LABEL + stated).encode(), placeholder)), None


def _content_problem(folder: Path, entry: dict[str, Any], stamped: bool, fingerprint: str) -> str | None:
    relative = entry["path"]
    try:
        actual, size, data = _hash_file(folder / relative, keep=stamped)
    except OSError as error:
        return f"{_shown(relative)}: cannot be read ({error.strerror})"
    if stamped:
        actual_or_none, problem = _card_digest(relative, data, fingerprint)
        if problem:
            return problem
        actual = actual_or_none or actual
    if actual != entry["sha256"]:
        return (
            f"{_shown(relative)}: sha256 {actual[:12]}… does not match the manifest's {entry['sha256'][:12]}…"
        )
    if entry.get("bytes") is not None and size != entry["bytes"]:
        return f"{_shown(relative)}: {size} bytes, but the manifest says {entry['bytes']}"
    return None


# --- agreement between the manifest, the Parquet files and the card ---------------------------------------


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _shard_key(path: Any) -> tuple[str, str] | None:
    shard = _SHARD.fullmatch(path) if isinstance(path, str) else None
    return (shard.group(1), shard.group(2)) if shard else None


def _row_problems(folder: Path, manifest: dict[str, Any], intact: list[dict[str, Any]]) -> Iterator[str]:
    """Row counts: each intact Parquet file against its manifest entry, and the entries against ``configs``
    (a split with a file already reported as damaged is not counted against them)."""
    intact_paths = {entry["path"] for entry in intact}
    damaged = {_shard_key(entry["path"]) for entry in manifest["files"] if entry["path"] not in intact_paths}
    counted: dict[tuple[str, str], int] = {}
    for entry in intact:
        shard = _SHARD.fullmatch(entry["path"])
        if shard is None:
            continue
        try:
            rows = _parquet_rows(folder / entry["path"])
        except Exception as error:  # pyarrow raises several types for a damaged footer
            yield f"{_shown(entry['path'])}: cannot be read as Parquet ({type(error).__name__})"
            continue
        if entry.get("rows") is not None and rows != entry["rows"]:
            yield f"{_shown(entry['path'])}: holds {rows} rows, but the manifest says {entry['rows']}"
        key = (shard.group(1), shard.group(2))
        counted[key] = counted.get(key, 0) + rows
        if shard.group(2) not in manifest["configs"].get(shard.group(1), {}):
            yield f"{_shown(entry['path'])}: its config and split are not in the manifest's configs"
    for config, splits in manifest["configs"].items():
        for split, rows in splits.items():
            found = counted.get((config, split), 0)
            if found != rows and (config, split) not in damaged:
                name = _shown(f"{config}/{split}")
                yield f"{MANIFEST}: configs say {name} has {rows} rows, its files hold {found}"


def _card_splits(card: Path) -> dict[tuple[str, str], int] | None:
    """The ``num_examples`` per (config, split) in a card's YAML header, or None when it has none."""
    from huggingface_hub.repocard import metadata_load

    try:
        header = metadata_load(card)
    except Exception:  # yaml's errors: a header that does not parse has no counts to compare
        return None
    infos = header.get("dataset_info") if isinstance(header, dict) else None
    infos = [infos] if isinstance(infos, dict) else infos
    if not isinstance(infos, list):
        return None
    found: dict[tuple[str, str], int] = {}
    for info in infos:
        for split in (info.get("splits") or []) if isinstance(info, dict) else []:
            if isinstance(split, dict) and isinstance(split.get("num_examples"), int):
                found[(str(info.get("config_name", "default")), str(split.get("name")))] = split[
                    "num_examples"
                ]
    return found


def _card_problems(folder: Path, manifest: dict[str, Any], intact: list[dict[str, Any]]) -> Iterator[str]:
    if not any(entry["path"] == "README.md" for entry in intact):
        return
    splits = _card_splits(folder / "README.md")
    for (config, split), rows in sorted((splits or {}).items()):
        expected = manifest["configs"].get(config, {}).get(split)
        if expected is not None and expected != rows:
            name = _shown(f"{config}/{split}")
            yield f"README.md: the card says {name} has {rows} rows, the manifest says {expected}"


# --- verification -----------------------------------------------------------------------------------------


def _file_problems(
    folder: Path, manifest: dict[str, Any], on_disk: dict[str, str], fingerprint: str
) -> tuple[list[str], list[dict[str, Any]]]:
    """Problems of every manifest entry, and the entries whose file is intact."""
    problems: list[str] = []
    intact: list[dict[str, Any]] = []
    listed: set[str] = set()
    stamped_path = manifest.get("fingerprint_in")
    for entry in manifest["files"]:
        relative = entry["path"]
        refusal = unsafe_path(relative)
        if refusal is not None:
            problems.append(f"{_shown(relative)}: {refusal}")
            continue
        if relative in listed:
            problems.append(f"{_shown(relative)}: listed twice in the manifest")
            continue
        listed.add(relative)
        problem = _presence_problem(relative, on_disk) or _content_problem(
            folder, entry, relative == stamped_path, fingerprint
        )
        if problem:
            problems.append(problem)
        else:
            intact.append(entry)
    for relative, kind in sorted(on_disk.items()):
        if relative != MANIFEST and relative not in listed:
            shown_kind = "" if kind == "file" else f" (a {kind})"
            problems.append(f"{_shown(relative)}: not listed in the manifest{shown_kind}")
    return problems, intact


def verify_folder(folder: Path, version: str, *, fingerprint: str | None = None) -> list[str]:
    """Every problem of a release folder, one sentence each: a fingerprint that is not the expected one, a
    manifest naming another version, each missing, changed, unlisted, linked or unreadable file, and row
    counts the Parquet files, the manifest and the card disagree on. Raises NewsspanError (one line) when the
    manifest itself is missing, not a regular file, not JSON or incomplete."""
    expected = normalize_fingerprint(fingerprint) if fingerprint is not None else None
    manifest, data = read_manifest(folder)
    actual = sha256_bytes(data)
    problems: list[str] = []
    if expected is not None and actual != expected:
        problems.append(
            f"{MANIFEST}: the release fingerprint is sha256:{actual}, not the expected sha256:{expected} "
            "— this is not the release you were given"
        )
    if manifest["version"] != version:
        problems.append(f"{MANIFEST}: names version {_shown(manifest['version'], 40)!r}, not {version}")
    file_problems, intact = _file_problems(folder, manifest, walk_release(folder), actual)
    problems += file_problems
    problems += _row_problems(folder, manifest, intact)
    problems += _card_problems(folder, manifest, intact)
    return problems
