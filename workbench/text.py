"""User text in the workbench: the one helper that makes it literal where Streamlit interprets Markdown.

Everything that comes from an article or a label set (titles, sources, span text, attribute values, label
names, titles and descriptions) and every user or error message is text. Shown with ``st.text``, ``st.code``,
``st.dataframe``, ``st.json``, a select box's or multiselect's *options* or the span component, it stays text.
Shown anywhere Streamlit interprets Markdown — ``st.markdown``, ``st.caption``, ``st.header``/``subheader``,
``st.error``/``info``/``success``/``warning``, ``st.metric``, ``st.progress`` text, ``st.expander``, and every
widget *label*, ``help`` tooltip and radio *option* — it goes through :func:`escape_markdown` first. Never use
``unsafe_allow_html`` with anything built from user text.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark: escaping them all turns off
# emphasis, links, images, HTML, code, headings, tables and Streamlit's own :color[...], :material/icon:,
# :emoji: and $math$ syntax. Whitespace runs become one space (no code blocks, no paragraphs).
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Bare URLs, "www." and e-mail addresses are still made links after escaping: an invisible word joiner
# (U+2060) between "http" and "://", "www" and ".", and before "@" keeps them plain text.
_LINKISH = re.compile(r"(?i)(?<=[a-z0-9])(?=://|@)|(?<=\bwww)(?=\.)")
WORD_JOINER = "\u2060"


def escape_markdown(value: object) -> str:
    """``value`` as text that every Markdown-interpreting Streamlit element shows literally and that loads
    nothing: no image, no link, no HTML."""
    text = " ".join(str(value).split())
    text = _LINKISH.sub(WORD_JOINER, text)
    return _PUNCTUATION.sub(r"\\\1", text)
