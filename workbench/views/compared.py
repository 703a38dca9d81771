"""Compared with gold (annotators): on your documents a reviewer has finished, where the reviewer kept, changed,
moved or removed your spans and what they added. Read-only.

The comparison is ``corpus.review.compare_with_gold``, read through ``Store.compared_with_gold`` (which decides
who may see gold: the annotator, on their own final documents). Gold spans are drawn solid, your spans that gold
does not have as they are (or has otherwise) dashed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from corpus.documents import display_title
from workbench import auth
from workbench.queue_list import document_list
from workbench.resources import labelset, store
from workbench.span_component import label_specs, span_selector
from workbench.store.queue import QueueQuery
from workbench.text import escape_markdown

_DOC = "compared_doc"
STATUS_NAMES = {
    "kept": "kept as you marked it",
    "changed": "changed by the reviewer",
    "moved": "boundaries changed",
    "removed": "not in gold",
    "added": "added by the reviewer",
}


def _open(doc_id: str) -> None:
    st.session_state[_DOC] = doc_id


def _row(row: dict[str, Any]) -> dict[str, Any]:
    record = row["own"] or row["gold"]
    return {
        "span": str(record.get("span_text", ""))[:50],
        "label": record["label"],
        "offsets": f"{record['start']}–{record['end']}",
        "what happened": STATUS_NAMES[row["status"]],
        "changed": ", ".join(row["changes"]),
        "yours": str((row["own"] or {}).get("attributes") or ""),
        "gold": str((row["gold"] or {}).get("attributes") or ""),
    }


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    s = store()
    st.header("Compared with gold")
    final = QueueQuery(stage="final")
    with st.sidebar:
        st.caption("Your reviewed documents")
        page = document_list(
            key="compared",
            current=st.session_state.get(_DOC),
            fetch=lambda query, offset, limit: s.queue_page(
                user, replace(query, stage="final"), offset=offset, limit=limit
            ),
            locate=lambda doc_id, query: s.queue_offset(user, doc_id, replace(query, stage="final")),
            on_open=_open,
            statuses={"All": None},
            sorts=("queue", "title"),
        )
    if page.total == 0 and not s.queue_page(user, final, limit=1).items:
        st.info("None of your documents is final yet: a reviewer finishes them after you mark them done.")
        return
    if st.session_state.get(_DOC) is None and page.items:
        _open(page.items[0]["doc_id"])
    doc_id = st.session_state.get(_DOC)
    if doc_id is None:
        return
    compared = s.compared_with_gold(user, doc_id)
    document, rows = compared["document"], compared["rows"]
    counts = {status: sum(row["status"] == status for row in rows) for status in STATUS_NAMES}
    st.subheader(escape_markdown(display_title(document)))
    st.caption(" · ".join(f"{n} {STATUS_NAMES[status]}" for status, n in counts.items() if n))
    gold = [row["gold"] for row in rows if row["gold"] is not None]
    differing = [
        {**row["own"], "by": [f"yours: {row['status']}"]}
        for row in rows
        if row["own"] is not None and row["status"] != "kept"
    ]
    span_selector(
        document["text"],
        gold,
        label_specs(labelset()),
        key=f"compared-{doc_id}",
        suggestions=differing,
        read_only=True,
    )
    st.dataframe([_row(row) for row in rows], hide_index=True, width="stretch", key="compared-table")


main()
