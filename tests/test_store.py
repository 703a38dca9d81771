"""The annotation store's API on SQLite and PostgreSQL: saves, versions, history, undo, access, release loads."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.store_fixtures import ACTOR, PASSWORD, Team, span
from workbench.store import (
    CLI_USER,
    AccessDenied,
    ConflictError,
    IncompleteSpans,
    NotFound,
    ValidationFailed,
)
from workbench.store.migrate import current_revision, head_revision


def test_schema_is_at_head_and_matches_the_tables(store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from workbench.store.tables import SEARCH_OBJECTS, metadata

    def ours(name, type_, *_args) -> bool:  # noqa: ANN001 - alembic's include_name hook
        # The text index (an FTS5 table and its shadow tables, or a GIN expression index) is made by the
        # migration outside the metadata.
        return not (name or "").startswith(SEARCH_OBJECTS)

    with store.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        context = MigrationContext.configure(connection, opts={"compare_type": False, "include_name": ours})
        assert compare_metadata(context, metadata) == []


def test_accounts_hash_passwords_and_authenticate(store) -> None:
    store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM users WHERE name = 'ana'")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    user = store.authenticate("ana", PASSWORD)
    assert user is not None and user.role == "annotator"
    assert store.authenticate("ana", "wrong password") is None
    assert store.authenticate("nobody", PASSWORD) is None
    with pytest.raises(Exception, match="already exists"):
        store.create_user(CLI_USER, "ana", "reviewer", PASSWORD)
    with pytest.raises(Exception, match="unknown role"):
        store.create_user(CLI_USER, "bob", "boss", PASSWORD)
    with pytest.raises(Exception, match="at least 12"):
        store.create_user(CLI_USER, "bob", "annotator", "short")
    assert [row["name"] for row in store.list_users(CLI_USER)] == ["ana"]


def test_save_update_conflict_delete_and_history(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    saved = store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))
    assert saved["version"] == 1 and saved["span_text"] == "Xi Jinping" and saved["annotator"] == "ana"
    assert doc["text"][saved["start"] : saved["end"]] == "Xi Jinping"
    edited = store.save_annotation(team.ana, {**saved, "attributes": {**ACTOR, "mention": "nominal"}}, 1)
    assert edited["version"] == 2
    with pytest.raises(ConflictError, match="version 2, you had 1"):
        store.save_annotation(team.ana, {**saved, "attributes": ACTOR}, expected_version=1)
    with pytest.raises(ConflictError, match="expected_version"):
        store.save_annotation(team.ana, {**saved, "attributes": ACTOR})
    with pytest.raises(ConflictError):
        store.delete_annotation(team.ana, saved["id"], expected_version=1)
    store.delete_annotation(team.ana, saved["id"], expected_version=2)
    assert store.annotations(team.ana, doc["doc_id"]) == []
    history = store.history(team.ana, saved["id"])
    assert [(event["kind"], event["version"]) for event in history] == [
        ("create", 1),
        ("update", 2),
        ("delete", 3),
    ]
    assert history[1]["before"]["attributes"]["mention"] == "name"
    assert history[1]["after"]["attributes"]["mention"] == "nominal"
    assert all(event["actor"] == "ana" and event["at"] for event in history)


def test_invalid_saves_are_refused_and_write_nothing(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    bad = [
        {**span(doc, "Xi Jinping", "actor", ACTOR), "label": "person"},
        {**span(doc, "Xi Jinping", "actor", ACTOR), "span_text": "Xi Jinpong"},
        {**span(doc, "Xi Jinping", "actor", ACTOR), "end": len(doc["text"]) + 5},
        span(doc, "Xi Jinping", "actor", {"type": "ALIEN", "mention": "name"}),
        span(doc, "Xi Jinping", "claim", {"speaker": "nobody", "attribution": "indirect", "kind": "factual"}),
    ]
    for record in bad:
        with pytest.raises(ValidationFailed) as failure:
            store.save_annotation(team.ana, record)
        assert failure.value.errors
    with pytest.raises(NotFound, match="unknown document"):
        store.save_annotation(team.ana, {**span(doc, "Xi Jinping", "actor", ACTOR), "doc_id": "0" * 16})
    assert store.annotations(team.ana, doc["doc_id"]) == []
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM events")).scalar_one() == 0


def test_claim_speaker_links_and_delete_of_a_linked_actor(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    actor = store.save_annotation(team.ana, {**span(doc, "Xi", "actor", ACTOR, nth=2), "id": "a1"})
    claim_attrs = {"speaker": "a1", "attribution": "direct quote", "kind": "prescriptive"}
    phrase = "China and Russia must stand firm in upholding the post-war international order"
    claim = store.save_annotation(team.ana, span(doc, phrase, "claim", claim_attrs))
    assert claim["attributes"]["speaker"] == "a1"
    with pytest.raises(ValidationFailed, match="links to it"):
        store.delete_annotation(team.ana, actor["id"], actor["version"])
    # ben's actor ids are his own: ana's "a1" is not a speaker he can point at
    with pytest.raises(ValidationFailed, match="dangling"):
        store.save_annotation(team.ben, span(doc, phrase, "claim", claim_attrs))


def test_undo_walks_back_through_create_update_and_delete(team: Team) -> None:
    store, doc = team.store, team.doc(1)
    doc_id = doc["doc_id"]
    first = store.save_annotation(team.ana, span(doc, "Xi", "actor", ACTOR))
    second = store.save_annotation(team.ana, span(doc, "Putin", "actor", ACTOR))
    store.save_annotation(team.ana, {**second, "attributes": {**ACTOR, "mention": "nominal"}}, 1)
    store.delete_annotation(team.ana, first["id"], 1)
    assert {a["id"] for a in store.annotations(team.ana, doc_id)} == {second["id"]}
    restored = store.undo_last(team.ana, doc_id)  # undo the delete
    assert restored["id"] == first["id"] and not restored.get("deleted")
    reverted = store.undo_last(team.ana, doc_id)  # undo the update
    assert reverted["attributes"]["mention"] == "name"
    removed = store.undo_last(team.ana, doc_id)  # undo the second create
    assert removed["deleted"] is True
    assert [a["id"] for a in store.annotations(team.ana, doc_id)] == [first["id"]]
    store.undo_last(team.ana, doc_id)
    assert store.annotations(team.ana, doc_id) == []
    assert store.undo_last(team.ana, doc_id) is None
    kinds = [event["kind"] for event in store.history(team.ana, first["id"])]
    assert kinds == ["create", "delete", "restore", "delete"]
    assert store.undo_last(team.ben, doc_id) is None  # ben's undo never touches ana's work


def test_undo_refuses_when_someone_changed_the_span_since(team: Team) -> None:
    store, doc = team.store, team.doc(1)
    saved = store.save_annotation(team.ana, span(doc, "Xi", "actor", ACTOR))
    store.save_annotation(team.admin, {**saved, "attributes": {**ACTOR, "mention": "pronoun"}}, 1)
    with pytest.raises(ConflictError, match="after your change"):
        store.undo_last(team.ana, doc["doc_id"])


def test_event_log_is_append_only_in_the_database(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))
    for statement in ("UPDATE events SET actor = 'mallory'", "DELETE FROM events"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT actor FROM events")).scalars().all() == ["ana"]


def test_queue_status_progress_and_review_stage(team: Team) -> None:
    store = team.store
    queue = store.queue(team.ana)
    assert [item["doc_id"] for item in queue] == sorted(team.documents)
    assert {item["status"] for item in queue} == {"not_started"}
    doc = team.doc(0)
    store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))
    assert store.set_document_status(team.ana, doc["doc_id"], "done") == "annotation"
    assert store.set_document_status(team.ben, doc["doc_id"], "done") == "review"
    rows = {(row["annotator"], row["doc_id"]): row for row in store.progress()}
    assert len(rows) == 10
    assert rows[("ana", doc["doc_id"])]["status"] == "done"
    assert rows[("ana", doc["doc_id"])]["annotations"] == 1
    assert rows[("ana", team.doc(1)["doc_id"])]["status"] == "not_started"
    assert rows[("ana", doc["doc_id"])]["stage"] == "review"
    assert [row["annotator"] for row in store.progress(team.ben)] == ["ben"] * 5


def test_assign_is_balanced_deterministic_and_idempotent(store, seed_documents) -> None:
    store.load_documents(CLI_USER, seed_documents)
    for name in ("a1", "a2", "a3"):
        store.create_user(CLI_USER, name, "annotator", PASSWORD)
    store.create_user(CLI_USER, "r1", "reviewer", PASSWORD)
    report = store.assign(CLI_USER, overlap=2)
    assert len(report.created) == 10
    assert sorted(report.load.values()) == [3, 3, 4]
    assert all(doc_id in {d["doc_id"] for d in seed_documents} for doc_id, _ in report.created)
    per_doc: dict[str, set[str]] = {}
    for doc_id, name in report.created:
        per_doc.setdefault(doc_id, set()).add(name)
    assert all(len(names) == 2 for names in per_doc.values())
    assert store.assign(CLI_USER, overlap=2).created == []
    from workbench.store.assignments import plan_assignments

    ids = sorted(d["doc_id"] for d in seed_documents)
    assert plan_assignments(ids, ["a1", "a2", "a3"], 2) == report.created
    with pytest.raises(Exception, match="needs at least 4 annotators"):
        store.assign(CLI_USER, overlap=4)


def test_forbidden_access_is_refused_for_each_role(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    doc_id = doc["doc_id"]
    mine = store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))
    outsider = store.create_user(team.admin, "otto", "annotator", PASSWORD)
    refused = {
        # annotators: other people's work, unassigned documents, gold, users, assignments
        "annotator reads another annotator's spans": lambda: store.annotations(
            team.ben, doc_id, annotator="ana"
        ),
        "annotator reads an annotation by id": lambda: store.annotation(team.ben, mine["id"]),
        "annotator reads its history": lambda: store.history(team.ben, mine["id"]),
        "annotator edits another's span": lambda: store.save_annotation(
            team.ben, {**mine, "attributes": {**ACTOR, "mention": "nominal"}}, 1
        ),
        "annotator deletes another's span": lambda: store.delete_annotation(team.ben, mine["id"], 1),
        "annotator writes as someone else": lambda: store.save_annotation(
            team.ben, {**span(doc, "Putin", "actor", ACTOR), "annotator": "ana"}
        ),
        "annotator reads an unassigned document": lambda: store.document(outsider, doc_id),
        "annotator saves on an unassigned document": lambda: store.save_annotation(
            outsider, span(doc, "Putin", "actor", ACTOR)
        ),
        "annotator writes gold": lambda: store.save_annotation(
            team.ana, span(doc, "Putin", "actor", ACTOR), layer="gold"
        ),
        "annotator reads gold": lambda: store.annotations(team.ana, doc_id, layer="gold"),
        "annotator adds users": lambda: store.create_user(team.ana, "eve", "admin", PASSWORD),
        "annotator lists users": lambda: store.list_users(team.ana),
        "annotator assigns": lambda: store.assign(team.ana, overlap=1),
        "annotator loads documents": lambda: store.load_documents(team.ana, []),
        "annotator exports everything": lambda: store.records(team.ana),
        "annotator marks someone else's document": lambda: store.set_document_status(
            outsider, doc_id, "done"
        ),
        "annotator reviews": lambda: store.review(team.ana, mine["id"], "accept", 1),
        "annotator writes suggestions": lambda: store.save_suggestions(
            team.ana, [span(doc, "Putin", "actor", ACTOR)], "numbers"
        ),
        # reviewers: not before the document is in review, never users or assignments
        "reviewer reads spans before review": lambda: store.annotations(team.rita, doc_id, annotator="ana"),
        "reviewer reads the document before review": lambda: store.document(team.rita, doc_id),
        "reviewer writes gold before review": lambda: store.save_annotation(
            team.rita, span(doc, "Putin", "actor", ACTOR), layer="gold"
        ),
        "reviewer accepts before review": lambda: store.review(team.rita, mine["id"], "accept", 1),
        "reviewer edits an annotator's span": lambda: store.save_annotation(
            team.rita, {**mine, "attributes": {**ACTOR, "mention": "nominal"}}, 1
        ),
        "reviewer adds users": lambda: store.create_user(team.rita, "eve", "admin", PASSWORD),
        "reviewer assigns": lambda: store.assign(team.rita, overlap=1),
        "reviewer finalizes a document not in review": lambda: store.set_document_stage(
            team.rita, doc_id, "final"
        ),
    }
    for what, attempt in refused.items():
        with pytest.raises(AccessDenied):
            attempt()
            pytest.fail(f"not refused: {what}")
    assert store.annotations(team.ana, doc_id) == [store.annotation(team.ana, mine["id"])]
    assert store.annotations(team.ben, doc_id) == []  # ben sees only his own


def test_review_accept_reject_into_gold(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    doc_id = doc["doc_id"]
    actor = store.save_annotation(team.ana, {**span(doc, "Xi", "actor", ACTOR, nth=2), "id": "a1"})
    phrase = "China and Russia must stand firm in upholding the post-war international order"
    claim = store.save_annotation(
        team.ana,
        span(doc, phrase, "claim", {"speaker": "a1", "attribution": "direct quote", "kind": "factual"}),
    )
    other = store.save_annotation(team.ben, span(doc, "Putin", "actor", ACTOR))
    for user in (team.ana, team.ben):
        store.set_document_status(user, doc_id, "done")
    everyone = store.annotations(team.rita, doc_id)
    assert {a["annotator"] for a in everyone} == {"ana", "ben"}
    gold_actor = store.review(team.rita, actor["id"], "accept", actor["version"])
    gold_claim = store.review(team.rita, claim["id"], "accept", claim["version"])
    assert gold_claim["attributes"]["speaker"] == gold_actor["id"] == "gold.a1"
    rejected = store.review(team.rita, other["id"], "reject", other["version"])
    assert rejected["review"] == "rejected"
    gold = store.annotations(team.rita, doc_id, layer="gold")
    assert sorted((g["label"], g["annotator"], g["layer"]) for g in gold) == [
        ("actor", "gold", "gold"),
        ("claim", "gold", "gold"),
    ]
    kinds = [e["kind"] for e in store.history(team.rita, actor["id"])]
    assert kinds == ["create", "accept"]
    # accepting it again merges into its gold copy: nothing new in gold
    again = store.review(team.rita, actor["id"], "accept", actor["version"] + 1)
    assert again["id"] == "gold.a1" and again["version"] == 1
    assert len(store.annotations(team.rita, doc_id, layer="gold")) == 2
    moved = {**gold_actor, **span(doc, "Xi", "actor", ACTOR, nth=3)}  # the reviewer moves the gold copy
    store.save_annotation(team.rita, moved, gold_actor["version"], layer="gold")
    with pytest.raises(ConflictError, match="already in gold"):
        store.review(team.rita, actor["id"], "accept", actor["version"] + 2)
    store.set_document_stage(team.rita, doc_id, "final")
    with pytest.raises(AccessDenied):
        store.save_annotation(team.ana, span(doc, "Moscow", "actor", {"type": "GPE", "mention": "name"}))


def test_suggestions_are_kept_apart_until_accepted(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    doc_id = doc["doc_id"]
    number = {"value": 28, "unit": "leaders", "bound": "exact", "kind": "count"}
    suggested = store.save_suggestions(
        team.admin,
        [span(doc, "Xi Jinping", "actor", ACTOR), span(doc, "28 other world leaders", "number", number)],
        "numbers",
    )
    assert all(s["suggested_by"] == "numbers" for s in suggested)
    assert store.annotations(team.ana, doc_id) == []
    assert len(store.suggestions(team.ana, doc_id)) == 2
    accepted = store.decide_suggestion(team.ana, suggested[1]["id"], "accept")
    assert accepted["annotator"] == "ana" and "suggested_by" not in accepted and accepted["label"] == "number"
    store.decide_suggestion(team.ana, suggested[0]["id"], "reject")
    assert store.suggestions(team.ana, doc_id) == []
    assert len(store.suggestions(team.ben, doc_id)) == 2
    assert [a["id"] for a in store.annotations(team.ana, doc_id)] == [accepted["id"]]
    with pytest.raises(ConflictError):
        store.decide_suggestion(team.ana, suggested[0]["id"], "accept")


def test_reloading_a_release_keeps_reanchors_or_flags_spans(store, seed_documents) -> None:
    """Release 0.1.0 had raw texts; 0.2.0 cleans them (a banner removed in front of one seed)."""
    import re

    from corpus.documents import build_document
    from corpus.readers import Article, read_inputs
    from tests.store_fixtures import REPO_ROOT

    items = [item for item in read_inputs([REPO_ROOT / "seeds"]) if isinstance(item, Article)]
    raw = {d["doc_id"]: d for d in (build_document(item, clean=False) for item in items)}
    changed = next(d for d in seed_documents if raw[d["doc_id"]]["text_sha256"] != d["text_sha256"])
    unchanged = next(d for d in seed_documents if raw[d["doc_id"]]["text_sha256"] == d["text_sha256"])
    old, new = raw[changed["doc_id"]]["text"], changed["text"]
    store.load_documents(CLI_USER, list(raw.values()), release="0.1.0")
    ana = store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
    store.assign(CLI_USER, overlap=1)
    framing = {"frame": "Other", "voice": "outlet"}

    def record(start: int, end: int) -> dict:
        return {
            "doc_id": changed["doc_id"],
            "start": start,
            "end": end,
            "label": "framing",
            "attributes": framing,
        }

    # a word found once in both texts: re-anchored; "the" with another "the" close by: flagged;
    # a word in the removed banner that the new text no longer has: flagged.
    words = [(m.start(), m.group()) for m in re.finditer(r"[A-Za-z]{7,}", old)]
    unique_at, unique = next((p, w) for p, w in words if old.count(w) == 1 and new.count(w) == 1)
    the_at = next(m.start() for m in re.finditer(r"\bthe\b", old) if m.start() > old.index(new[:50]))
    gone_at, gone_word = next(
        (p, w)
        for p, w in words
        if w not in new and any(r["start"] <= p < r["end"] for r in changed["removed"])
    )
    moved = store.save_annotation(ana, record(unique_at, unique_at + len(unique)))
    ambiguous = store.save_annotation(ana, record(the_at, the_at + 3))
    gone = store.save_annotation(ana, record(gone_at, gone_at + len(gone_word)))
    kept = store.save_annotation(
        ana, {**record(0, 10), "doc_id": unchanged["doc_id"], "end": len(unchanged["text"][:10].rstrip())}
    )

    report = store.load_documents(CLI_USER, seed_documents, release="0.2.0")
    assert changed["doc_id"] in report.changed and unchanged["doc_id"] in report.unchanged
    assert report.reanchored == [moved["id"]]
    assert sorted(report.flagged) == sorted([ambiguous["id"], gone["id"]])
    after = store.annotation(ana, moved["id"])
    assert after["anchor"] == "reanchored" and after["text_sha256"] == changed["text_sha256"]
    assert new[after["start"] : after["end"]] == unique and after["version"] == 2
    for flagged in (ambiguous, gone):
        now = store.annotation(ana, flagged["id"])
        assert now["anchor"] == "needs_review"
        assert {k: now[k] for k in ("start", "end", "span_text", "text_sha256")} == {
            k: flagged[k] for k in ("start", "end", "span_text", "text_sha256")
        }
    assert {f["id"] for f in store.flagged(CLI_USER)} == {ambiguous["id"], gone["id"]}
    assert store.annotation(ana, kept["id"])["version"] == 1
    assert len(store.annotations(ana, changed["doc_id"])) == 3  # nothing dropped
    assert [e["kind"] for e in store.history(ana, moved["id"])] == ["create", "reanchor"]
    assert [e["kind"] for e in store.history(ana, gone["id"])] == ["create", "flag"]
    # the annotator fixes a flagged span on the new text: it is ok again
    fixed = store.save_annotation(
        ana,
        {
            **record(0, len(new.split()[0])),
            "id": gone["id"],
            "text_sha256": changed["text_sha256"],
            "span_text": new.split()[0],
        },
        expected_version=2,
    )
    assert fixed["anchor"] == "ok"
    # loading the same release again changes nothing
    again = store.load_documents(CLI_USER, seed_documents, release="0.2.0")
    assert again.changed == [] and again.reanchored == [] and again.flagged == []


def test_a_draft_span_is_saved_at_once_but_gold_must_be_complete(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    draft = store.save_annotation(team.ana, span(doc, "Putin", "actor", {}))
    assert draft["version"] == 1 and draft["attributes"] == {}
    with pytest.raises(ValidationFailed, match="type"):
        store.save_annotation(team.ana, span(doc, "Putin", "actor", {"type": "PLANET"}))
    with pytest.raises(IncompleteSpans):
        store.set_document_status(team.ana, doc["doc_id"], "done")
    store.set_document_stage(team.admin, doc["doc_id"], "review")  # an admin may move it on regardless
    with pytest.raises(ValidationFailed, match="mention"):
        store.review(team.rita, draft["id"], "accept", draft["version"])
    assert store.annotations(team.rita, doc["doc_id"], layer="gold") == []


def status_events(store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM events WHERE kind = 'status'")).scalar_one()


def test_done_is_refused_while_own_spans_miss_required_attributes(team: Team) -> None:
    store, doc = team.store, team.doc(0)
    doc_id = doc["doc_id"]
    store.save_annotation(team.ana, span(doc, "Xi Jinping", "actor", ACTOR))
    putin = store.save_annotation(team.ana, span(doc, "Putin", "actor", {"type": "PER"}))
    xi = store.save_annotation(team.ana, span(doc, "Xi", "actor", {}, nth=2))
    number = store.save_annotation(team.ana, span(doc, "Putin", "number", {}))
    store.save_annotation(team.ben, span(doc, "Putin", "actor", {}))  # ben's draft is ben's business
    assert store.set_document_status(team.ana, doc_id, "in_progress") == "annotation"  # only done checks
    before = status_events(store)

    with pytest.raises(IncompleteSpans) as refused:
        store.set_document_status(team.ana, doc_id, "done")
    error = refused.value
    assert [(record["id"], missing) for record, missing in error.incomplete] == sorted(
        [(putin["id"], ["mention"]), (xi["id"], ["type", "mention"]), (number["id"], ["kind"])],
        key=lambda pair: doc["text"].find("Putin") if pair[0] != xi["id"] else xi["start"],
    )
    assert error.first_id == error.incomplete[0][0]["id"]
    message = error.message
    assert message.startswith(f"document {doc_id}: 3 span(s) still miss required attributes")
    assert "1 actor span(s) need mention" in message and "1 actor span(s) need type, mention" in message
    assert "1 number span(s) need kind" in message and "fill them in" in message
    # nothing was written: the status, the stage and the event log are as before
    assert {row["status"] for row in store.progress(team.ana) if row["doc_id"] == doc_id} == {"in_progress"}
    assert status_events(store) == before and store.document(team.admin, doc_id)["stage"] == "annotation"

    store.save_annotation(team.ana, {**putin, "attributes": ACTOR}, expected_version=putin["version"])
    store.save_annotation(team.ana, {**xi, "attributes": ACTOR}, expected_version=xi["version"])
    with pytest.raises(IncompleteSpans, match="1 span"):
        store.set_document_status(team.ana, doc_id, "done")
    store.delete_annotation(team.ana, number["id"], number["version"])
    assert store.set_document_status(team.ana, doc_id, "done") == "annotation"
    with pytest.raises(IncompleteSpans, match="actor"):
        store.set_document_status(team.ben, doc_id, "done")
