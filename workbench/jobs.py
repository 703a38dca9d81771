"""Background jobs of the workbench: long admin tasks (suggestions, releases) run in a thread of the app server
process, with their progress and outcome in the store (``workbench.store.jobs``), so the Jobs page shows them.

A job kind is one entry of ``KINDS``: a name, a title, the fields its form asks for, and a function
``run(store, user, params, progress) -> summary`` that calls the one library or store function holding the rule
(``workbench.suggest_run.run_suggestions``, ``corpus.annotated_release.publish.build_release_with_annotations``).
Adding a kind (training a model, say) is one more ``@job_kind(...)`` function here or in its own module.

The store refuses a second running job of a kind, in this process or another. When an app process starts its
``JobRunner``, jobs left ``running`` by an app process that died are marked ``interrupted``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corpus.errors import NewsspanError
from workbench.store.base import User

if TYPE_CHECKING:
    from workbench.store import Store

log = logging.getLogger(__name__)

Progress = Callable[..., None]
"""``progress(done, total=None, message="")``: how far the job is (``total`` None when unknown)."""
JobFunction = Callable[["Store", User, Mapping[str, Any], Progress], dict[str, Any]]
PROGRESS_EVERY_S = 0.5  # at most two progress writes a second: a 10,000-document run is not 10,000 writes

# The app process acting on its own (marking other processes' jobs interrupted when it starts).
APP_USER = User(id=0, name="workbench", role="admin")


@dataclass(frozen=True)
class Field:
    """One input of a job's form: ``text`` (stripped; empty means ``None``) or ``bool``; a ``required`` text
    field left empty is refused before the job starts."""

    name: str
    label: str
    type: str = "text"
    default: Any = None
    help: str | None = None
    required: bool = False


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    run: JobFunction
    fields: tuple[Field, ...] = ()


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, title: str, *fields: Field) -> Callable[[JobFunction], JobFunction]:
    """Register ``run`` as the job kind ``name`` (its form asks for ``fields``)."""

    def register(run: JobFunction) -> JobFunction:
        KINDS[name] = JobKind(name, title, run, tuple(fields))
        return run

    return register


def job_params(kind: JobKind, values: Mapping[str, Any]) -> dict[str, Any]:
    """A form's values as the job's parameters: text stripped (empty: None), booleans as booleans."""
    params: dict[str, Any] = {}
    for field in kind.fields:
        value = values.get(field.name, field.default)
        if field.type == "bool":
            params[field.name] = bool(value)
        else:
            params[field.name] = (str(value).strip() or None) if value is not None else None
            if field.required and params[field.name] is None:
                raise NewsspanError(f"{field.label}: required", hint=field.help)
    return params


# --- the kinds -------------------------------------------------------------------------------------------


@job_kind(
    "suggest",
    "Suggestions for a release",
    Field("release", "Release version", help="empty: the latest release"),
    Field("redo", "Suggest again for documents already suggested", type="bool", default=False),
)
def suggest_job(store: Store, user: User, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    from workbench.suggest_run import run_suggestions

    run = run_suggestions(
        store,
        user,
        release=params.get("release"),
        redo=bool(params.get("redo")),
        progress=lambda done, total: progress(done, total, "documents"),
    )
    return {
        "release": run.version,
        "documents": run.total,
        "skipped": run.skipped,
        "suggestions added": sum(run.added.values()),
        "already stored": sum(run.kept.values()),
        "added per suggester": dict(run.added),
    }


@job_kind(
    "release",
    "Annotated release",
    Field(
        "version",
        "New release version",
        help="e.g. 0.2.0; an existing version is never overwritten",
        required=True,
    ),
    Field("ratios", "Split ratios (train,validation,test)", default="0.8,0.1,0.1"),
)
def release_job(store: Store, user: User, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    from corpus.annotated_release.publish import DEFAULT_RATIOS_TEXT, build_release_with_annotations
    from workbench.store.release_source import StoreAnnotationSource

    version = params.get("version")
    if not version:
        raise NewsspanError("the release needs a version", hint="give one such as 0.2.0")
    rows = 0

    def on_rows(count: int) -> None:
        nonlocal rows
        rows += count
        progress(rows, None, "rows written")

    built = build_release_with_annotations(
        version,
        StoreAnnotationSource(store, user),
        ratios=params.get("ratios") or DEFAULT_RATIOS_TEXT,
        on_rows=on_rows,
    )
    return built.summary()


@job_kind(
    "learn",
    "Train the span model",
    Field("epochs", "Training epochs", help="empty: the pipeline config's"),
)
def learn_job(store: Store, user: User, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    from corpus.learn import Settings
    from workbench.learning import train_from_store

    epochs = params.get("epochs")
    if epochs is not None and not str(epochs).isdigit():
        raise NewsspanError(
            f"epochs must be a whole number, not {epochs!r}", hint="e.g. 30, or leave it empty"
        )
    progress(0, None, "training the span model")
    report = train_from_store(store, user, settings=Settings(max_epochs=int(epochs) if epochs else None))
    return {
        "model": report.model_id,
        "documents": report.documents,
        "spans": report.spans,
        "spans not on token boundaries": sum(report.misaligned.values()),
        "seconds": round(report.seconds, 1),
    }


# --- running them ----------------------------------------------------------------------------------------


def this_runner() -> str:
    """This app process as jobs record it: host, pid and a token (a later process may get the same pid)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN}"


