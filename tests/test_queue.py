"""The queue at 10,000 documents, on SQLite and PostgreSQL: paging, search, filters, a stable sort, "next open
document", display titles, and a page costing the same few statements whatever the size of the queue.

Correctness only: nothing here is timed (bench/queue_latency.py measures the page in the browser)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from corpus.documents import display_title
from tests.store_fixtures import PASSWORD, TEMPLATE
from workbench.store import CLI_USER, Store, open_store
from workbench.store.engine import dispose_engine
from workbench.store.queue import QueueQuery

N = 10_000
WORDS = ["budget", "council", "harbour", "election", "vaccine", "pipeline", "drought", "strike"]


def make_document(n: int) -> dict:
    """Document n: every third has no title (its display title is its first sentence); story of ten; a unique
    marker word ``mk<n>`` in the text and a topic word."""
    text = (
        f"Report number {n} on the {WORDS[n % len(WORDS)]} talks. Officials met again today.\n"
        f"The marker mk{n:05d} closes it."
    )
    doc_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    return {
        "doc_id": doc_id,
        "source_id": f"src_{n:05d}",
        "text": text,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "title": None if n % 3 == 0 else f"Headline {n:05d} {'Zebra' if n % 1000 == 7 else 'news'}",
        "story_id": f"story-{n // 10:04d}",
    }


class Big:
    def __init__(self, store: Store, documents: list[dict]) -> None:
        self.store = store
        self.documents = documents
        self.by_n = {n: d["doc_id"] for n, d in enumerate(documents)}
        self.ana = store.user("ana")
        self.ben = store.user("ben")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def big(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Big]:
    """10,000 documents, all assigned to ana in document order, the first 100 also to ben; ana tagged a few
    and finished some."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('queue') / 'store.sqlite'}"
        cluster = None
    else:
        cluster = request.getfixturevalue("pg_cluster")
        url = cluster.url(cluster.create_database(template=TEMPLATE))
    store = open_store(url)
    documents = [make_document(n) for n in range(N)]
    store.load_documents(CLI_USER, documents, release="0.1.0")
    store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
    store.create_user(CLI_USER, "ben", "annotator", PASSWORD)
    store.assign(CLI_USER, 1, doc_ids=[d["doc_id"] for d in documents], annotators=["ana"])
    store.assign(CLI_USER, 1, doc_ids=[d["doc_id"] for d in documents[:100]], annotators=["ben"])
    big = Big(store, documents)
    for n in range(0, N, 500):  # 20 documents with one actor span, every other one also two claims
        document = documents[n]
        start = document["text"].index("Officials")
        store.save_annotation(big.ana, {"doc_id": document["doc_id"], "start": start, "end": start + 9,
                                        "label": "actor", "attributes": {}})  # fmt: skip
        if n % 1000 == 0:
            for phrase in ("Report number", "Officials met again"):
                at = document["text"].index(phrase)
                store.save_annotation(big.ana, {"doc_id": document["doc_id"], "start": at,
                                                "end": at + len(phrase), "label": "claim", "attributes": {}})  # fmt: skip
    for n in range(1, 60):  # 59 documents done (without spans, so nothing misses attributes)
        store.set_document_status(big.ana, documents[n]["doc_id"], "done")
    yield big
    dispose_engine(url)
    if cluster is not None:
        cluster.drop_database(url.rsplit("/", 1)[1])


def all_pages(store: Store, user, query: QueueQuery, limit: int = 200) -> list[dict]:
    items, offset = [], 0
    while True:
        page = store.queue_page(user, query, offset=offset, limit=limit)
        items += page.items
        if len(page.items) < limit:
            return items
        offset += limit


def test_pages_cover_the_queue_once_in_queue_order(big: Big) -> None:
    first = big.store.queue_page(big.ana)
    assert first.total == N and first.pages == N // 25 and len(first.items) == 25
    assert first.counts == {"not_started": N - 59 - 20, "in_progress": 20, "done": 59}
    every = all_pages(big.store, big.ana, QueueQuery())
    assert [item["doc_id"] for item in every] == [big.by_n[n] for n in range(N)]
    assert [item["position"] for item in every] == sorted(item["position"] for item in every)
    last = big.store.queue_page(big.ana, offset=N - 10, limit=25)
    assert len(last.items) == 10 and last.items[-1]["doc_id"] == big.by_n[N - 1]
    assert big.store.queue_page(big.ben).total == 100  # only one's own assignments


def test_display_titles_come_from_the_title_or_the_first_sentence(big: Big) -> None:
    items = {item["doc_id"]: item for item in big.store.queue_page(big.ana, limit=6).items}
    assert items[big.by_n[0]]["title"] == "Report number 0 on the budget talks."
    assert items[big.by_n[1]]["title"] == "Headline 00001 news"
    for n in (0, 1, 2):
        assert items[big.by_n[n]]["title"] == display_title(big.documents[n])


def test_search_finds_titles_source_ids_and_words_of_the_text(big: Big) -> None:
    def found(search: str, **query) -> list[str]:
        return [item["doc_id"] for item in all_pages(big.store, big.ana, QueueQuery(search=search, **query))]

    assert found("zebra") == [big.by_n[n] for n in range(N) if n % 1000 == 7 and n % 3]  # title, any case
    assert found("src_04242") == [big.by_n[4242]]  # source id
    assert found("MK04243") == [big.by_n[4243]]  # a word of the text
    assert found("mk0424") == [big.by_n[n] for n in range(4240, 4250)]  # word prefixes
    assert found("harbour mk0424") == [big.by_n[n] for n in range(4240, 4250) if n % 8 == 2]  # every word
    assert found("mk0424", status="done") == []
    assert found("%") == []  # LIKE wildcards are literal
    assert len(found("officials")) == N


