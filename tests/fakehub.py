"""A small fake of the Hugging Face Hub HTTP API, for tests without internet (standard library only).

It serves the endpoints that ``huggingface_hub`` (2.x, with ``HF_HUB_DISABLE_XET=1``) calls for
``create_repo``, ``upload_folder`` / ``create_commit`` (preupload, regular files inline, LFS files through the
LFS batch API + PUT + verify), ``create_tag``, ``list_repo_refs``, ``repo_info`` / ``dataset_info``,
``list_repo_tree`` and ``snapshot_download`` / ``hf_hub_download`` (HEAD and GET on ``/resolve/``).

Storage: blobs are content-addressed files under ``root/blobs`` (or a temporary folder); repos, commits,
branches and tags live in memory. Every commit owns its own file table, so a tag points to an immutable
snapshot: later commits on ``main`` never change what the tag serves.

Usage::

    with FakeHub(tokens={"fake"}) as hub:
        os.environ["HF_ENDPOINT"] = hub.url  # plus HF_HUB_DISABLE_XET=1 and HF_TOKEN=fake
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
URL_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}
LFS_SIZE_THRESHOLD = 10 * 1024 * 1024  # the Hub sends files above 10 MB through LFS
# The .gitattributes the Hub writes into every new repo (its LFS patterns decide the upload mode).
DEFAULT_GITATTRIBUTES = "".join(
    f"{pattern} filter=lfs diff=lfs merge=lfs -text\n"
    for pattern in (
        "*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.gz", "*.h5", "*.lz4", "*.npy", "*.npz",
        "*.parquet", "*.pickle", "*.pkl", "*.pt", "*.pth", "*.safetensors", "*.tar", "*.zip", "*.zst",
    )
)  # fmt: skip
INVALID_CREDENTIALS = "Invalid credentials in Authorization header"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def git_blob_oid(content: bytes) -> str:
    """The git object id of a blob (what the Hub calls a regular file's ``oid``)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str
    lfs: bool
    git_oid: str  # git blob oid of the content (regular file) or of the LFS pointer

    @property
    def etag(self) -> str:
        return self.sha256 if self.lfs else self.git_oid

    def tree_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": "file", "oid": self.git_oid, "size": self.size, "path": self.path}
        if self.lfs:
            pointer = lfs_pointer(self.sha256, self.size)
            entry["lfs"] = {"oid": self.sha256, "size": self.size, "pointerSize": len(pointer)}
        return entry


@dataclass(frozen=True)
class Commit:
    oid: str
    parent: str | None
    message: str
    date: str
    files: dict[str, FileEntry]  # never mutated after the commit is made


@dataclass
class Repo:
    repo_type: str
    repo_id: str
    private: bool
    created_at: str
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)  # name -> commit oid
    tags: dict[str, str] = field(default_factory=dict)  # name -> commit oid

    def resolve(self, revision: str) -> Commit | None:
        """A branch, tag, ``refs/heads/x``, ``refs/tags/x`` or full commit oid -> the commit, else None."""
        if revision.startswith("refs/heads/"):
            oid = self.branches.get(revision.removeprefix("refs/heads/"))
        elif revision.startswith("refs/tags/"):
            oid = self.tags.get(revision.removeprefix("refs/tags/"))
        else:
            oid = self.branches.get(revision) or self.tags.get(revision)
            if oid is None and revision in self.commits:
                oid = revision
        return self.commits.get(oid) if oid else None


class HubError(Exception):
    """An HTTP error answer, with the headers huggingface_hub reads to pick its exception class."""

    def __init__(
        self, status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})


