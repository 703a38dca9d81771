"""Publishing releases to a Hugging Face Hub dataset repo, as immutable tagged versions.

``push_release`` uploads ``releases/vVERSION/`` with ``upload_folder`` (one commit whose tree is exactly
the release folder: files of older releases are deleted in the same commit) and tags that commit
``vVERSION``, with the release fingerprint (sha256 of its MANIFEST.json) as the tag's message. A tag is never
moved or overwritten: pushing a version whose tag already exists is refused.
``download_release`` fetches a tagged version with ``snapshot_download(revision=tag)``;
``load_dataset(repo, revision=tag)`` is not used because it ignores the revision offline (datasets #7928).

The Hub address comes from ``HF_ENDPOINT`` read at call time (so tests and mirrors can point elsewhere),
the token from ``token=``, ``HF_TOKEN`` or ``hf auth login``. Every Hub failure becomes one
``NewsspanError`` line.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from huggingface_hub import HfApi, constants, snapshot_download
from huggingface_hub.errors import (
    HfHubHTTPError,
    HFValidationError,
    LocalEntryNotFoundError,
    LocalTokenNotFoundError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from corpus.errors import NewsspanError
from corpus.release import MANIFEST, release_fingerprint, release_path, verify_release
from corpus.semver import parse_version

REPO_TYPE = "dataset"
_AUTH_HINT = "log in with 'hf auth login' or set HF_TOKEN to a token with write access"


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Network errors of huggingface_hub's HTTP client (httpx2 in 2.x, httpx in 1.x, requests before)."""
    found: list[type[BaseException]] = [LocalEntryNotFoundError]
    for module, name in (
        ("httpx2", "TransportError"),
        ("httpx", "TransportError"),
        ("requests", "ConnectionError"),
    ):
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(found)


_TRANSPORT_ERRORS = _transport_errors()


def release_tag(version: str) -> str:
    """The Hub tag of a release version: ``v`` + the semantic version."""
    return f"v{parse_version(version)}"


def hub_endpoint() -> str:
    """The Hub base URL: ``HF_ENDPOINT`` as it is now (huggingface_hub reads it only once, at import)."""
    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def _repo_url(repo_id: str) -> str:
    return f"{hub_endpoint()}/datasets/{repo_id}"


def _check_repo_id(repo_id: str) -> None:
    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise NewsspanError(
            f"'{repo_id}' is not a Hub dataset repo id",
            hint="use ORG/NAME, for example my-org/newsspan-corpus",
        )


def _first_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[0] if lines else ""


def _translate(error: BaseException, action: str, repo_id: str) -> NewsspanError | None:
    """One clear NewsspanError for a huggingface_hub / network failure (looking through wrapped causes)."""
    where = _repo_url(repo_id)
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OfflineModeIsEnabled):
            return NewsspanError(
                f"cannot {action}: offline mode is on (HF_HUB_OFFLINE)",
                where=where,
                hint="unset HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE to talk to the Hub",
            )
        if isinstance(seen, _TRANSPORT_ERRORS):
            return NewsspanError(
                f"cannot {action}: the Hub at {hub_endpoint()} is unreachable ({type(seen).__name__})",
                where=where,
                hint="check the network, a proxy, or HF_ENDPOINT, then run the command again",
            )
        if isinstance(seen, LocalTokenNotFoundError):
            return NewsspanError(
                f"cannot {action}: no Hugging Face token found", where=where, hint=_AUTH_HINT
            )
        if isinstance(seen, HFValidationError):
            return NewsspanError(
                f"cannot {action}: {_first_line(str(seen))}", where=where, hint="use ORG/NAME"
            )
        if isinstance(seen, HfHubHTTPError):
            status = seen.response.status_code if seen.response is not None else None
            if status == 401:
                return NewsspanError(
                    f"cannot {action}: the Hub rejected the credentials (HTTP 401)",
                    where=where,
                    hint=_AUTH_HINT,
                )
            if status == 403:
                return NewsspanError(
                    f"cannot {action}: the token may not write to {repo_id} (HTTP 403)",
                    where=where,
                    hint="use a token with write access to that organisation or user",
                )
            if isinstance(seen, RevisionNotFoundError):
                return NewsspanError(
                    f"cannot {action}: that revision does not exist on {repo_id}",
                    where=where,
                    hint=f"list the tags with: hf repos tag list {repo_id} --repo-type dataset",
                )
            if isinstance(seen, RepositoryNotFoundError):
                return NewsspanError(
                    f"cannot {action}: dataset repo {repo_id} not found (or private and hidden from you)",
                    where=where,
                    hint="check --repo-id and your token",
                )
            detail = _first_line(seen.server_message) or _first_line(str(seen))
            return NewsspanError(f"cannot {action}: the Hub answered HTTP {status}: {detail}", where=where)
        seen = seen.__cause__ or seen.__context__
    return None


