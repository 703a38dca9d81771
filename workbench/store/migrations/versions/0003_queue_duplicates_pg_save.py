"""The queue at scale, no duplicate spans, and one-round-trip saves on PostgreSQL.

* ``documents`` gets ``title`` (``corpus.documents.display_title``), ``source_id``, ``story_id`` (copied from the
  record, for the queue's search, sort and filters) and ``search_id`` (a stable integer key for the text index).
* Text search: an FTS5 table ``documents_fts`` (external content, kept in step by triggers) on SQLite, a GIN
  index over ``to_tsvector('simple', text)`` on PostgreSQL.
* ``assignments``: an index (user_id, status, position) for the status filter and "next open document";
  ``events``: an index (actor, id) for each user's latest change.
* ``annotations``: one annotator (or gold) marks a (start, end, label) once. Duplicates already stored are
  deleted, keeping the oldest (each a ``delete`` event with source ``migration:0003``; links that pointed at a
  deleted copy point at the kept one, an ``update`` event each), then a unique partial index guards the rule.
* PostgreSQL: ``newsspan_save_annotation`` and ``newsspan_delete_annotation``, the save and delete of
  ``workbench.store.saving`` in one statement (see that module).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
ACTOR = "migration"
SOURCE = "migration:0003"

_documents = sa.table(
    "documents",
    sa.column("doc_id", sa.String),
    sa.column("record", JSONType),
    sa.column("text", sa.Text),
    sa.column("title", sa.String),
    sa.column("source_id", sa.String),
    sa.column("story_id", sa.String),
    sa.column("search_id", sa.Integer),
)
_annotations = sa.table(
    "annotations",
    sa.column("id", sa.String),
    sa.column("doc_id", sa.String),
    sa.column("layer", sa.String),
    sa.column("annotator", sa.String),
    sa.column("label", sa.String),
    sa.column("start", sa.Integer),
    sa.column("end", sa.Integer),
    sa.column("record", JSONType),
    sa.column("version", sa.Integer),
    sa.column("deleted", sa.Boolean),
    sa.column("created_at", sa.String),
    sa.column("updated_at", sa.String),
    sa.column("updated_by", sa.String),
)
_events = sa.table(
    "events",
    sa.column("at", sa.String),
    sa.column("actor", sa.String),
    sa.column("kind", sa.String),
    sa.column("doc_id", sa.String),
    sa.column("annotation_id", sa.String),
    sa.column("layer", sa.String),
    sa.column("version", sa.Integer),
    sa.column("before", JSONType),
    sa.column("after", JSONType),
    sa.column("source", sa.String),
)

SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE documents_fts USING fts5(text, content='documents', content_rowid='search_id')",
    "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents WHEN new.search_id IS NOT NULL BEGIN "
    "INSERT INTO documents_fts(rowid, text) VALUES (new.search_id, new.text); END",
    "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents WHEN old.search_id IS NOT NULL BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, text) VALUES ('delete', old.search_id, old.text); END",
    "CREATE TRIGGER documents_fts_update AFTER UPDATE OF text, search_id ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, text) "
    "SELECT 'delete', old.search_id, old.text WHERE old.search_id IS NOT NULL; "
    "INSERT INTO documents_fts(rowid, text) SELECT new.search_id, new.text WHERE new.search_id IS NOT NULL; END",
]

# Who may write (workbench/store/access.py, require_write), as the fast path checks it: the Python check stays
# the rule; these functions only ever refuse more (they then return a status and write nothing, and the store
# runs its ordinary transaction, which gives the exact message).
_MAY_WRITE = """(
        p_role = 'admin'
        OR (p_layer = 'annotation' AND p_annotator = p_user_name AND v_stage <> 'final'
            AND EXISTS (SELECT 1 FROM assignments a WHERE a.doc_id = p_doc_id AND a.user_id = p_user_id))
        OR (p_layer = 'gold' AND p_role = 'reviewer' AND v_stage = 'review')
    )"""

PG_SAVE = (
    """
