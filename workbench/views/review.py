"""Review: every annotator's spans on a document in review, adjudicated into the gold layer.

Gold spans are drawn solid; the review candidates that need the reviewer (``corpus.review``: positions gold does
not hold yet, the same ``gold auto`` fills in, and positions gold holds that an annotator marked with other
attributes or links) are drawn dashed, one per (start, end, label), with who marked them; the table beside lists
every candidate, with the attributes and links its annotators and gold disagree on. Accepting a candidate at a
position gold holds merges into that gold span. A final document can be reopened (an event in its history). Keys: ``y`` accepts the selected candidate into gold, ``x`` rejects it, a label key adds
a new gold span from the selection (its attributes are asked before it is saved, gold must be complete),
``Delete`` removes a gold span, ``Ctrl+Z`` undoes the last gold change, ``Enter`` marks the document final.
Every decision goes through the store, so it is in the history.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from corpus.documents import display_title
from corpus.errors import NewsspanError
from corpus.review import review_candidates
from workbench import auth
from workbench.attribute_form import attribute_inputs
from workbench.queue_list import document_list
from workbench.resources import labelset, registry, store
from workbench.span_component import label_specs, span_selector
from workbench.text import escape_markdown

_DOC = "review_doc"
_SELECTED = "review_selected"
_PENDING = "review_pending"
_FLASH = "review_flash"


def _flash(kind: str, message: str) -> None:
    st.session_state[_FLASH] = (kind, message)


def _handle(event, *, user, document, groups) -> Any:
    """Apply one span-component change to gold and return the gold record it saved (the component drew the
    change already and needs its id and version back); a ``NewsspanError`` is shown on the span, rolled back.
    Runs as a widget callback, before ``gate()``: the session is checked again first."""
    if auth.still_logged_in() is None:
        raise NewsspanError("your session has ended: log in again (this change was not saved)")
    s = store()
    doc_id = document["doc_id"]
    group_by_id = {g["id"]: g for g in groups}
    action = event["action"]
    if action == "select":
        st.session_state.update({_SELECTED: event["id"], _PENDING: None})
    elif action == "accept":
        lead = group_by_id[event["id"]]["lead"]
        saved = s.review(user, lead["id"], "accept", lead["version"])
        st.session_state[_SELECTED] = saved["id"]
        return saved
    elif action == "reject":
        for variant in group_by_id[event["id"]]["variants"]:
            for record_id in variant["open_ids"]:
                s.review(user, record_id, "reject", s.annotation(user, record_id)["version"])
        st.session_state[_SELECTED] = None
    elif action == "delete":
        st.session_state[_SELECTED] = None
        return s.delete_annotation(user, event["id"], event["version"])
    elif action == "update":
        record = {k: event[k] for k in ("id", "start", "end", "label", "attributes")}
        return s.save_annotation(
            user, {**record, "doc_id": doc_id}, expected_version=event["version"], layer="gold"
        )
    elif action == "undo":
        return s.undo_last(user, doc_id, layer="gold")
    elif action == "create":  # gold must be complete: its attributes are asked beside the text first
        st.session_state.update({_PENDING: {k: event[k] for k in ("start", "end", "label")}, _SELECTED: None})
    elif action == "done":
        s.set_document_stage(user, doc_id, "final")
        _flash("success", "Document marked final.")
    return None


def _open(doc_id: str) -> None:
    st.session_state.update({_DOC: doc_id, _SELECTED: None, _PENDING: None})


def _reopen_panel(user, document: dict[str, Any]) -> None:
    """A final document: who finished it, and reopening it for review (recorded in its history)."""
    history = store().document_history(user, document["doc_id"])
    finished = next((e for e in reversed(history) if e["kind"] == "stage" and e["source"] == "final"), None)
    if finished:
        st.caption(
            escape_markdown(f"Final since {finished['at'][:16].replace('T', ' ')} (by {finished['actor']})")
        )
    with st.form(f"reopen-{document['doc_id']}", border=False):
        reason = st.text_input(
            "Why reopen it? (kept in the history)", key=f"reopen-reason-{document['doc_id']}"
        )
        if st.form_submit_button("Reopen for review"):
            try:
                store().reopen(user, document["doc_id"], reason=reason.strip() or None)
            except NewsspanError as error:
                st.error(escape_markdown(error.message))
            else:
                _flash("success", "Document reopened for review.")
                st.rerun()


def _readable(attributes: dict[str, Any], label: str, texts: dict[str, str]) -> dict[str, Any]:
    """Attributes as a reviewer reads them: a link (a claim's speaker) shows the linked span's text, not its id."""
    links = labelset().get(label).links() if label in labelset() else {}
    return {k: f"“{texts[v]}”" if k in links and v in texts else v for k, v in attributes.items()}


def _drawn(gold, groups, records) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Gold spans and candidates as the span component draws them. A link names an annotator's record, so each
    gold span and candidate also answers to the ids of the records at its position (``aliases``): a candidate
    claim's arrow reaches its speaker, as a candidate or already in gold."""
    at: dict[tuple[int, int, str], list[str]] = {}
    for record in records:
        at.setdefault((record["start"], record["end"], record["label"]), []).append(record["id"])
    drawn_gold = [{**g, "aliases": at.get((g["start"], g["end"], g["label"]), [])} for g in gold]
    candidates = [
        {
            "id": g["id"],
            "start": g["start"],
            "end": g["end"],
            "label": g["label"],
            "attributes": g["lead"].get("attributes") or {},
            "by": g["annotators"],
            "aliases": [i for variant in g["variants"] for i in variant["ids"]],
        }
        for g in groups
    ]
    return drawn_gold, candidates


def _gold_form(user, document, gold, record: dict[str, Any], *, new: bool) -> None:
    label = labelset().get(record["label"])
    text = document["text"][record["start"] : record["end"]]
    st.markdown(
        f"**{'New gold' if new else 'Gold'} {escape_markdown(label.title or label.name)}** "
        f"`{record['start']}–{record['end']}`"
    )
    st.caption(escape_markdown(f"“{text[:200]}”"))
    key = f"gold-{record.get('id', 'new')}-{record.get('version', 0)}-{record['start']}-{record['label']}"
    with st.form(key, border=False):
        values = attribute_inputs(
            label, record.get("attributes") or {}, spans=gold, registry=registry(), key=key
        )
        submitted = st.form_submit_button("Save to gold", type="primary")
    if submitted:
        payload: dict[str, Any] = {k: record[k] for k in ("id", "start", "end", "label") if k in record}
        try:
            saved = store().save_annotation(
                user,
                {**payload, "doc_id": document["doc_id"], "attributes": values},
                expected_version=None if new else record["version"],
                layer="gold",
            )
        except NewsspanError as error:
            st.error(escape_markdown(error.message))
        else:
            st.session_state[_PENDING] = None
            st.session_state[_SELECTED] = saved["id"]
            _flash("success", "Saved to gold.")
            st.rerun()


def _candidate_panel(user, group: dict[str, Any], texts: dict[str, str]) -> None:
    agreed = "✓ all annotators" if group["agreed"] else f"⚠ {len(group['annotators'])} of {group['total']}"
    st.markdown(
        f"**Candidate {escape_markdown(group['label'])}** `{group['start']}–{group['end']}` · {agreed}"
        + (" · in gold" if group["in_gold"] else "")
    )
    st.caption(escape_markdown(f"“{group['lead']['span_text'][:200]}”"))
    if group["disagreements"]:
        st.warning(escape_markdown("Disagree on: " + ", ".join(group["disagreements"])), icon="⚠️")
    if group["gold"] is not None:
        gold_shown = _readable(group["gold"].get("attributes") or {}, group["label"], texts)
        st.text(f"gold: {gold_shown or '(no attributes)'}")
    for index, variant in enumerate(group["variants"]):
        shown = _readable(variant["attributes"], group["label"], texts)
        mark = "" if group["gold"] is None else ("  = gold" if variant["matches_gold"] else "  ≠ gold")
        st.text(f"{', '.join(variant['annotators'])}: {shown or '(no attributes)'}{mark}")
        lead_id = (variant["open_ids"] or variant["ids"])[0]
        action = "Use this variant in gold" if group["in_gold"] else "Accept this variant (y for the first)"
        if st.button(action, key=f"accept-variant-{lead_id}-{index}", disabled=variant["matches_gold"]):
            try:
                record = store().annotation(user, lead_id)
                saved = store().review(user, lead_id, "accept", record["version"])
            except NewsspanError as error:
                _flash("error", error.message)
            else:
                st.session_state[_SELECTED] = saved["id"]
            st.rerun()


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    s = store()
    st.header("Review")
    with st.sidebar:
        st.caption("Documents in review")
        page = document_list(
            key="review-list",
            current=st.session_state.get(_DOC),
            fetch=lambda query, offset, limit: s.review_page(user, query, offset=offset, limit=limit),
            locate=lambda doc_id, query: s.review_offset(user, doc_id, query),
            on_open=_open,
            statuses={"All": None, "In review": "review", "Final": "final"},
            sorts=("queue", "title"),
            counts_key="gold",
        )
    if sum(page.counts.values()) == 0:
        st.info(
            "No document is in review yet: a document goes to review when all its annotators mark it done."
        )
        return
    if st.session_state.get(_DOC) is None and page.items:
        _open(page.items[0]["doc_id"])
    doc_id = st.session_state.get(_DOC)
    if doc_id is None:
        st.info("No document matches the list's filters.")
        return
    document = s.document(user, doc_id)
    gold = s.annotations(user, doc_id, layer="gold")
    records = s.annotations(user, doc_id)
    candidates_all = review_candidates(records, gold, labelset=labelset())
    groups = [g for g in candidates_all if g["pending"]]  # drawn; the table lists every candidate
    selected_id = st.session_state.get(_SELECTED)
    selected_gold = next((g for g in gold if g["id"] == selected_id), None)
    selected_group = next((g for g in groups if g["id"] == selected_id), None)

    text_column, side_column = st.columns([3, 1], gap="large")
    with text_column:
        disagreements = sum(bool(g["disagreements"]) or not g["agreed"] for g in candidates_all)
        st.subheader(escape_markdown(display_title(document)))
        st.caption(
            f"{len(gold)} gold spans · {len(groups)} candidates to review of {len(candidates_all)} "
            f"({disagreements} disagreements) · "
            + escape_markdown(f"annotators: {', '.join(sorted({r['annotator'] for r in records})) or 'none'}")
            + f" · stage {document['stage']}"
        )
        if flash := st.session_state.pop(_FLASH, None):
            st.toast(escape_markdown(flash[1]))  # floats: never moves the text
        drawn_gold, candidates = _drawn(gold, groups, records)
        span_selector(
            document["text"],
            drawn_gold,
            label_specs(labelset()),
            key=f"review-{doc_id}",
            selected_id=selected_id if (selected_gold or selected_group) else None,
            suggestions=candidates,
            on_event=lambda event: _handle(event, user=user, document=document, groups=groups),
            entities=[(i, e.get("name", i)) for i, e in registry().entities.items()],
        )
    with side_column:
        pending = st.session_state.get(_PENDING)
        if document["stage"] == "final":
            _reopen_panel(user, document)
        if pending:
            _gold_form(user, document, gold, pending, new=True)
        elif selected_gold is not None:
            _gold_form(user, document, gold, selected_gold, new=False)
        elif selected_group is not None:
            _candidate_panel(user, selected_group, {r["id"]: r["span_text"] for r in [*records, *gold]})
        else:
            st.caption(
                "Click a dashed candidate: y accepts it into gold, x rejects it. Select text and press a label "
                "key to add a gold span. Delete removes a gold span, Ctrl+Z undoes, Enter marks the document final."
            )
        if candidates_all:
            st.dataframe(
                [
                    {
                        "span": g["lead"]["span_text"][:40],
                        "label": g["label"],
                        "by": ", ".join(g["annotators"]),
                        "agreed": "✓" if g["agreed"] else "⚠",
                        "status": g["status"] + ("" if g["pending"] or g["status"] != "in gold" else " ✓"),
                        "disagree on": ", ".join(g["disagreements"]),
                    }
                    for g in candidates_all
                ],
                hide_index=True,
                key="review-candidates",
            )


main()
