"""Gold: the adjudicated layer of any document, read-only (admins) — e.g. the gold-annotated seed corpus."""

from __future__ import annotations

import streamlit as st

from workbench import auth
from workbench.resources import label_bar, labelset, store
from workbench.span_component import span_selector
from workbench.text import escape_markdown


def main() -> None:
    user = auth.current_user()
    if user is None:  # app.py shows only the log-in form then; a page never runs without a user
        st.stop()
    s = store()
    st.header("Gold corpus")
    documents = [d for d in s.review_documents(user, every_stage=True) if d["gold"]]
    if not documents:
        st.info("No document has gold spans yet (reviewers accept them on the Review page).")
        return
    items = {d["doc_id"]: d for d in documents}
    doc_id = st.selectbox(
        "Document",
        list(items),
        format_func=lambda d: (
            f"{items[d]['title'] or items[d]['source_id'] or d} · {items[d]['gold']} gold spans"
        ),
    )
    document = s.document(user, doc_id)
    gold = s.annotations(user, doc_id, layer="gold")
    selected = st.session_state.get("gold_selected")
    chosen = next((g for g in gold if g["id"] == selected), None)
    text_column, side_column = st.columns([3, 1], gap="large")
    with text_column:
        counts = {name: sum(g["label"] == name for g in gold) for name in labelset().names}
        st.caption(escape_markdown(" · ".join(f"{n} {name}" for name, n in counts.items())))
        span_selector(
            document["text"],
            gold,
            label_bar(labelset()),
            key=f"gold-{doc_id}",
            selected_id=chosen["id"] if chosen else None,
            read_only=True,
            on_event=lambda event: st.session_state.update(gold_selected=event.get("id")),
        )
    with side_column:
        if chosen:
            st.markdown(f"**{escape_markdown(chosen['label'])}** `{chosen['start']}–{chosen['end']}`")
            st.caption(escape_markdown(f"“{chosen['span_text'][:200]}”"))
            st.json(chosen["attributes"])
        else:
            st.caption("Click a span to see its attributes.")


main()