CREATE OR REPLACE FUNCTION newsspan_save_annotation(
    p_id text, p_doc_id text, p_layer text, p_annotator text, p_suggested_by text, p_label text,
    p_start integer, p_end integer, p_record jsonb, p_expected_version integer, p_text_sha256 text,
    p_user_id integer, p_user_name text, p_role text, p_targets jsonb, p_source text, p_stamp text
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
    v_stage text;
    v_sha text;
    v_old annotations;  -- the row type of the table
    v_found boolean := false;
    v_version integer := 1;
    v_record jsonb := p_record;
BEGIN
    SELECT d.stage, d.text_sha256 INTO v_stage, v_sha FROM documents d WHERE d.doc_id = p_doc_id;
    IF NOT FOUND OR v_sha IS DISTINCT FROM p_text_sha256 THEN
        RETURN jsonb_build_object('status', 'document');
    END IF;
    IF NOT """
    + _MAY_WRITE
    + """ THEN
        RETURN jsonb_build_object('status', 'access');
    END IF;
    SELECT * INTO v_old FROM annotations o WHERE o.id = p_id FOR UPDATE;
    v_found := FOUND;
    IF v_found AND (p_expected_version IS NULL OR v_old.deleted OR v_old.version <> p_expected_version
                    OR v_old.doc_id <> p_doc_id OR v_old.layer <> p_layer OR v_old.annotator <> p_annotator) THEN
        RETURN jsonb_build_object('status', 'version');
    END IF;
    IF p_layer <> 'suggestion' AND EXISTS (
        SELECT 1 FROM annotations o
        WHERE o.doc_id = p_doc_id AND o.layer = p_layer AND o.annotator = p_annotator AND o.start = p_start
          AND o."end" = p_end AND o.label = p_label AND NOT o.deleted AND o.id <> p_id
    ) THEN
        RETURN jsonb_build_object('status', 'duplicate');
    END IF;
    IF p_targets IS NOT NULL AND p_targets <> '{}'::jsonb THEN
        PERFORM 1 FROM annotations o WHERE o.id IN (SELECT jsonb_object_keys(p_targets)) FOR SHARE;
        IF EXISTS (
            SELECT 1 FROM jsonb_each_text(p_targets) AS target(target_id, target_label)
            WHERE NOT EXISTS (
                SELECT 1 FROM annotations o
                WHERE o.id = target.target_id AND o.doc_id = p_doc_id AND o.layer = p_layer
                  AND o.annotator = p_annotator AND o.label = target.target_label AND NOT o.deleted
            )
        ) THEN
            RETURN jsonb_build_object('status', 'links');
        END IF;
    END IF;
    IF v_found THEN
        v_version := v_old.version + 1;
        IF v_old.record ? 'created_at' THEN
            v_record := jsonb_set(v_record, '{created_at}', v_old.record -> 'created_at');
        END IF;
        UPDATE annotations
        SET label = p_label, start = p_start, "end" = p_end, record = v_record, deleted = false, anchor = 'ok',
            version = v_version, updated_at = p_stamp, updated_by = p_user_name
        WHERE id = p_id;
    ELSE
        INSERT INTO annotations (id, doc_id, layer, annotator, suggested_by, label, start, "end", record,
                                 version, deleted, anchor, created_at, updated_at, updated_by)
        VALUES (p_id, p_doc_id, p_layer, p_annotator, p_suggested_by, p_label, p_start, p_end, v_record,
                1, false, 'ok', p_stamp, p_stamp, p_user_name);
        IF p_layer = 'annotation' THEN
            UPDATE assignments SET status = 'in_progress', updated_at = p_stamp
            WHERE doc_id = p_doc_id AND status = 'not_started'
              AND user_id = (SELECT u.id FROM users u WHERE u.name = p_annotator);
        END IF;
    END IF;
    INSERT INTO events (at, actor, kind, doc_id, annotation_id, layer, version, before, after, source)
    VALUES (p_stamp, p_user_name, CASE WHEN v_found THEN 'update' ELSE 'create' END, p_doc_id, p_id, p_layer,
            v_version, CASE WHEN v_found THEN v_old.record END, v_record, p_source);
    RETURN jsonb_build_object('status', 'ok', 'version', v_version, 'created_at', v_record -> 'created_at');
END
$fn$
"""
)

PG_DELETE = (
    """
CREATE OR REPLACE FUNCTION newsspan_delete_annotation(
    p_id text, p_expected_version integer, p_user_id integer, p_user_name text, p_role text, p_stamp text
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
    v_old annotations;  -- the row type of the table
    v_stage text;
    p_doc_id text;
    p_layer text;
    p_annotator text;
BEGIN
    SELECT * INTO v_old FROM annotations o WHERE o.id = p_id FOR UPDATE;
    IF NOT FOUND OR v_old.deleted OR v_old.version <> p_expected_version THEN
        RETURN jsonb_build_object('status', 'version');
    END IF;
    p_doc_id := v_old.doc_id;
    p_layer := v_old.layer;
    p_annotator := v_old.annotator;
    SELECT d.stage INTO v_stage FROM documents d WHERE d.doc_id = p_doc_id;
    IF NOT """
    + _MAY_WRITE
    + """ THEN
        RETURN jsonb_build_object('status', 'access');
    END IF;
    IF EXISTS (
        SELECT 1 FROM annotations o
        WHERE o.doc_id = p_doc_id AND o.layer = p_layer AND o.annotator = p_annotator AND NOT o.deleted
          AND o.id <> p_id
          AND (
            EXISTS (
                SELECT 1 FROM jsonb_each(CASE WHEN jsonb_typeof(o.record -> 'attributes') = 'object'
                                              THEN o.record -> 'attributes' ELSE '{}'::jsonb END) AS a
                WHERE a.value = to_jsonb(p_id)
                   OR (jsonb_typeof(a.value) = 'array' AND a.value @> jsonb_build_array(p_id))
            )
            OR EXISTS (
                SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(o.record -> 'links') = 'array'
                                                        THEN o.record -> 'links' ELSE '[]'::jsonb END) AS l
                WHERE l ->> 'target' = p_id
            )
          )
    ) THEN
        RETURN jsonb_build_object('status', 'referenced');
    END IF;
    UPDATE annotations SET deleted = true, version = v_old.version + 1, updated_at = p_stamp,
                           updated_by = p_user_name
    WHERE id = p_id;
    INSERT INTO events (at, actor, kind, doc_id, annotation_id, layer, version, before, after, source)
    VALUES (p_stamp, p_user_name, 'delete', p_doc_id, p_id, p_layer, v_old.version + 1, v_old.record, NULL, NULL);
    RETURN jsonb_build_object('status', 'ok', 'version', v_old.version + 1, 'record', v_old.record);
END
$fn$
"""
)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _display_title(record: dict[str, Any], text: str) -> str:
    from corpus.documents import display_title

    return display_title({**record, "text": text})


def _fill_documents(bind: sa.Connection) -> None:
    """Titles, source and story ids and search ids of the documents already stored, in batches."""
    after, search_id = "", 0
    while True:
        rows = bind.execute(
            sa.select(_documents.c.doc_id, _documents.c.record, _documents.c.text)
            .where(_documents.c.doc_id > after)
            .order_by(_documents.c.doc_id)
            .limit(500)
        ).all()
        if not rows:
            return
        for doc_id, record, text in rows:
            search_id += 1
            bind.execute(
                sa.update(_documents)
                .where(_documents.c.doc_id == doc_id)
                .values(
                    title=_display_title(record, text)[:512],
                    source_id=(str(record["source_id"])[:256] if record.get("source_id") else None),
                    story_id=(str(record["story_id"])[:256] if record.get("story_id") else None),
                    search_id=search_id,
                )
            )
        after = rows[-1][0]


def _relink(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, list):
        return [renames.get(item, item) if isinstance(item, str) else item for item in value]
    return value


def _dedupe(bind: sa.Connection) -> None:
    """Delete the younger copies of duplicate spans (same document, layer, annotator, start, end, label), as
    events; links to a deleted copy move to the kept one."""
    a = _annotations.c
    live = sa.and_(a.deleted == sa.false(), a.layer != "suggestion")
    key = (a.doc_id, a.layer, a.annotator, a.start, a.end, a.label)
    groups = bind.execute(sa.select(*key).where(live).group_by(*key).having(sa.func.count() > 1)).all()
    renames: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    stamp = _stamp()
    for group in groups:
        rows = bind.execute(
            sa.select(_annotations)
            .where(live, *(column == value for column, value in zip(key, group, strict=True)))
            .order_by(a.created_at, a.id)
        ).all()
        kept, *copies = rows
        for row in copies:
            renames[(row.doc_id, row.layer, row.annotator)][row.id] = kept.id
            bind.execute(
                sa.update(_annotations)
                .where(a.id == row.id)
                .values(deleted=True, version=row.version + 1, updated_at=stamp, updated_by=ACTOR)
            )
            bind.execute(
                sa.insert(_events).values(
                    at=stamp,
                    actor=ACTOR,
                    kind="delete",
                    doc_id=row.doc_id,
                    annotation_id=row.id,
                    layer=row.layer,
                    version=row.version + 1,
                    before=row.record,
                    after=None,
                    source=f"{SOURCE} duplicate of {kept.id}",
                )  # fmt: skip
            )
    for (doc_id, layer, annotator), moved in renames.items():
        _move_links(bind, doc_id, layer, annotator, moved, stamp)


def _move_links(
    bind: sa.Connection, doc_id: str, layer: str, annotator: str, moved: dict[str, str], stamp: str
) -> None:
    a = _annotations.c
    rows = bind.execute(
        sa.select(_annotations).where(
            a.doc_id == doc_id, a.layer == layer, a.annotator == annotator, a.deleted == sa.false()
        )
    ).all()
    for row in rows:
        record = dict(row.record)
        attributes = {name: _relink(value, moved) for name, value in (record.get("attributes") or {}).items()}
        links = [
            {**link, "target": moved.get(link.get("target"), link.get("target"))}
            for link in record.get("links") or []
        ]
        changed = {**record, "attributes": attributes, **({"links": links} if "links" in record else {})}
        if changed == record:
            continue
        bind.execute(
            sa.update(_annotations)
            .where(a.id == row.id)
            .values(record=changed, version=row.version + 1, updated_at=stamp, updated_by=ACTOR)
        )
        bind.execute(
            sa.insert(_events).values(
                at=stamp,
                actor=ACTOR,
                kind="update",
                doc_id=doc_id,
                annotation_id=row.id,
                layer=layer,
                version=row.version + 1,
                before=row.record,
                after=changed,
                source=f"{SOURCE} duplicate links",
            )  # fmt: skip
        )


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.add_column("documents", sa.Column("title", sa.String(512)))
    op.add_column("documents", sa.Column("source_id", sa.String(256)))
    op.add_column("documents", sa.Column("story_id", sa.String(256)))
    op.add_column("documents", sa.Column("search_id", sa.Integer))
    _fill_documents(bind)
    op.create_index("ix_documents_story", "documents", ["story_id"])
    op.create_index("ux_documents_search_id", "documents", ["search_id"], unique=True)
    op.create_index("ix_assignments_user_status", "assignments", ["user_id", "status", "position"])
    op.create_index("ix_events_actor", "events", ["actor", "id"])
    _dedupe(bind)
    op.create_index(
        "ux_annotations_position",
        "annotations",
        ["doc_id", "layer", "annotator", "start", "end", "label"],
        unique=True,
        sqlite_where=sa.text("deleted = 0 AND layer <> 'suggestion'"),
        postgresql_where=sa.text("NOT deleted AND layer <> 'suggestion'"),
    )
    if postgres:
        bind.exec_driver_sql(
            "CREATE INDEX ix_documents_text_search ON documents USING gin (to_tsvector('simple', text))"
        )
        bind.exec_driver_sql(PG_SAVE)
        bind.exec_driver_sql(PG_DELETE)
    else:
        for statement in SQLITE_SEARCH:
            bind.exec_driver_sql(statement)
        bind.exec_driver_sql("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS newsspan_delete_annotation")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS newsspan_save_annotation")
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_documents_text_search")
    else:
        for trigger in ("insert", "delete", "update"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS documents_fts_{trigger}")
        bind.exec_driver_sql("DROP TABLE IF EXISTS documents_fts")
    op.drop_index("ux_annotations_position", table_name="annotations")
    op.drop_index("ix_events_actor", table_name="events")
    op.drop_index("ix_assignments_user_status", table_name="assignments")
    op.drop_index("ux_documents_search_id", table_name="documents")
    op.drop_index("ix_documents_story", table_name="documents")
    for column in ("search_id", "story_id", "source_id", "title"):
        op.drop_column("documents", column)
