"""The span model at corpus scale: training on 300 synthetic documents (~4,000 characters each), suggesting for
2,000, and ``learn --evaluate`` on the seed gold and on the synthetic corpus.

The synthetic corpus is built from the seed gold: the five seed articles are cut into paragraphs (with the gold
spans wholly inside each), and each document joins randomly drawn paragraphs until it reaches ~4,000
characters. In every paragraph, actor spans that are a registry name or alias (and hold no other span boundary)
get another registry entity's name, and number spans made of digits only get random digits; every later offset
is moved by the change in length, so ``text[start:end] == span_text`` holds for every span (checked).

Each training run happens in a fresh process (so its peak RSS is its own): time and peak RSS, median of
``--runs`` with spread. Baseline, same process: one ``nlp.pipe`` tokenization pass over the same documents
(ratio = training / tokenizing). Suggesting: the trained model over 2,000 synthetic documents with a progress
bar (stderr), against the same tokenization baseline. Targets: training <= 5 min and <= 2 GB on 2 cores;
suggesting 2,000 documents <= 2 min.

    .venv/bin/python bench/learn.py [--documents 300] [--suggest 2000] [--runs 3] [--evaluate] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import re
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

TRAIN_TARGET_S = 300.0
RSS_TARGET_MB = 2048.0
SUGGEST_TARGET_S = 120.0
CHARS = 4000
DIGITS = re.compile(r"\d+")


def _paragraphs() -> list[tuple[str, list[dict[str, Any]]]]:
    """Every paragraph of the seed gold with the gold spans wholly inside it, offsets relative to it."""
    from tests.gold_data import gold_records, seed_documents

    out = []
    for source_id, document in seed_documents().items():
        text, records = document["text"], gold_records(source_id)
        start = 0
        for chunk in text.split("\n"):
            end = start + len(chunk)
            inside = [
                {**r, "start": r["start"] - start, "end": r["end"] - start}
                for r in records
                if start <= r["start"] and r["end"] <= end
            ]
            if chunk.strip():
                out.append((chunk, inside))
            start = end + 1
    return out


def _names() -> list[str]:
    from corpus.scheme import default_registry

    return sorted({entity["name"] for entity in default_registry().entities.values()})


def _replacements(text: str, spans: list[dict[str, Any]], rng: random.Random, names: list[str]) -> list:
    """(start, end, new text) for the actor names and digit-only numbers that hold no other span boundary."""
    from corpus.scheme import default_registry

    aliases = {
        alias for e in default_registry().entities.values() for alias in [e["name"], *e.get("aliases", [])]
    }
    bounds = [(s["start"], s["end"]) for s in spans]
    out = []
    for span in spans:
        start, end = span["start"], span["end"]
        if any(start < b < end for pair in bounds for b in pair) or any(
            (s, e) != (start, end) and s <= start and end <= e and s == start for s, e in bounds
        ):
            continue
        value = text[start:end]
        if span["label"] == "actor" and value in aliases:
            out.append((start, end, rng.choice(names)))
        elif span["label"] == "number" and DIGITS.fullmatch(value):
            out.append((start, end, str(rng.randint(1, 10 ** len(value) - 1))))
    out.sort()
    kept, last = [], -1
    for item in out:  # no two replacements of one region
        if item[0] >= last:
            kept.append(item)
            last = item[1]
    return kept


def _substitute(text: str, spans: list[dict[str, Any]], rng: random.Random, names: list[str]):
    changes = _replacements(text, spans, rng, names)

    def moved(position: int) -> int:
        return position + sum(len(new) - (end - start) for start, end, new in changes if end <= position)

    pieces, cursor = [], 0
    for start, end, new in changes:
        pieces += [text[cursor:start], new]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), [{**s, "start": moved(s["start"]), "end": moved(s["end"])} for s in spans]


def synthetic(count: int, seed: int = 0) -> list[Any]:
    """``count`` LabelledDocuments of ~4,000 characters recombined from the seed gold (see the module)."""
    import hashlib

    from corpus.labelled import LabelledDocument

    rng = random.Random(seed)
    paragraphs, names = _paragraphs(), _names()
    out = []
    for index in range(count):
        text, records = "", []
        while len(text) < CHARS:
            chunk, spans = rng.choice(paragraphs)
            chunk, spans = _substitute(chunk, spans, rng, names)
            base = len(text) + (2 if text else 0)
            text = f"{text}\n\n{chunk}" if text else chunk
            records += [{**s, "start": s["start"] + base, "end": s["end"] + base} for s in spans]
        doc_id = hashlib.sha256(f"learn-bench-{seed}-{index}".encode()).hexdigest()[:16]
        document = {
            "doc_id": doc_id,
            "text": text,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "language": "en",
        }
        for record in records:
            record["doc_id"] = doc_id
            record["span_text"] = text[record["start"] : record["end"]]
        out.append(LabelledDocument(document, records, "gold"))
    return out


def check_offsets(labelled: list[Any], paragraphs_spans: dict[str, str] | None = None) -> None:
    for item in labelled:
        for record in item.records:
            assert item.document["text"][record["start"] : record["end"]] == record["span_text"]


def tokenize_seconds(texts: list[str]) -> float:
    import spacy

    nlp = spacy.blank("en")
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return time.perf_counter() - started


def child_train(count: int, folder: Path) -> dict[str, Any]:
    """One training run (in its own process): seconds, peak RSS, the tokenization baseline."""
    from corpus.learn import save_model, train_model
    from corpus.scheme import default_labelset

    labelled = synthetic(count)
    baseline = tokenize_seconds([item.document["text"] for item in labelled])
    started = time.perf_counter()
    model = train_model(labelled, labelset=default_labelset(), trained_from={"kind": "bench"})
    seconds = time.perf_counter() - started
    save_model(model, folder)
    return {
        "seconds": seconds,
        "tokenize_seconds": baseline,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "spans": model.meta["spans"],
        "misaligned": model.meta["alignment"]["misaligned"],
        "steps": model.meta["training_steps"],
        "model_id": model.id,
    }


def suggest_run(folder: Path, count: int) -> dict[str, Any]:
    """The saved model over ``count`` synthetic documents, with a progress bar; and the baseline."""
    from rich.progress import Progress

    from corpus.learn import load_model
    from corpus.scheme import default_labelset

    documents = [dict(item.document) for item in synthetic(count, seed=1)]
    baseline = tokenize_seconds([d["text"] for d in documents])
    model = load_model(labelset=default_labelset(), root=folder)
    suggestions = 0
    started = time.perf_counter()
    with Progress(transient=True) as bar:
        task = bar.add_task("suggesting", total=len(documents))
        for prediction in model.predict(documents):
            suggestions += len(prediction.records)
            bar.advance(task)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "tokenize_seconds": baseline, "suggestions": suggestions}


def evaluate_runs(synthetic_documents: int, fractions: tuple[float, ...]) -> dict[str, Any]:
    """``learn --evaluate`` (rules, propagation, model) on the seed gold (5 folds) and the synthetic corpus (3)."""
    from corpus.labelled import LabelledDocument
    from corpus.learn import default_recommenders, evaluate
    from corpus.learn.reports import save_evaluation
    from corpus.scheme import default_labelset
    from tests.gold_data import gold_records, seed_documents

    labelset = default_labelset()
    seeds = [LabelledDocument(d, gold_records(s), "gold") for s, d in seed_documents().items()]
    recommenders = default_recommenders()
    out = {}
    for name, labelled, folds in (
        ("seed_gold", seeds, 5),
        ("synthetic", synthetic(synthetic_documents, seed=2), 3),
    ):
        report = evaluate(
            labelled,
            labelset=labelset,
            folds=folds,
            fractions=fractions,
            recommenders=recommenders,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        ).report
        report["corpus"] = name
        save_evaluation(report, REPO / "bench" / "results" / f"learn_{name}")
        out[name] = report
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--suggest", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--evaluate", action="store_true", help="also learn --evaluate on seed gold and synthetic"
    )
    parser.add_argument("--evaluate-documents", type=int, default=30)
    parser.add_argument(
        "--evaluate-only", type=Path, help="only the evaluations, written as JSON to this file"
    )
    parser.add_argument("--quick", action="store_true", help="1 run (training takes minutes)")
    parser.add_argument("--child-train", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.child_train:
        print(json.dumps(child_train(args.documents, args.child_train)))
        return 0
    if args.evaluate_only:
        found = evaluate_runs(args.evaluate_documents, (0.25, 0.5, 0.75, 1.0))
        args.evaluate_only.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
        return 0
    corpus = synthetic(args.documents)
    check_offsets(corpus)
    result: dict[str, Any] = {
        **stamp(),
        "documents": args.documents,
        "spans": sum(len(item.records) for item in corpus),
        "characters": sum(len(item.document["text"]) for item in corpus),
    }
    runs = []
    with tempfile.TemporaryDirectory(prefix="newsspan-bench-learn-") as tmp:
        for index in range(1 if args.quick else args.runs):
            folder = Path(tmp) / f"run{index}"
            done = subprocess.run(
                [sys.executable, __file__, "--documents", str(args.documents), "--child-train", str(folder)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"training run {index + 1}: {runs[-1]['seconds']:.1f} s", file=sys.stderr)
        suggests = [
            suggest_run(Path(tmp) / "run0", args.suggest) for _ in range(1 if args.quick else args.runs)
        ]
    result["training"] = {
        "seconds": figures([r["seconds"] for r in runs], 1),
        "peak_rss_mb": figures([r["peak_rss_mb"] for r in runs], 0),
        "ratio_to_tokenizing": figures([r["seconds"] / r["tokenize_seconds"] for r in runs], 0),
        "spans_used": runs[0]["spans"],
        "misaligned": runs[0]["misaligned"],
        "steps": runs[0]["steps"],
    }
    result["suggesting"] = {
        "documents": args.suggest,
        "seconds": figures([r["seconds"] for r in suggests], 1),
        "ratio_to_tokenizing": figures([r["seconds"] / r["tokenize_seconds"] for r in suggests], 1),
        "suggestions": suggests[0]["suggestions"],
    }
    if args.evaluate:
        result["evaluate"] = evaluate_runs(args.evaluate_documents, (0.25, 0.5, 0.75, 1.0))
    training, suggesting = result["training"], result["suggesting"]
    result["summary"] = [
        {
            "name": f"learn: train on {args.documents} docs / {result['spans']:,} spans, median "
            f"({training['seconds']['min']}-{training['seconds']['max']})",
            "value": training["seconds"]["median"],
            "unit": "s",
            "target": f"<= {TRAIN_TARGET_S:g}",
            "ok": training["seconds"]["median"] <= TRAIN_TARGET_S,
        },
        {
            "name": "learn: training peak RSS",
            "value": training["peak_rss_mb"]["median"],
            "unit": "MB",
            "target": f"<= {RSS_TARGET_MB:g}",
            "ok": training["peak_rss_mb"]["median"] <= RSS_TARGET_MB,
        },
        {
            "name": f"learn: suggest for {args.suggest:,} docs, median "
            f"({suggesting['seconds']['min']}-{suggesting['seconds']['max']})",
            "value": suggesting["seconds"]["median"],
            "unit": "s",
            "target": f"<= {SUGGEST_TARGET_S:g}",
            "ok": suggesting["seconds"]["median"] <= SUGGEST_TARGET_S,
        },
    ]
    print_summary(result["summary"])
    write_json(result, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
