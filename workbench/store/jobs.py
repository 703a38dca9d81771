"""Background jobs' records: what an admin started (suggestions, releases, ...), how far it got and how it ended.

The store keeps the rules that hold for every caller: only admins start, update, finish or read jobs; one job
of a kind runs at a time (checked here for the message, guarded by a unique partial index for two app
processes starting at once); a job ends once (``done`` with its summary, ``failed`` with the user-facing
error); and jobs whose app process died are marked ``interrupted`` when an app process starts
(``interrupt_jobs``, told by the caller which runners are dead). Running the job is ``workbench.jobs``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.base import StoreBase, User, now
from workbench.store.errors import ConflictError, NotFound

RECENT_JOBS = 20
MAX_MESSAGE = 500  # progress messages and errors are one line for people, not a log


def _job(row: Row) -> dict[str, Any]:
    return dict(row._mapping)


def _running_conflict(kind: str, row: Row | None) -> ConflictError:
    since = (
        f" (job {row.id}, started by {row.started_by} at {row.started_at[:16].replace('T', ' ')} UTC)"
        if row is not None
        else ""
    )
    return ConflictError(
        f"a {kind} job is already running{since}",
        hint="wait until it ends; its progress is on the Jobs page",
    )


class JobsMixin(StoreBase):
    def start_job(self, user: User, kind: str, params: Mapping[str, Any], *, runner: str) -> int:
        """Record a new running job of ``kind`` started by ``user`` in the app process ``runner``; its id.
        Refused while another job of the same kind runs."""
        require_admin(user, "start background jobs")
        stamp = now()
        try:
            with self._write() as connection:
                running = self._running(connection, kind)
                if running is not None:
                    raise _running_conflict(kind, running)
                return int(
                    connection.execute(
                        insert(t.jobs)
                        .values(
                            kind=kind,
                            params=dict(params),
                            started_by=user.name,
                            runner=runner,
                            state="running",
                            done=0,
                            message="",
                            started_at=stamp,
                            updated_at=stamp,
                        )
                        .returning(t.jobs.c.id)
                    ).scalar_one()
                )
        except IntegrityError:  # another app process started one between our check and our insert
            with self._read() as connection:
                raise _running_conflict(kind, self._running(connection, kind)) from None

    def job_progress(self, user: User, job_id: int, done: int, total: int | None, message: str = "") -> None:
        """A running job's progress (the caller throttles: a few updates a second at most)."""
        require_admin(user, "update background jobs")
        with self._write() as connection:
            connection.execute(
                update(t.jobs)
                .where(t.jobs.c.id == job_id, t.jobs.c.state == "running")
                .values(done=done, total=total, message=message[:MAX_MESSAGE], updated_at=now())
            )

    def finish_job(
        self, user: User, job_id: int, *, result: Mapping[str, Any] | None = None, error: str | None = None
    ) -> dict[str, Any]:
        """End a running job: ``done`` with its summary, or ``failed`` with ``error`` (the sentence the user
        sees, never a traceback). A job ends once; ending it again is refused."""
        require_admin(user, "finish background jobs")
        stamp = now()
        with self._write() as connection:
            row = self._job_row(connection, job_id)
            if row.state != "running":
                raise ConflictError(f"job {job_id} has already ended ({row.state})")
            connection.execute(
                update(t.jobs)
                .where(t.jobs.c.id == job_id)
                .values(
                    state="failed" if error is not None else "done",
                    result=dict(result) if result is not None else None,
                    error=error[:MAX_MESSAGE] if error is not None else None,
                    updated_at=stamp,
                    finished_at=stamp,
                )
            )
            return _job(self._job_row(connection, job_id))

    def job(self, user: User, job_id: int) -> dict[str, Any]:
        """One job, as a dict of its columns."""
        require_admin(user, "read background jobs")
        with self._read() as connection:
            return _job(self._job_row(connection, job_id))

    def recent_jobs(self, user: User, limit: int = RECENT_JOBS) -> list[dict[str, Any]]:
        """The most recently started jobs, newest first."""
        require_admin(user, "read background jobs")
        with self._read() as connection:
            rows = connection.execute(
                select(t.jobs).order_by(t.jobs.c.started_at.desc(), t.jobs.c.id.desc()).limit(limit)
            )
            return [_job(row) for row in rows]

    def interrupt_jobs(self, user: User, runner_is_dead: Callable[[str], bool]) -> list[int]:
        """Mark ``interrupted`` every running job whose app process ``runner_is_dead`` says is gone (called when
        an app process starts); the ids marked."""
        require_admin(user, "interrupt background jobs")
        stamp = now()
        with self._write() as connection:
            running = connection.execute(
                select(t.jobs.c.id, t.jobs.c.runner).where(t.jobs.c.state == "running")
            ).all()
            dead = [row.id for row in running if runner_is_dead(row.runner)]
            if dead:
                connection.execute(
                    update(t.jobs)
                    .where(t.jobs.c.id.in_(dead), t.jobs.c.state == "running")
                    .values(
                        state="interrupted",
                        error="the app process running this job stopped before it ended; start it again",
                        updated_at=stamp,
                        finished_at=stamp,
                    )
                )
            return dead

    @staticmethod
    def _running(connection: Connection, kind: str) -> Row | None:
        return connection.execute(
            select(t.jobs).where(t.jobs.c.kind == kind, t.jobs.c.state == "running")
        ).first()

    @staticmethod
    def _job_row(connection: Connection, job_id: int) -> Row:
        if not isinstance(job_id, int) or isinstance(job_id, bool):
            raise NewsspanError(f"job id {job_id!r} is not a number")
        row = connection.execute(select(t.jobs).where(t.jobs.c.id == job_id)).first()
        if row is None:
            raise NotFound(f"no job {job_id}", hint="the Jobs page lists the recent ones")
        return row
