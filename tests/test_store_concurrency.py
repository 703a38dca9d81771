"""Many writers at once, and a writer killed with SIGKILL mid-batch: nothing lost, duplicated or corrupted."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter

import pytest
from sqlalchemy import text

from tests.store_fixtures import PASSWORD, REPO_ROOT
from workbench.store import CLI_USER, ConflictError

WRITERS = 20
SPANS_PER_WRITER = 8
FRAMING = {"frame": "Other", "voice": "outlet"}


def words(document: dict, count: int, offset: int) -> list[tuple[int, int]]:
    found = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{4,}", document["text"])]
    return [found[(offset + 7 * i) % len(found)] for i in range(count)]


def test_twenty_concurrent_writers_lose_and_duplicate_nothing(store, seed_documents) -> None:
    store.load_documents(CLI_USER, seed_documents)
    users = [store.create_user(CLI_USER, f"w{i:02d}", "annotator", PASSWORD) for i in range(WRITERS)]
    store.assign(CLI_USER, overlap=WRITERS)
    shared_doc = seed_documents[0]
    shared = store.save_annotation(
        CLI_USER,
        {
            "doc_id": shared_doc["doc_id"],
            "start": 0,
            "end": 3,  # part of a word: never one of the whole words the writers tag (no duplicate)
            "label": "framing",
            "attributes": FRAMING,
            "annotator": "w00",
        },
    )
    errors: list[BaseException] = []
    created: list[str] = []
    shared_updates = Counter()
    conflicts = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(WRITERS)

    def writer(index: int) -> None:
        user = users[index]
        try:
            barrier.wait()
            document = seed_documents[index % len(seed_documents)]
            for start, end in words(document, SPANS_PER_WRITER, index):
                record = {
                    "doc_id": document["doc_id"],
                    "start": start,
                    "end": end,
                    "label": "framing",
                    "attributes": FRAMING,
                }
                saved = store.save_annotation(user, record)
                with lock:
                    created.append(saved["id"])
                edited = store.save_annotation(
                    user, {**saved, "attributes": {**FRAMING, "voice": "quoted source"}}, saved["version"]
                )
                assert edited["version"] == 2
                # every writer also fights over one shared span (as the admin): conflicts, retried, never lost
                while True:
                    current = store.annotation(CLI_USER, shared["id"])
                    try:
                        store.save_annotation(
                            CLI_USER,
                            {**current, "attributes": {**FRAMING, "frame": "Political"}},
                            current["version"],
                        )
                    except ConflictError:
                        with lock:
                            conflicts[index] += 1
                        continue
                    with lock:
                        shared_updates[index] += 1
                    break
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert len(created) == len(set(created)) == WRITERS * SPANS_PER_WRITER
    stored = store.records(CLI_USER)
    ids = [r["id"] for r in stored if r["id"] != shared["id"]]
    assert sorted(ids) == sorted(created)  # nothing lost, nothing duplicated
    assert all(
        r["version"] == 2 and r["attributes"]["voice"] == "quoted source" for r in stored if r["id"] in ids
    )
    final = store.annotation(CLI_USER, shared["id"])
    total_updates = sum(shared_updates.values())
    assert total_updates == WRITERS * SPANS_PER_WRITER
    assert final["version"] == 1 + total_updates
    history = store.history(CLI_USER, shared["id"])
    assert [e["version"] for e in history] == list(range(1, final["version"] + 1))  # complete, in order
    with store.engine.connect() as connection:
        kinds = Counter(connection.execute(text("SELECT kind FROM events")).scalars())
    assert kinds == {"create": len(created) + 1, "update": len(created) + total_updates}


CHILD = textwrap.dedent(
    """
    import sys
    from workbench.store import open_store
    url, doc_id, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = open_store(url)
    user = store.authenticate("killme", sys.argv[4])
    document = store.document(user, doc_id)
    import re
    spans = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{3,}", document["text"])][:count]
    print("ready", flush=True)
    for start, end in spans:
        saved = store.save_annotation(user, {"doc_id": doc_id, "start": start, "end": end, "label": "framing",
                                             "attributes": {"frame": "Other", "voice": "outlet"}})
        print(saved["id"], flush=True)
    print("finished", flush=True)
    """
)


def test_sigkill_mid_batch_keeps_every_acknowledged_save(store, store_url, seed_documents) -> None:
    store.load_documents(CLI_USER, seed_documents)
    store.create_user(CLI_USER, "killme", "annotator", PASSWORD)
    store.assign(CLI_USER, overlap=1)
    doc_id = seed_documents[1]["doc_id"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, store_url, doc_id, "400", PASSWORD],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )
    acknowledged: list[str] = []
    assert child.stdout.readline().strip() == "ready"
    for line in child.stdout:
        acknowledged.append(line.strip())
        if len(acknowledged) == 40:
            os.kill(child.pid, signal.SIGKILL)  # mid-batch: the next save may be half-way through
            break
    child.wait(timeout=60)
    acknowledged += [line.strip() for line in child.stdout.read().splitlines() if line.strip()]
    assert child.returncode == -signal.SIGKILL
    assert "finished" not in acknowledged and len(acknowledged) >= 40

    with store.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        stored = set(connection.execute(text("SELECT id FROM annotations")).scalars())
        created = list(
            connection.execute(text("SELECT annotation_id FROM events WHERE kind = 'create'")).scalars()
        )
    assert set(acknowledged) <= stored  # every acknowledged save is there
    assert len(stored) - len(acknowledged) in (0, 1)  # at most the save in flight, committed before its ack
    assert sorted(created) == sorted(stored)  # every row has its event, and no event lacks its row
    store.save_annotation(
        store.user("killme"),
        {"doc_id": doc_id, "start": 0, "end": 2, "label": "framing", "attributes": FRAMING},
    )  # still writable


@pytest.fixture(autouse=True)
def _long_timeout(request: pytest.FixtureRequest) -> None:
    request.node.add_marker(pytest.mark.timeout(600))
