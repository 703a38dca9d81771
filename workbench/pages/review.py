"""Review: every annotator's spans on a document in review, adjudicated into the gold layer.

Gold spans are drawn solid; the review candidates (``corpus.review``: the annotators' spans not yet decided, at
positions gold does not hold yet, the same ``gold auto`` fills in) are drawn dashed, one per (start, end, label),
with who marked them. Keys: ``y`` accepts the selected candidate into gold, ``x`` rejects it, a label key adds
a new gold span from the selection (its attributes are asked before it is saved, gold must be complete),
``Delete`` removes a gold span, ``Ctrl+Z`` undoes the last gold change, ``Enter`` marks the document final.
Every decision goes through the store, so it is in the history.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from corpus.errors import NewsspanError
from corpus.review import review_candidates
from workbench import auth
from workbench.attribute_form import attribute_inputs
from workbench.resources import label_bar, labelset, registry, store
from workbench.span_component import span_selector

_DOC = "review_doc"
_SELECTED = "review_selected"
_PENDING = "review_pending"
_FLASH = "review_flash"


def _flash(kind: str, message: str) -> None:
    st.session_state[_FLASH] = (kind, message)


def _handle(event, *, user, document, gold, groups) -> None:
    s = store()
    gold_by_id = {g["id"]: g for g in gold}
    group_by_id = {g["id"]: g for g in groups}
    action = event["action"]
    try:
        if action == "select":
            st.session_state[_SELECTED] = event["id"]
            st.session_state[_PENDING] = None
        elif action == "accept" and event["id"] in group_by_id:
            lead = group_by_id[event["id"]]["lead"]
            saved = s.review(user, lead["id"], "accept", lead["version"])
            st.session_state[_SELECTED] = saved["id"]
        elif action == "reject" and event["id"] in group_by_id:
            for variant in group_by_id[event["id"]]["variants"]:
                for record_id in variant["ids"]:
                    record = s.annotation(user, record_id)
                    s.review(user, record_id, "reject", record["version"])
            st.session_state[_SELECTED] = None
        elif action == "delete" and event["id"] in gold_by_id:
            s.delete_annotation(user, event["id"], gold_by_id[event["id"]]["version"])
            st.session_state[_SELECTED] = None
        elif action == "undo":
            if s.undo_last(user, document["doc_id"], layer="gold") is None:
                _flash("info", "Nothing to undo in gold.")
        elif action == "create":
            st.session_state[_PENDING] = {k: event[k] for k in ("start", "end", "label")}
            st.session_state[_SELECTED] = None
        elif action == "done":
            s.set_document_stage(user, document["doc_id"], "final")
            _flash("success", "Document marked final.")
    except NewsspanError as error:
        _flash("error", error.message)


def _gold_form(user, document, gold, record: dict[str, Any], *, new: bool) -> None:
    label = labelset().get(record["label"])
    text = document["text"][record["start"] : record["end"]]
    st.markdown(
        f"**{'New gold' if new else 'Gold'} {label.title or label.name}** `{record['start']}–{record['end']}`"
    )
    st.caption(f"“{text[:200]}”")
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
            st.error(error.message)
        else:
            st.session_state[_PENDING] = None
            st.session_state[_SELECTED] = saved["id"]
            _flash("success", "Saved to gold.")
            st.rerun()


def _candidate_panel(user, group: dict[str, Any]) -> None:
    agreed = "✓ all annotators" if group["agreed"] else f"⚠ {len(group['annotators'])} of {group['total']}"
    st.markdown(f"**Candidate {group['label']}** `{group['start']}–{group['end']}` · {agreed}")
    st.caption(f"“{group['lead']['span_text'][:200]}”")
    for index, variant in enumerate(group["variants"]):
        st.write(f"{', '.join(variant['annotators'])}: {variant['attributes'] or '(no attributes)'}")
        lead_id = variant["ids"][0]
        if st.button("Accept this variant (y for the first)", key=f"accept-variant-{lead_id}-{index}"):
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
    documents = s.review_documents(user)
    st.header("Review")
    if not documents:
        st.info(
            "No document is in review yet: a document goes to review when all its annotators mark it done."
        )
        return
    ids = [d["doc_id"] for d in documents]
    items = {d["doc_id"]: d for d in documents}
    if st.session_state.get(_DOC) not in ids:
        st.session_state[_DOC] = ids[0]
    with st.sidebar:
        choice = st.radio(
            "Documents in review",
            ids,
            index=ids.index(st.session_state[_DOC]),
            key=f"review-queue-{st.session_state[_DOC]}",
            format_func=lambda d: (
                f"{'●' if items[d]['stage'] == 'final' else '◐'} "
                f"{(items[d]['title'] or items[d]['source_id'] or d)[:44]} · {items[d]['gold']} gold"
            ),
        )
    if choice != st.session_state[_DOC]:
        st.session_state.update({_DOC: choice, _SELECTED: None, _PENDING: None})
    doc_id = st.session_state[_DOC]
    document = s.document(user, doc_id)
    gold = s.annotations(user, doc_id, layer="gold")
    records = s.annotations(user, doc_id)
    groups = review_candidates(records, gold, labelset=labelset())
    selected_id = st.session_state.get(_SELECTED)
    selected_gold = next((g for g in gold if g["id"] == selected_id), None)
    selected_group = next((g for g in groups if g["id"] == selected_id), None)

    text_column, side_column = st.columns([3, 1], gap="large")
    with text_column:
        disagreements = sum(not g["agreed"] for g in groups)
        st.subheader(document.get("title") or document.get("source_id") or doc_id)
        st.caption(
            f"{len(gold)} gold spans · {len(groups)} candidates ({disagreements} disagreements) · "
            f"annotators: {', '.join(sorted({r['annotator'] for r in records})) or 'none'} · stage {document['stage']}"
        )
        if flash := st.session_state.pop(_FLASH, None):
            getattr(st, flash[0])(flash[1])
        span_selector(
            document["text"],
            gold,
            label_bar(labelset()),
            key=f"review-{doc_id}",
            selected_id=selected_id if (selected_gold or selected_group) else None,
            suggestions=[{**g, "id": g["id"]} for g in groups],
            on_event=lambda event: _handle(event, user=user, document=document, gold=gold, groups=groups),
        )
    with side_column:
        pending = st.session_state.get(_PENDING)
        if pending:
            _gold_form(user, document, gold, pending, new=True)
        elif selected_gold is not None:
            _gold_form(user, document, gold, selected_gold, new=False)
        elif selected_group is not None:
            _candidate_panel(user, selected_group)
        else:
            st.caption(
                "Click a dashed candidate: y accepts it into gold, x rejects it. Select text and press a label "
                "key to add a gold span. Delete removes a gold span, Ctrl+Z undoes, Enter marks the document final."
            )
        if groups:
            st.dataframe(
                [
                    {
                        "span": g["lead"]["span_text"][:40],
                        "label": g["label"],
                        "by": ", ".join(g["annotators"]),
                        "agreed": "✓" if g["agreed"] else "⚠",
                    }
                    for g in groups
                ],
                hide_index=True,
            )


main()