@contextmanager
def _hub_errors(action: str, repo_id: str) -> Iterator[None]:
    try:
        yield
    except NewsspanError:
        raise
    except Exception as error:
        translated = _translate(error, action, repo_id)
        if translated is None:
            raise
        raise translated from None


def _existing_tag(api: HfApi, repo_id: str, tag: str) -> str | None:
    """The commit a tag points to on the Hub, or None when the tag (or the whole repo) does not exist."""
    try:
        refs = api.list_repo_refs(repo_id, repo_type=REPO_TYPE)
    except RepositoryNotFoundError as error:
        if error.response is not None and error.response.status_code in (401, 403):
            raise
        return None
    return next((ref.target_commit for ref in refs.tags if ref.name == tag), None)


def _refuse_existing_tag(repo_id: str, tag: str, commit: str | None) -> NewsspanError:
    pointing = f" (commit {commit[:12]})" if commit else ""
    return NewsspanError(
        f"tag {tag} already exists on {repo_id}{pointing} and released versions are immutable",
        where=_repo_url(repo_id),
        hint="build and push a new version, e.g. bump the patch number",
    )


def tag_message(version: str, fingerprint: str | None) -> str:
    """The Hub tag's message: the release and its fingerprint (a folder without a manifest has none)."""
    if fingerprint is None:
        return f"newsspan release {release_tag(version)} (no MANIFEST.json, so no fingerprint)"
    return f"newsspan release {release_tag(version)} fingerprint sha256:{fingerprint}"


def push_release(version: str, repo_id: str, *, private: bool = False, token: str | None = None) -> str:
    """Upload ``releases/vVERSION`` to the dataset repo ``repo_id``, tag it ``vVERSION`` with the release
    fingerprint as the tag message; return the commit.

    Refuses (NewsspanError) when the release folder is missing or fails verification against its
    manifest, when the tag already exists on the Hub, when ``private`` is asked for an existing public repo,
    and when the Hub is unreachable or rejects the token. ``private`` applies when the repo is created.
    """
    version = parse_version(version)
    tag = release_tag(version)
    _check_repo_id(repo_id)
    folder = release_path(version)
    if not folder.is_dir():
        raise NewsspanError(
            f"release v{version} does not exist, so there is nothing to push",
            where=str(folder),
            hint=f"build it first with 'newsspan release build {version}' or list releases with "
            "'newsspan release list'",
        )
    if (folder / MANIFEST).is_file() and (problems := verify_release(version)):
        raise NewsspanError(
            f"release v{version} does not match its {MANIFEST} ({problems[0]}), so it was not pushed",
            where=str(folder),
            hint=f"run 'newsspan release verify {version}'; rebuild it under a new version",
        )
    fingerprint = release_fingerprint(version) if (folder / MANIFEST).is_file() else None

    api = HfApi(endpoint=hub_endpoint(), token=token)
    with _hub_errors(f"push v{version} to {repo_id}", repo_id):
        existing = _existing_tag(api, repo_id, tag)
        if existing is not None:
            raise _refuse_existing_tag(repo_id, tag, existing)
        api.create_repo(repo_id, repo_type=REPO_TYPE, private=private, exist_ok=True)
        if private and api.repo_info(repo_id, repo_type=REPO_TYPE).private is False:
            raise NewsspanError(
                f"dataset repo {repo_id} already exists and is public, but --private was asked for",
                where=_repo_url(repo_id),
                hint="make the repo private in its settings on the Hub, or push without --private",
            )
        commit = api.upload_folder(
            repo_id=repo_id,
            repo_type=REPO_TYPE,
            folder_path=folder,
            commit_message=f"Release {tag}",
            commit_description=f"{tag_message(version, fingerprint)}, uploaded from {folder.name}/",
            delete_patterns=["*"],  # the tagged tree is exactly this release: drop files of older releases
        )
        try:
            api.create_tag(
                repo_id,
                repo_type=REPO_TYPE,
                tag=tag,
                revision=commit.oid,
                tag_message=tag_message(version, fingerprint),
            )
        except HfHubHTTPError as error:
            # 409: someone tagged this version between our check and now
            if error.response is not None and error.response.status_code == 409:
                raise _refuse_existing_tag(repo_id, tag, _existing_tag(api, repo_id, tag)) from None
            raise
    return commit.oid


def download_release(repo_id: str, version: str, local_dir: str | Path, *, token: str | None = None) -> Path:
    """Download the tagged version ``vVERSION`` of a Hub dataset repo into ``local_dir``; return that folder.

    Load it with ``datasets.load_dataset(str(folder), "documents")``.
    """
    tag = release_tag(version)
    _check_repo_id(repo_id)
    with _hub_errors(f"download {tag} of {repo_id}", repo_id):
        path = snapshot_download(
            repo_id,
            repo_type=REPO_TYPE,
            revision=tag,
            local_dir=local_dir,
            endpoint=hub_endpoint(),
            token=token,
        )
    return Path(path)