_TOKEN = uuid.uuid4().hex[:12]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def runner_is_dead(runner: str) -> bool:
    """Whether the app process ``runner`` is gone. Only processes on this host can be checked; a job of
    another host's process is left running (its own process marks it when it starts again)."""
    host, _, rest = runner.partition(":")
    pid_text, _, token = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    if int(pid_text) == os.getpid():
        return token != _TOKEN  # an earlier process that had our pid (a container restarted)
    return not _pid_alive(int(pid_text))


class _Throttled:
    """The progress callback a job gets: writes to the store at most every ``every`` seconds (and at the end)."""

    def __init__(self, store: Store, user: User, job_id: int, every: float = PROGRESS_EVERY_S) -> None:
        self.store, self.user, self.job_id, self.every = store, user, job_id, every
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        moment = time.monotonic()
        if moment - self._last < self.every and (total is None or done < total):
            return
        self._last = moment
        self.store.job_progress(self.user, self.job_id, done, total, message)


def _failure_text(error: Exception) -> str:
    """What the Jobs page says when a job fails: our errors' own sentence; anything else named in one line
    (the traceback goes to the server's log, not to the page)."""
    if isinstance(error, NewsspanError):
        return error.message
    first = str(error).splitlines()[0] if str(error) else ""
    return f"unexpected error ({type(error).__name__}{': ' + first if first else ''}); the server log has the details"


class JobRunner:
    """Starts jobs in background threads of this process. Make one per process (``start_process``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.runner = this_runner()
        self._threads: dict[int, threading.Thread] = {}

    @classmethod
    def start_process(cls, store: Store) -> JobRunner:
        """The runner of a starting app process: jobs of dead app processes are marked interrupted first."""
        interrupted = store.interrupt_jobs(APP_USER, runner_is_dead)
        if interrupted:
            log.warning("jobs %s were left running by a stopped app process: marked interrupted", interrupted)
        return cls(store)

    def start(self, user: User, kind: str, params: Mapping[str, Any]) -> int:
        """Start a job of ``kind`` for ``user`` (an admin); its id. Refused (``NewsspanError``) for an unknown
        kind, a non-admin, or while a job of the kind runs."""
        found = KINDS.get(kind)
        if found is None:
            raise NewsspanError(f"unknown job kind {kind!r}", hint=f"use one of: {', '.join(KINDS)}")
        job_id = self.store.start_job(user, kind, params, runner=self.runner)
        thread = threading.Thread(
            target=self._run,
            args=(found, user, job_id, dict(params)),
            name=f"newsspan-job-{job_id}",
            daemon=True,
        )
        self._threads[job_id] = thread
        thread.start()
        return job_id

    def wait(self, job_id: int, timeout: float | None = None) -> dict[str, Any]:
        """Wait for a job this runner started to end (command lines and tests); the job's record."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.store.job(APP_USER, job_id)

    def _run(self, kind: JobKind, user: User, job_id: int, params: dict[str, Any]) -> None:
        try:
            summary = kind.run(self.store, user, params, _Throttled(self.store, user, job_id))
        except Exception as error:  # a job's failure is its record's, never the server's
            log.exception("job %s (%s) failed", job_id, kind.name)
            self.store.finish_job(APP_USER, job_id, error=_failure_text(error))
        else:
            self.store.finish_job(APP_USER, job_id, result=summary)
        finally:
            self._threads.pop(job_id, None)