class FakeHub:
    """The fake Hub: state plus a ThreadingHTTPServer on 127.0.0.1. ``tokens=None`` accepts any token."""

    def __init__(self, root: Path | None = None, *, tokens: Iterable[str] | None = ("fake",), port: int = 0):
        self._tmp = None if root else tempfile.mkdtemp(prefix="fakehub-")
        self.root = Path(root or self._tmp)
        self.blobs = self.root / "blobs"
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.tokens = set(tokens) if tokens is not None else None
        self.repos: dict[tuple[str, str], Repo] = {}
        self.lfs_objects: dict[str, int] = {}  # sha256 -> size, uploaded through LFS
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request, for assertions
        self.lock = threading.RLock()
        self._commit_counter = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _make_handler(self))
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        self._thread = threading.Thread(target=self.server.serve_forever, name="fakehub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inspection helpers for tests ------------------------------------------------------------------------
    def repo(self, repo_id: str, repo_type: str = "dataset") -> Repo:
        return self.repos[(repo_type, repo_id)]

    def files_at(self, repo_id: str, revision: str, repo_type: str = "dataset") -> dict[str, bytes]:
        commit = self.repo(repo_id, repo_type).resolve(revision)
        assert commit is not None, f"no revision {revision} in {repo_id}"
        return {path: self._read_blob(entry.sha256) for path, entry in commit.files.items()}

    # -- storage ---------------------------------------------------------------------------------------------
    def _store_blob(self, content: bytes) -> str:
        sha = hashlib.sha256(content).hexdigest()
        target = self.blobs / sha
        if not target.exists():
            tmp = target.with_suffix(f".tmp-{threading.get_ident()}")
            tmp.write_bytes(content)
            tmp.replace(target)
        return sha

    def _read_blob(self, sha256: str) -> bytes:
        return (self.blobs / sha256).read_bytes()

    def _new_commit(
        self, repo: Repo, parent: Commit | None, files: dict[str, FileEntry], message: str
    ) -> Commit:
        self._commit_counter += 1
        seed = f"{repo.repo_id}\n{parent.oid if parent else ''}\n{message}\n{self._commit_counter}\n"
        seed += "".join(f"{p}:{e.git_oid}\n" for p, e in sorted(files.items()))
        commit = Commit(
            hashlib.sha1(seed.encode()).hexdigest(), parent.oid if parent else None, message, _now(), files
        )
        repo.commits[commit.oid] = commit
        return commit

    def _entry_for(self, path: str, content: bytes) -> FileEntry:
        sha = self._store_blob(content)
        return FileEntry(path, len(content), sha, lfs=False, git_oid=git_blob_oid(content))

    # -- auth ------------------------------------------------------------------------------------------------
    def _token_ok(self, headers: Any) -> bool:
        auth = headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        return bool(token) and (self.tokens is None or token in self.tokens)

    def _require_write(self, headers: Any) -> None:
        if not self._token_ok(headers):
            raise HubError(401, INVALID_CREDENTIALS)

    def _get_repo(self, repo_type: str, repo_id: str, headers: Any) -> Repo:
        repo = self.repos.get((repo_type, repo_id))
        if repo is None or (repo.private and not self._token_ok(headers)):
            raise HubError(404, "Repository not found", code="RepoNotFound")
        return repo

    def _get_commit(self, repo: Repo, revision: str) -> Commit:
        commit = repo.resolve(revision)
        if commit is None:
            raise HubError(404, f"Invalid rev id: {revision}", code="RevisionNotFound")
        return commit

    # -- routing ---------------------------------------------------------------------------------------------
    def handle(
        self, method: str, raw_path: str, query: dict[str, list[str]], headers: Any, body: bytes
    ) -> Response:
        segments = [unquote(s) for s in raw_path.strip("/").split("/")] if raw_path.strip("/") else []
        with self.lock:
            self.requests.append((method, unquote(raw_path)))
            if segments[:2] == ["api", "repos"] and segments[2:] == ["create"] and method == "POST":
                return self._create_repo(headers, body)
            if segments == ["api", "validate-yaml"] and method == "POST":
                return Response.json({"errors": [], "warnings": []})
            if segments == ["api", "whoami-v2"] and method == "GET":
                if not self._token_ok(headers):
                    raise HubError(401, INVALID_CREDENTIALS)
                return Response.json({"type": "user", "name": "fake-user", "orgs": [], "auth": {}})
            if len(segments) >= 4 and segments[0] == "api" and segments[1] in REPO_TYPES:
                repo_type, repo_id = REPO_TYPES[segments[1]], f"{segments[2]}/{segments[3]}"
                return self._api(method, repo_type, repo_id, segments[4:], query, headers, body)
            if segments[:2] == ["fake-lfs", "upload"] and method == "PUT" and len(segments) == 3:
                return self._lfs_put(segments[2], body)
            if segments[:2] == ["fake-lfs", "verify"] and method == "POST" and len(segments) == 3:
                return self._lfs_verify(segments[2], body)
            repo_type, rest = (
                ("dataset", segments[1:]) if segments[:1] == ["datasets"] else ("model", segments)
            )
            if segments[:1] == ["spaces"]:
                repo_type, rest = "space", segments[1:]
            if (
                len(rest) >= 3
                and rest[1].endswith(".git")
                and rest[2:] == ["info", "lfs", "objects", "batch"]
            ):
                return self._lfs_batch(repo_type, f"{rest[0]}/{rest[1][:-4]}", headers, body)
            if len(rest) >= 5 and rest[2] == "resolve" and method in ("GET", "HEAD"):
                repo_id = f"{rest[0]}/{rest[1]}"
                return self._resolve(method, repo_type, repo_id, rest[3], "/".join(rest[4:]), headers)
        raise HubError(404, f"Fake Hub has no route for {method} {raw_path}")

    def _api(
        self,
        method: str,
        repo_type: str,
        repo_id: str,
        rest: list[str],
        query: dict,
        headers: Any,
        body: bytes,
    ) -> Response:
        repo = self._get_repo(repo_type, repo_id, headers)
        action = rest[0] if rest else None
        if method == "GET" and action in (None, "revision"):
            commit = self._get_commit(repo, rest[1] if action == "revision" and len(rest) > 1 else "main")
            return Response.json(self._repo_info(repo, commit, blobs=_flag(query, "blobs")))
        if method == "GET" and action == "refs":
            return Response.json(self._refs(repo, include_prs=_flag(query, "include_prs")))
        if method == "GET" and action == "tree" and len(rest) >= 2:
            commit = self._get_commit(repo, rest[1])
            return Response.json(self._tree(commit, "/".join(rest[2:]), recursive=_flag(query, "recursive")))
        if method == "POST" and action == "preupload" and len(rest) == 2:
            self._require_write(headers)
            return self._preupload(repo, rest[1], body)
        if method == "POST" and action == "commit" and len(rest) == 2:
            self._require_write(headers)
            if _flag(query, "create_pr"):
                raise HubError(400, "The fake Hub does not support pull requests")
            return self._commit(repo, rest[1], body)
        if method == "POST" and action == "tag" and len(rest) == 2:
            self._require_write(headers)
            return self._create_tag(repo, rest[1], body)
        raise HubError(
            404, f"Fake Hub has no route for {method} /api/{repo_type}s/{repo_id}/{'/'.join(rest)}"
        )

    # -- endpoints -------------------------------------------------------------------------------------------
    def _create_repo(self, headers: Any, body: bytes) -> Response:
        self._require_write(headers)
        payload = json.loads(body or b"{}")
        name, organization = payload.get("name"), payload.get("organization")
        if not name or not organization:
            raise HubError(400, "The fake Hub needs repo ids of the form 'namespace/name'")
        repo_type = payload.get("type") or "model"
        repo_id = f"{organization}/{name}"
        url = f"{self.url}/{URL_PREFIX[repo_type]}{repo_id}"
        if (repo_type, repo_id) in self.repos:
            return Response.json(
                {"error": f"You already created this {repo_type} repo", "url": url}, status=409
            )
        private = payload.get("visibility") == "private" or bool(payload.get("private"))
        repo = Repo(repo_type, repo_id, private, _now())
        initial = {".gitattributes": self._entry_for(".gitattributes", DEFAULT_GITATTRIBUTES.encode())}
        repo.branches["main"] = self._new_commit(repo, None, initial, "initial commit").oid
        self.repos[(repo_type, repo_id)] = repo
        return Response.json({"url": url, "name": repo_id, "id": repo_id})

    def _repo_info(self, repo: Repo, commit: Commit, *, blobs: bool) -> dict[str, Any]:
        siblings = []
        for path, entry in sorted(commit.files.items()):
            sibling: dict[str, Any] = {"rfilename": path}
            if blobs:
                sibling.update(size=entry.size, blobId=entry.git_oid)
                if entry.lfs:
                    pointer_size = len(lfs_pointer(entry.sha256, entry.size))
                    sibling["lfs"] = {"size": entry.size, "sha256": entry.sha256, "pointerSize": pointer_size}
            siblings.append(sibling)
        return {
            "_id": hashlib.md5(repo.repo_id.encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0],
            "sha": commit.oid,
            "createdAt": repo.created_at,
            "lastModified": commit.date,
            "private": repo.private,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "siblings": siblings,
        }

    def _refs(self, repo: Repo, *, include_prs: bool) -> dict[str, Any]:
        def refs(kind: str, table: dict[str, str]) -> list[dict[str, str]]:
            return [
                {"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": oid}
                for n, oid in sorted(table.items())
            ]

        data: dict[str, Any] = {
            "branches": refs("heads", repo.branches),
            "converts": [],
            "tags": refs("tags", repo.tags),
        }
        if include_prs:
            data["pullRequests"] = []
        return data

    def _tree(self, commit: Commit, path: str, *, recursive: bool) -> list[dict[str, Any]]:
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        files = [e for p, e in sorted(commit.files.items()) if p.startswith(prefix)]
        if prefix and not files and path.strip("/") not in commit.files:
            raise HubError(404, f"Entry not found: {path}", code="EntryNotFound")
        folders: set[str] = set()
        out: list[dict[str, Any]] = []
        for entry in files:
            parts = entry.path[len(prefix) :].split("/")
            for depth in range(1, len(parts)):
                folders.add(prefix + "/".join(parts[:depth]))
            if recursive or len(parts) == 1:
                out.append(entry.tree_json())
        for folder in sorted(folders):
            if recursive or "/" not in folder[len(prefix) :]:
                oid = hashlib.sha1(f"tree:{commit.oid}:{folder}".encode()).hexdigest()
                out.append({"type": "directory", "oid": oid, "size": 0, "path": folder})
        return out

    def _lfs_patterns(self, commit: Commit) -> list[str]:
        entry = commit.files.get(".gitattributes")
        if entry is None:
            return []
        lines = self._read_blob(entry.sha256).decode("utf-8", "replace").splitlines()
        return [line.split()[0] for line in lines if "filter=lfs" in line.split()[1:]]

    def _preupload(self, repo: Repo, revision: str, body: bytes) -> Response:
        commit = self._get_commit(repo, revision)
        patterns = self._lfs_patterns(commit)
        files = []
        for item in json.loads(body)["files"]:
            path, size = item["path"], int(item["size"])
            sample = base64.b64decode(item.get("sample") or "")
            name = path.rsplit("/", 1)[-1]
            is_lfs = size >= LFS_SIZE_THRESHOLD or b"\0" in sample
            is_lfs = is_lfs or any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p) for p in patterns)
            existing = commit.files.get(path)
            oid = None if existing is None else (existing.sha256 if existing.lfs else existing.git_oid)
            mode = "lfs" if is_lfs else "regular"
            files.append({"path": path, "uploadMode": mode, "shouldIgnore": False, "oid": oid})
        return Response.json({"files": files, "commitOid": commit.oid})

    def _lfs_batch(self, repo_type: str, repo_id: str, headers: Any, body: bytes) -> Response:
        self._require_write(headers)
        repo = self._get_repo(repo_type, repo_id, headers)
        payload = json.loads(body)
        if payload.get("operation") != "upload":
            raise HubError(400, "The fake Hub only supports LFS uploads")
        objects = []
        for obj in payload.get("objects", []):
            oid, size = obj["oid"], int(obj["size"])
            answer: dict[str, Any] = {"oid": oid, "size": size, "authenticated": True}
            if self.lfs_objects.get(oid) != size:  # not stored yet: tell the client where to PUT it
                answer["actions"] = {
                    "upload": {"href": f"{self.url}/fake-lfs/upload/{oid}", "header": {}},
                    "verify": {"href": f"{self.url}/fake-lfs/verify/{oid}", "header": {}},
                }
            objects.append(answer)
        del repo  # only checked for existence and access
        return Response.json({"transfer": "basic", "objects": objects, "hash_algo": "sha256"})

    def _lfs_put(self, oid: str, body: bytes) -> Response:
        if hashlib.sha256(body).hexdigest() != oid:
            raise HubError(400, f"Uploaded content does not match sha256 {oid}")
        self._store_blob(body)
        self.lfs_objects[oid] = len(body)
        return Response(200, b"", {"ETag": f'"{hashlib.md5(body).hexdigest()}"'})

    def _lfs_verify(self, oid: str, body: bytes) -> Response:
        payload = json.loads(body)
        if self.lfs_objects.get(oid) != int(payload.get("size", -1)):
            raise HubError(404, f"LFS object {oid} not found or wrong size")
        return Response.json({"success": True})

    def _apply_operation(
        self, files: dict[str, FileEntry], key: str, value: dict[str, Any]
    ) -> dict[str, FileEntry]:
        """One file operation of a commit (file, lfsFile, deletedFile, deletedFolder) applied to ``files``."""
        if key == "file":
            content = (
                base64.b64decode(value["content"]) if value.get("encoding") == "base64" else value["content"]
            )
            content = content.encode() if isinstance(content, str) else content
            files[value["path"]] = self._entry_for(value["path"], content)
        elif key == "lfsFile":
            sha, size = value["oid"], self.lfs_objects.get(value["oid"])
            if size is None or ("size" in value and int(value["size"]) != size):
                raise HubError(400, f"LFS object {sha} for {value['path']} was not uploaded")
            pointer = lfs_pointer(sha, size)
            files[value["path"]] = FileEntry(
                value["path"], size, sha, lfs=True, git_oid=git_blob_oid(pointer)
            )
        elif key == "deletedFile":
            if files.pop(value["path"], None) is None:
                raise HubError(404, f"A file with this name doesn't exist: {value['path']}", "EntryNotFound")
        elif key == "deletedFolder":
            prefix = value["path"].rstrip("/") + "/"
            files = {p: e for p, e in files.items() if not p.startswith(prefix)}
        else:
            raise HubError(400, f"The fake Hub does not support commit operation {key!r}")
        return files

    def _commit(self, repo: Repo, revision: str, body: bytes) -> Response:
        branch = revision.removeprefix("refs/heads/")
        if branch not in repo.branches:
            raise HubError(
                404, f"Invalid rev id: {revision} (commits go to an existing branch)", "RevisionNotFound"
            )
        parent = repo.commits[repo.branches[branch]]
        files = dict(parent.files)
        message = ""
        for line in body.splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            key, value = item["key"], item["value"]
            if key == "header":
                message = value.get("summary") or ""
                expected = value.get("parentCommit")
                if expected and not parent.oid.startswith(expected):
                    raise HubError(
                        412, f"Parent commit {expected} is not the head of {branch} ({parent.oid})"
                    )
            else:
                files = self._apply_operation(files, key, value)
        if not message:
            raise HubError(400, "A commit needs a summary")
        commit = self._new_commit(repo, parent, files, message)
        repo.branches[branch] = commit.oid
        commit_url = f"{self.url}/{URL_PREFIX[repo.repo_type]}{repo.repo_id}/commit/{commit.oid}"
        return Response.json({"success": True, "commitOid": commit.oid, "commitUrl": commit_url})

    def _create_tag(self, repo: Repo, revision: str, body: bytes) -> Response:
        commit = self._get_commit(repo, revision)
        tag = json.loads(body or b"{}").get("tag")
        if not tag:
            raise HubError(400, "Missing tag name")
        if tag in repo.tags:
            raise HubError(409, f"Tag {tag} already exists (it points to {repo.tags[tag]})")
        repo.tags[tag] = commit.oid
        return Response.json({})

    def _resolve(
        self, method: str, repo_type: str, repo_id: str, revision: str, path: str, headers: Any
    ) -> Response:
        repo = self._get_repo(repo_type, repo_id, headers)
        commit = self._get_commit(repo, revision)
        entry = commit.files.get(path)
        if entry is None:
            raise HubError(404, f"Entry not found: {path}", "EntryNotFound", {"X-Repo-Commit": commit.oid})
        out = {
            "X-Repo-Commit": commit.oid,
            "ETag": f'"{entry.etag}"',
            "Content-Type": "application/octet-stream",
            "Accept-Ranges": "bytes",
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(path.rsplit('/', 1)[-1])}",
        }
        if entry.lfs:
            out.update({"X-Linked-Etag": f'"{entry.sha256}"', "X-Linked-Size": str(entry.size)})
        content = self._read_blob(entry.sha256) if method == "GET" else b""
        status, first, last = 200, 0, entry.size - 1
        range_header = headers.get("Range")
        if method == "GET" and range_header and range_header.startswith("bytes=") and entry.size:
            first, last = _parse_range(range_header, entry.size)
            status, content = 206, content[first : last + 1]
            out["Content-Range"] = f"bytes {first}-{last}/{entry.size}"
        out["Content-Length"] = str(last - first + 1 if status == 206 else entry.size)
        return Response(status, content, out)


