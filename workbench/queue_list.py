"""A document list in the sidebar for a queue of any size: search, filters, a sort, one page at a time.

The store does the work (``Store.queue_page`` / ``Store.review_page``: server-side paging, search, filters and a
stable sort); this draws one page of it, so the page costs the same with 5 or 100,000 documents. Each document
is a button (its status icon, display title and span count); the current one is highlighted. The list is in a
container with the key ``<key>-list`` (CSS class ``st-key-<key>-list``), each button ``<key>-doc-<doc_id>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import streamlit as st

from workbench.store.queue import QueueQuery
from workbench.text import escape_markdown

PAGE_SIZE = 20
STATUS_ICON = {"not_started": "○", "in_progress": "◐", "done": "●", "review": "◐", "final": "●"}
SORT_NAMES = {"queue": "Queue order", "title": "Title", "status": "Status", "spans": "Most spans"}

Fetch = Callable[[QueueQuery, int, int], Any]  # (query, offset, limit) -> QueuePage
Locate = Callable[[str, QueueQuery], int | None]  # (doc_id, query) -> its row, or None


def _state(key: str) -> dict[str, Any]:
    return st.session_state.setdefault(f"{key}-state", {"offset": 0, "query": None})


def _label(item: Mapping[str, Any], counts_key: str) -> str:
    icon = STATUS_ICON.get(item.get("status") or item.get("stage") or "", "·")
    title = str(item["title"])
    title = title if len(title) <= 60 else title[:59] + "…"
    count = item.get(counts_key)
    return f"{icon} {escape_markdown(title)}" + (f" · {count}" if count is not None else "")


def _filters(
    key: str, statuses: Mapping[str, str | None], sorts: Sequence[str], labels: Sequence[str]
) -> QueueQuery:
    search = st.text_input(
        "Search", key=f"{key}-search", placeholder="title, source id or words of the text", type="search"
    )
    left, right = st.columns(2)
    status = left.selectbox("Show", list(statuses), key=f"{key}-status")
    sort = right.selectbox("Sort", list(sorts), format_func=lambda s: SORT_NAMES.get(s, s), key=f"{key}-sort")
    story, label, min_spans = "", None, 0
    if labels:
        with st.expander("More filters"):
            story = st.text_input("Story id", key=f"{key}-story")
            label = st.selectbox("Spans of label", ["any label", *labels], key=f"{key}-label")
            min_spans = st.number_input("At least this many spans", 0, 10_000, 0, key=f"{key}-min")
    return QueueQuery(
        search=search or "",
        status=statuses[status],
        story=story.strip() or None,
        label=None if label in (None, "any label") else label,
        min_spans=int(min_spans) or None,
        sort=sort,
    )


def document_list(
    *,
    key: str,
    current: str | None,
    fetch: Fetch,
    locate: Locate,
    on_open: Callable[[str], None],
    statuses: Mapping[str, str | None],
    sorts: Sequence[str] = ("queue",),
    labels: Sequence[str] = (),
    counts_key: str = "spans",
) -> Any:
    """Draw the filters, one page of documents and the pager (call inside ``st.sidebar``); a click on a
    document calls ``on_open(doc_id)`` (a callback, before the rerun). Returns the ``QueuePage`` shown.

    When the query changes, the list opens on the page holding ``current`` (else the first page)."""
    state = _state(key)
    query = _filters(key, statuses, sorts, labels)
    if state["query"] != asdict(query):
        state["query"] = asdict(query)
        row = locate(current, query) if current else None
        state["offset"] = (row // PAGE_SIZE) * PAGE_SIZE if row is not None else 0
    page = fetch(query, state["offset"], PAGE_SIZE)
    if not page.items and page.total and state["offset"]:
        state["offset"] = 0  # the list shrank under us (documents done, reassigned)
        page = fetch(query, 0, PAGE_SIZE)
    # Static CSS (no user text): the documents' titles read from the left, like a list.
    st.html(f"<style>.st-key-{key}-list button {{justify-content: flex-start; text-align: left;}}</style>")
    with st.container(key=f"{key}-list"):
        if not page.items:
            st.caption("No document matches." if page.total == 0 else "")
        for item in page.items:
            doc_id = item["doc_id"]
            st.button(
                _label(item, counts_key),
                key=f"{key}-doc-{doc_id}",
                type="primary" if doc_id == current else "tertiary",
                on_click=on_open,
                args=(doc_id,),
                width="stretch",
            )
    _pager(key, page)
    return page


def _pager(key: str, page: Any) -> None:
    state = _state(key)
    first, last = page.offset + 1, page.offset + len(page.items)
    back, where, forward = st.columns([1, 3, 1], vertical_alignment="center")

    def move(offset: int) -> None:
        state["offset"] = max(0, offset)

    back.button(
        "‹", key=f"{key}-prev", disabled=page.offset == 0, on_click=move, args=(page.offset - page.limit,),
        help="Previous page",
    )  # fmt: skip
    where.caption(f"{first}–{last} of {page.total}" if page.items else f"0 of {page.total}")
    forward.button(
        "›", key=f"{key}-next", disabled=last >= page.total, on_click=move, args=(page.offset + page.limit,),
        help="Next page",
    )  # fmt: skip
