"""The newsspan workbench (Streamlit). Until the annotation pages land it lists the latest release's documents."""

from __future__ import annotations

import streamlit as st

from corpus.errors import NewsspanError
from corpus.release import open_release

st.set_page_config(page_title="newsspan", layout="wide")
st.title("newsspan")
try:
    release = open_release()
except NewsspanError as error:
    st.error(error.message)
    st.stop()
st.caption(f"Release v{release.version} — {release.path}")
documents = release.documents()
st.dataframe(
    [
        {
            "doc_id": d["doc_id"],
            "title": d["title"] or d["text"][:80] + "…",
            "source": d["source"],
            "published": d["published"],
            "characters": len(d["text"]),
        }
        for d in documents
    ],
    hide_index=True,
    width="stretch",
)
