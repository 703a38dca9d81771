"""``newsspan suggest`` at corpus scale: 2,000 news documents, end to end, against the suggesters alone.

The documents are the five seed articles (real news text: names of the actor registry, amounts, dates), each
repeated 400 times with its own closing sentence (so every doc_id differs) and its own publication date (so the
dates resolve differently: nothing is answered from a cache across documents). They are built into a documents
release (not timed). Each round then runs ``python -m workbench.cli suggest`` in a fresh process against a fresh
SQLite store (loading the documents into the store is part of the command, as for a user) and times it, then runs
it again (every document already suggested: skipped). The reference is the suggesters alone: ``corpus.suggest``
over the same documents in this process, with nothing stored. Medians of ``--rounds`` (spread min-max).
Target: under 60 s for 2,000 documents.

    .venv/bin/python bench/suggest_corpus.py [--documents 2000] [--rounds 3] [--quick] [--json OUT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench._report import figures, print_summary, stamp, write_json  # noqa: E402

TARGET_S = 60.0
DOCUMENTS = 2_000


def corpus(count: int) -> list[dict[str, Any]]:
    from corpus.documents import build_document
    from corpus.readers import Article, read_inputs

    seeds = [item for item in read_inputs([REPO / "seeds"]) if isinstance(item, Article)]
    documents = []
    first = dt.date(2024, 1, 1)
    for index in range(count):
        seed = seeds[index % len(seeds)]
        published = (first + dt.timedelta(days=index)).isoformat()
        article = Article(
            where=f"{seed.where}#{index}",
            text=f"{seed.text.rstrip()}\n\nThis is copy {index} of the article, filed on {published}.\n",
            source_id=f"{seed.source_id}-{index}",
            fields={**seed.fields, "published": published},
            metadata=dict(seed.metadata),
        )
        documents.append(build_document(article))
    return documents


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def newsspan(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args],
        cwd=env["NEWSSPAN_HOME"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"newsspan {' '.join(args)} failed: {done.stderr[-2000:]}")
    return seconds, done.stdout


def measure(count: int, rounds: int) -> dict[str, Any]:
    from corpus.corpus_file import append_documents
    from corpus.suggest import suggest

    documents = corpus(count)
    started = time.perf_counter()
    suggestions = sum(len(suggest(document)) for document in documents)
    alone = time.perf_counter() - started
    firsts, seconds_runs, stored, cpus = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="newsspan-bench-suggest-") as folder:
        home = Path(folder) / "project"
        env = {"NEWSSPAN_HOME": str(home), "NEWSSPAN_DB_URL": ""}
        os.environ["NEWSSPAN_HOME"] = str(home)
        append_documents(documents, home / "data" / "corpus" / "documents.jsonl")
        newsspan(env, "release", "build", "0.1.0")
        for round_number in range(rounds):
            env["NEWSSPAN_DB_URL"] = f"sqlite:///{home / f'store{round_number}.sqlite'}"
            cpu = children_cpu()
            first, output = newsspan(env, "suggest")
            cpus.append(children_cpu() - cpu)
            again, repeat = newsspan(env, "suggest")
            firsts.append(first)
            seconds_runs.append(again)
            stored.append(output)
            assert "skipped" in repeat, repeat
    return {
        "documents": count,
        "suggestions": suggestions,
        "suggest_cli_seconds": figures(firsts),
        "suggest_cli_cpu_seconds": figures(cpus),
        "second_run_seconds": figures(seconds_runs),
        "suggesters_alone_seconds": round(alone, 2),
        "last_output": stored[-1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="the same size (2,000 documents take ~1 minute)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = measure(args.documents, args.rounds)
    first, again = result["suggest_cli_seconds"], result["second_run_seconds"]
    result["summary"] = [
        {
            "name": f"newsspan suggest, {args.documents:,} documents (fresh store), median "
            f"({first['min']}-{first['max']})",
            "value": first["median"],
            "unit": "s",
            "target": f"< {TARGET_S:g}",
            "ok": first["median"] < TARGET_S,
        },
        {
            "name": "newsspan suggest: CPU time of the process (user + system), median "
            f"({result['suggest_cli_cpu_seconds']['min']}-{result['suggest_cli_cpu_seconds']['max']})",
            "value": result["suggest_cli_cpu_seconds"]["median"],
            "unit": "s",
            "target": "reported",
        },
        {
            "name": f"newsspan suggest again (all {args.documents:,} skipped), median ({again['min']}-{again['max']})",
            "value": again["median"],
            "unit": "s",
            "target": "reported",
        },
        {
            "name": f"suggesters alone (corpus.suggest, no store), {result['suggestions']:,} suggestions",
            "value": result["suggesters_alone_seconds"],
            "unit": "s",
            "target": "reported",
        },
    ]
    result.update(
        {
            **stamp(),
        }
    )
    print_summary(result["summary"])
    write_json(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