def _parse_range(header: str, size: int) -> tuple[int, int]:
    """The first range of a ``bytes=`` header as inclusive (first, last) offsets."""
    start, _, end = header.removeprefix("bytes=").split(",")[0].strip().partition("-")
    if start:
        first, last = int(start), min(int(end), size - 1) if end else size - 1
    else:  # suffix range: the last N bytes
        first, last = max(size - int(end), 0), size - 1
    if first > last:
        raise HubError(416, "Requested range not satisfiable")
    return first, last


def _flag(query: dict[str, list[str]], name: str) -> bool:
    values = query.get(name) or []
    return bool(values) and values[-1].lower() in ("1", "true", "yes")


def _read_chunked(rfile: Any) -> bytes:
    """A request body sent with ``Transfer-Encoding: chunked`` (huggingface_hub streams uploads that way)."""
    chunks = []
    while True:
        size = int(rfile.readline().split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        chunks.append(rfile.read(size))
        rfile.readline()


def _make_handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like the real Hub; every answer carries Content-Length

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
            pass

        def _read_body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                return _read_chunked(self.rfile)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _dispatch(self) -> None:
            body = self._read_body()  # always drain the body so the kept-alive connection stays in sync
            split = urlsplit(self.path)
            try:
                response = hub.handle(self.command, split.path, parse_qs(split.query), self.headers, body)
            except HubError as error:
                response = Response.json({"error": error.message}, status=error.status)
                response.headers["X-Error-Message"] = error.message
                if error.code:
                    response.headers["X-Error-Code"] = error.code
                response.headers.update(error.headers)
            except Exception as error:  # a bug in the fake: answer 500 with the reason instead of hanging
                response = Response.json({"error": f"fake hub crashed: {error!r}"}, status=500)
            self.send_response(response.status)
            headers = dict(response.headers)
            headers.setdefault("Content-Length", str(len(response.body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD" and response.body:
                self.wfile.write(response.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _dispatch

    return Handler
