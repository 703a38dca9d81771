"""Feedback on suggestions in the store (SQLite and PostgreSQL): what a user is no longer shown, the team's
rejections for propagation, and accept rates per label and recommender."""

from __future__ import annotations

import pytest

from corpus.suggest.propagation import Rejection
from tests.store_fixtures import ACTOR, Team, span
from workbench.store import AccessDenied


def _suggest(team: Team, doc: dict, by: str, *places: tuple[str, int]) -> list[dict]:
    records = [span(doc, phrase, "actor", ACTOR, nth) for phrase, nth in places]
    if by == "propagation":
        records = [{**record, "suggestion": {"labelled": 2, "rejected": 0}} for record in records]
    return team.store.save_suggestions(team.admin, records, by)


def _shown(team: Team, user, doc: dict) -> list[tuple[str, int]]:
    return [(s["span_text"], s["start"]) for s in team.store.suggestions(user, doc["doc_id"])]


def test_suggestions_hide_own_spans_rejected_texts_and_done_documents(team: Team) -> None:
    doc, other = team.doc(0), team.doc(1)
    made = _suggest(team, doc, "propagation", ("Moscow", 0), ("Moscow", 1), ("Trump", 0), ("Russia", 0))
    _suggest(team, doc, "actors", ("Russia", 0))  # the same place from another recommender: shown once
    _suggest(team, other, "propagation", ("Moscow", 0))
    assert sorted(text for text, _ in _shown(team, team.ana, doc)) == ["Moscow", "Moscow", "Russia", "Trump"]

    # ana labels Trump herself: its suggestion is gone for her, not for ben
    team.store.save_annotation(team.ana, span(doc, "Trump", "actor", ACTOR))
    assert "Trump" not in [text for text, _ in _shown(team, team.ana, doc)]
    assert "Trump" in [text for text, _ in _shown(team, team.ben, doc)]

    # ana rejects one Moscow: no Moscow actor is proposed to her again, here or in another document
    team.store.decide_suggestion(team.ana, made[0]["id"], "reject")
    assert [text for text, _ in _shown(team, team.ana, doc)] == ["Russia"]
    assert _shown(team, team.ana, other) == []
    assert [text for text, _ in _shown(team, team.ben, doc)].count("Moscow") == 2

    # done: nothing more to decide on this document
    team.store.set_document_status(team.ana, doc["doc_id"], "done")
    assert _shown(team, team.ana, doc) == []
    assert _shown(team, team.ben, doc) != []


def test_team_rejections_and_accept_rates_per_label_and_recommender(team: Team) -> None:
    doc = team.doc(0)
    moscow, moscow_again, russia = _suggest(
        team, doc, "propagation", ("Moscow", 0), ("Moscow", 1), ("Russia", 0)
    )
    (putin,) = _suggest(team, doc, "actors", ("Putin", 0))
    team.store.decide_suggestion(team.ana, moscow["id"], "reject")
    team.store.decide_suggestion(team.ben, moscow["id"], "reject")
    accepted = team.store.decide_suggestion(team.ana, russia["id"], "accept")
    assert russia["suggestion"] == {"labelled": 2, "rejected": 0}
    assert accepted is not None and "suggestion" not in accepted  # the annotator's own span: no provenance
    team.store.decide_suggestion(team.ben, putin["id"], "accept")

    assert team.store.team_rejections(team.admin) == [
        Rejection(doc["doc_id"], moscow["start"], moscow["end"], "Moscow", "actor", 2)
    ]
    with pytest.raises(AccessDenied):
        team.store.team_rejections(team.ana)

    everyone = {(row.label, row.recommender): row for row in team.store.suggestion_feedback(team.admin)}
    assert set(everyone) == {("actor", "actors"), ("actor", "propagation")}
    propagation = everyone[("actor", "propagation")]
    assert (propagation.accepted, propagation.rejected, propagation.open) == (1, 2, 1)
    assert propagation.rate == pytest.approx(1 / 3)
    assert (everyone[("actor", "actors")].accepted, everyone[("actor", "actors")].open) == (1, 0)
    assert team.store.suggestion_feedback(team.rita) == team.store.suggestion_feedback(team.admin)

    ana = {(row.label, row.recommender): row for row in team.store.suggestion_feedback(team.ana)}
    assert (ana[("actor", "propagation")].accepted, ana[("actor", "propagation")].rejected) == (1, 1)
    assert ana[("actor", "propagation")].open == 1  # the second Moscow, which she has not decided on
    assert (ana[("actor", "actors")].accepted, ana[("actor", "actors")].open) == (0, 1)
    assert ana[("actor", "actors")].rate is None
    assert moscow_again["id"] not in {s["id"] for s in team.store.suggestions(team.ana, doc["doc_id"])}
