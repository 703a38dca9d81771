"""The span selector's "label all other occurrences": each span carries the other places of its text (code
points from the one matching rule, corpus.suggest.propagation) as UTF-16 offsets for the browser."""

from __future__ import annotations

from corpus.suggest.propagation import other_occurrences
from workbench.span_component.protocol import ALL_KEY, render_payload


def test_other_places_reach_the_browser_in_utf16_and_only_for_spans() -> None:
    text = "🚀 Putin met 👩‍👩‍👧 Putin; Putinism is not Putin."
    spans = [{"id": "s1", "start": 2, "end": 7, "label": "actor"}]
    others = other_occurrences(text, spans)
    assert [text[s:e] for s, e in others["s1"]] == ["Putin", "Putin"]
    data, view = render_payload(
        text,
        [{**span, "others": others[span["id"]]} for span in spans],
        [{"name": "actor"}],
        suggestions=[{"id": "g1", "start": 2, "end": 7, "label": "actor", "others": [(0, 1)]}],
    )
    assert data["keys"]["all"] == ALL_KEY == "A"
    utf16 = text.encode("utf-16-le")
    for s, e in view.items["s1"]["others"]:
        assert utf16[2 * s : 2 * e].decode("utf-16-le") == "Putin"
    assert "others" not in view.items["g1"]  # a suggestion is accepted first, then offers its others
