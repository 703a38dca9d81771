"""A page that fails on purpose (tests/test_security_browser.py): a button raises an unexpected error whose
message names a server path, as a bug deep in a page would."""

import streamlit as st

st.write("crash app ready")
if st.button("Break"):
    raise RuntimeError("secret detail from /srv/newsspan/private/config.toml")