def test_filters_by_status_story_and_span_counts(big: Big) -> None:
    def doc_ids(**query) -> list[str]:
        return [item["doc_id"] for item in all_pages(big.store, big.ana, QueueQuery(**query))]

    assert doc_ids(status="done") == [big.by_n[n] for n in range(1, 60)]
    assert len(doc_ids(status="open")) == N - 59
    tagged = [big.by_n[n] for n in range(0, N, 500)]
    assert doc_ids(status="in_progress") == tagged
    assert doc_ids(story="story-0421") == [big.by_n[n] for n in range(4210, 4220)]
    assert doc_ids(min_spans=1) == tagged
    assert doc_ids(label="claim", min_spans=2) == [big.by_n[n] for n in range(0, N, 1000)]
    assert doc_ids(label="claim", min_spans=1, max_spans=1) == []
    assert len(doc_ids(max_spans=0)) == N - 20
    page = big.store.queue_page(big.ana, QueueQuery(label="claim", min_spans=1), limit=3)
    assert page.total == 10 and page.items[0]["spans"] == 3
    assert page.items[0]["labels"] == {"actor": 1, "claim": 2}


def test_sorts_are_stable_and_pages_never_overlap(big: Big) -> None:
    by_title = all_pages(big.store, big.ana, QueueQuery(sort="title"), limit=97)
    assert len({item["doc_id"] for item in by_title}) == N
    keys = [(item["title"].lower(), item["doc_id"]) for item in by_title]
    assert keys == sorted(keys)
    again = big.store.queue_page(big.ana, QueueQuery(sort="title"), offset=97, limit=97).items
    assert again == by_title[97:194]
    by_status = big.store.queue_page(big.ana, QueueQuery(sort="status"), limit=22).items
    assert [item["status"] for item in by_status] == ["in_progress"] * 20 + ["not_started"] * 2
    by_spans = big.store.queue_page(big.ana, QueueQuery(sort="spans"), limit=11).items
    assert [item["spans"] for item in by_spans] == [3] * 10 + [1]


def test_next_open_document_and_the_row_of_a_document(big: Big) -> None:
    assert big.store.next_open_document(big.ana) == big.by_n[0]
    assert big.store.next_open_document(big.ana, after=big.by_n[0]) == big.by_n[60]  # 1-59 are done
    assert big.store.next_open_document(big.ana, after=big.by_n[N - 1]) == big.by_n[0]  # wraps round
    assert big.store.queue_offset(big.ana, big.by_n[4321]) == 4321
    assert big.store.queue_offset(big.ana, big.by_n[4321], QueueQuery(status="open")) == 4321 - 59
    assert big.store.queue_offset(big.ana, big.by_n[5], QueueQuery(status="open")) is None
    assert big.store.queue_offset(big.ana, big.by_n[7007], QueueQuery(search="zebra", sort="title")) == 5


def test_a_page_costs_the_same_statements_for_100_or_10000_documents(big: Big) -> None:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(big.store.engine, "before_cursor_execute", count)
    try:
        big.store.queue_page(big.ben, QueueQuery(sort="title"))
        small = len(statements)
        statements.clear()
        big.store.queue_page(big.ana, QueueQuery(sort="title"))
        assert len(statements) == small <= 5  # rows, counts per status, total, labels (+ BEGIN on SQLite)
        statements.clear()
        big.store.review_page(CLI_USER)
        assert len(statements) <= 5
    finally:
        event.remove(big.store.engine, "before_cursor_execute", count)


def test_queue_queries_are_checked(big: Big) -> None:
    with pytest.raises(Exception, match="unknown sort"):
        big.store.queue_page(big.ana, QueueQuery(sort="random"))
    with pytest.raises(Exception, match="unknown status"):
        big.store.queue_page(big.ana, QueueQuery(status="lost"))
    with pytest.raises(Exception, match="may not review"):
        big.store.review_page(big.ana)


def test_the_review_list_pages_filters_and_finds_a_document(team) -> None:
    store = team.store
    ids = sorted(team.documents)
    for doc_id in ids[:3]:
        store.set_document_stage(CLI_USER, doc_id, "review")
    store.set_document_stage(CLI_USER, ids[3], "final")
    page = store.review_page(team.rita, limit=2)
    assert page.total == 4 and page.counts == {"review": 3, "final": 1}
    assert [item["doc_id"] for item in page.items] == [ids[3], ids[0]]  # by stage (final < review), doc_id
    assert store.review_page(team.rita, QueueQuery(status="review")).total == 3
    assert store.review_offset(team.rita, ids[2]) == 3
    assert store.review_offset(team.rita, ids[2], QueueQuery(status="final")) is None
    titled = store.review_page(team.rita, QueueQuery(sort="title")).items
    assert store.review_offset(team.rita, titled[2]["doc_id"], QueueQuery(sort="title")) == 2
    assert {item["gold"] for item in page.items} == {0}
