"""The span selector's wire protocol, without Streamlit: what the browser is shown, what it sends back.

Two payloads go to the browser:

- the component's own ``data`` (:func:`render_payload`): the text, its revision, the labels with their
  attribute specs (from the label set) and the registry's entities. It does not change while the document is
  open, so Streamlit sends it once and afterwards only a reference to it (its forward-message cache).
- the sync channel's ``data`` (:meth:`Sync.channel_data`): the spans and suggestions as a *delta* from a
  revision the browser said it holds (only what changed travels), the results ("acks") of the browser's
  operations, and a selection the page asks for.

The browser sends batches of operations (``{"action": "ops", "ops": [...]}``), one batch in flight at a
time, each operation with an id so that a batch sent twice is applied once. :func:`handle_batch` checks every
operation against what the browser was shown (:class:`View`), converts UTF-16 offsets to code points
(:mod:`corpus.offsets`), resolves the browser's temporary ids (``t:...``, a span drawn before the server
answered) and the version each change expects, hands the page one plain event, and records the ack.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.errors import NewsspanError
from corpus.offsets import OffsetError, codepoints_to_utf16, snap_span, utf16_to_codepoints

__all__ = [
    "ACCEPT_KEY",
    "ALL_KEY",
    "REJECT_KEY",
    "TEMP_PREFIX",
    "Refused",
    "Sync",
    "View",
    "handle_batch",
    "label_specs",
    "parse_event",
    "parse_op",
    "render_payload",
]

_LOG = logging.getLogger("workbench.span_component")

ACCEPT_KEY = "y"
REJECT_KEY = "x"
ALL_KEY = "A"  # Shift+A: label all other occurrences of the selected span's text (a span's ``others``)
TEMP_PREFIX = "t:"
ACTIONS = frozenset({"create", "update", "delete", "undo", "done", "accept", "reject", "select", "ping"})
READ_ONLY_ACTIONS = frozenset({"select", "done", "ping"})
MAX_OPS_PER_BATCH = 64
MAX_ATTRIBUTES_JSON = 20_000
_KEEP_SNAPSHOTS = 12
_KEEP_RESULTS = 512
_KEEP_UNCONFIRMED = 64

Handler = Callable[[dict[str, Any]], Any]


class Refused(ValueError):
    """An operation that does not fit what the browser was shown; the message is shown on the span."""


# ---------------------------------------------------------------------------------------------------------
# What the browser is shown


@dataclass(frozen=True)
class View:
    """What the browser was shown, to check and convert the operations it sends back."""

    text: str
    rev: str
    items: Mapping[str, Mapping[str, Any]]
    label_names: frozenset[str]
    read_only: bool

    def kind(self, ident: object) -> str | None:
        item = self.items.get(ident) if isinstance(ident, str) else None
        return None if item is None else item["kind"]

    @property
    def span_ids(self) -> frozenset[str]:
        return frozenset(i for i, item in self.items.items() if item["kind"] == "span")

    @property
    def suggestion_ids(self) -> frozenset[str]:
        return frozenset(i for i, item in self.items.items() if item["kind"] == "suggestion")


def _rev(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _fits(item: Mapping[str, Any], length: int) -> bool:
    start, end = item.get("start"), item.get("end")
    return (
        isinstance(start, int)
        and isinstance(end, int)
        and not isinstance(start, bool)
        and not isinstance(end, bool)
        and 0 <= start < end <= length
        and item.get("id") is not None
    )


def _item(item: Mapping[str, Any], kind: str, s: int, e: int, others: Sequence[int] = ()) -> dict[str, Any]:
    """One span or suggestion as the browser gets it: code point and UTF-16 offsets, and what it shows;
    ``others``: the UTF-16 offsets (start, end, start, end, ...) of the places "label all" would label."""
    out: dict[str, Any] = {
        "id": str(item["id"]),
        "kind": kind,
        "start": item["start"],
        "end": item["end"],
        "s": s,
        "e": e,
        "label": str(item.get("label", "")),
    }
    if isinstance(item.get("version"), int):
        out["version"] = item["version"]
    if item.get("attributes"):
        out["attributes"] = dict(item["attributes"])
    by = item.get("by") or item.get("suggested_by") or item.get("annotators")
    if by:
        out["by"] = by if isinstance(by, str) else ", ".join(str(b) for b in by)
    if item.get("aliases"):
        out["aliases"] = [str(a) for a in item["aliases"]]
    if why := suggestion_reason(item):
        out["why"] = why
    if others:
        out["others"] = [[others[i], others[i + 1]] for i in range(0, len(others), 2)]
    return out


def suggestion_reason(item: Mapping[str, Any]) -> str:
    """Why a suggestion was made, in a few words for its tooltip: the recommender, a model's score, how often
    the team labelled and rejected the text ("" for a span)."""
    by = item.get("suggested_by")
    facts = item.get("suggestion") or {}
    if not by:
        return ""
    parts = [str(by)]
    if isinstance(facts.get("score"), int | float):
        parts.append(f"score {facts['score']:.2f}")
    if isinstance(facts.get("labelled"), int):
        parts.append(f"labelled {facts['labelled']}x by the team")
    if isinstance(facts.get("rejected"), int) and facts["rejected"]:
        parts.append(f"rejected {facts['rejected']}x")
    return ", ".join(parts)


def _others(item: Mapping[str, Any], length: int) -> list[int]:
    """A span's ``others`` (code point (start, end) pairs) that fit the text, flattened."""
    return [
        offset
        for pair in item.get("others") or ()
        if len(pair) == 2 and all(_int(o) for o in pair) and 0 <= pair[0] < pair[1] <= length
        for offset in pair
    ]


def browser_items(text: str, items: Iterable[Mapping[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Spans or suggestions for the browser, with UTF-16 offsets ``s``/``e`` beside code point ones."""
    good: list[Mapping[str, Any]] = []
    for item in items:
        if _fits(item, len(text)):
            good.append(item)
        else:
            _LOG.warning("span selector: %s %r does not fit the text; not drawn", kind, item.get("id"))
    others = [_others(item, len(text)) if kind == "span" else [] for item in good]
    flat = codepoints_to_utf16(
        text,
        [o for item, more in zip(good, others, strict=True) for o in (item["start"], item["end"], *more)],
    )
    out, at = [], 0
    for item, more in zip(good, others, strict=True):
        out.append(_item(item, kind, flat[at], flat[at + 1], flat[at + 2 : at + 2 + len(more)]))
        at += 2 + len(more)
    return out


def _label(lab: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": str(lab["name"]),
        "color": str(lab.get("color") or "#888888"),
        "hotkeys": [str(h) for h in (lab.get("hotkeys") or [])],
    }
    for extra in ("title", "description", "attributes", "required"):
        if lab.get(extra):
            out[extra] = lab[extra]
    return out


def render_payload(
    text: str,
    spans: Sequence[Mapping[str, Any]],
    labels: Sequence[Mapping[str, Any]],
    *,
    suggestions: Iterable[Mapping[str, Any]] = (),
    read_only: bool = False,
    notify_select: bool = True,
    entities: Sequence[Sequence[str]] = (),
    key: str = "",
) -> tuple[dict[str, Any], View]:
    """The component's ``data`` (stable while the document is open) and the view to check what comes back.

    ``labels`` are ``{name, color, hotkeys}`` with optional ``title``, ``attributes`` and ``required`` (see
    :func:`label_specs`); ``spans`` and ``suggestions`` ``{id, start, end, label}`` in code points with
    optional ``version``, ``attributes``, ``by`` and ``aliases`` (other ids a link may name this item by).
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    label_list = [_label(lab) for lab in labels]
    items = browser_items(text, spans, "span") + browser_items(text, suggestions, "suggestion")
    rev = _rev(text)
    data = {
        "ckey": key,
        "text": text,
        "rev": rev,
        "labels": label_list,
        "read_only": bool(read_only),
        "notify_select": bool(notify_select),
        "keys": {"accept": ACCEPT_KEY, "reject": REJECT_KEY, "all": ALL_KEY},
        "entities": [[str(i), str(n)] for i, n in entities],
    }
    view = View(
        text=text,
        rev=rev,
        items={item["id"]: item for item in items},
        label_names=frozenset(lab["name"] for lab in label_list),
        read_only=bool(read_only),
    )
    return data, view


def _attribute_spec(name: str, spec: Mapping[str, Any], required: bool) -> dict[str, Any]:
    """One attribute as the in-component editor needs it: how it is chosen, never how it is stored."""
    out: dict[str, Any] = {"name": name, "title": str(spec.get("title") or name), "required": required}
    if spec.get("description"):
        out["description"] = str(spec["description"])
    if "enum" in spec:
        out.update(kind="enum", options=list(spec["enum"]))
    elif "x-link" in spec:
        link = spec["x-link"]
        out.update(kind="link", target=str(link.get("label", "")), literals=list(link.get("literals", [])))
    elif spec.get("x-widget") == "entity" or "x-registry" in spec:
        out["kind"] = "entity"
    elif spec.get("type") == "boolean":
        out["kind"] = "boolean"
    elif spec.get("type") in ("number", "integer"):
        out["kind"] = str(spec["type"])
    else:
        out["kind"] = "text"
    return out


def label_specs(labelset: Any) -> list[dict[str, Any]]:
    """The labels of a label set (``corpus.scheme.LabelSet``) for the component: colour, hotkeys and the
    attribute specs its editor is built from; link attributes (``x-link``) are the relations it can draw."""
    return [
        {
            "name": label.name,
            "title": label.title or label.name,
            "color": label.color,
            "hotkeys": list(label.hotkeys),
            "required": list(label.required),
            "attributes": [
                _attribute_spec(name, spec, name in label.required) for name, spec in label.attributes.items()
            ],
        }
        for label in labelset.labels
    ]


# ---------------------------------------------------------------------------------------------------------
# The sync channel: deltas, acks, selection


@dataclass
class Sync:
    """Per component key (kept in the session): what was sent, what the browser holds, the acks it awaits."""

    epoch: str = field(default_factory=lambda: secrets.token_hex(4))
    counter: int = 0
    snaps: OrderedDict[int, dict[str, dict[str, Any]]] = field(default_factory=OrderedDict)
    have: int | None = None
    results: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    unconfirmed: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    temps: dict[str, dict[str, Any]] = field(default_factory=dict)
    select_seq: int = 0
    select_id: str | None = None

    def snapshot(self, items: Mapping[str, Mapping[str, Any]]) -> int:
        """The revision of these items: the last one when nothing changed, else a new one."""
        current = {i: dict(v) for i, v in items.items()}
        if self.snaps and next(reversed(self.snaps.values())) == current:
            return next(reversed(self.snaps))
        self.counter += 1
        self.snaps[self.counter] = current
        while len(self.snaps) > _KEEP_SNAPSHOTS:
            self.snaps.popitem(last=False)
        return self.counter

    def browser_has(self, rev: object, confirmed: object = ()) -> None:
        """The browser says it holds revision ``rev`` (None: nothing) and has read these acks."""
        if rev is None:
            self.have = None
        elif isinstance(rev, int) and rev in self.snaps:
            self.have = rev
        if isinstance(confirmed, list):
            for op in confirmed:
                if isinstance(op, str):
                    self.unconfirmed.pop(op, None)

    def record(self, op: str, ack: dict[str, Any]) -> None:
        self.results[op] = ack
        self.unconfirmed[op] = ack
        for table, keep in ((self.results, _KEEP_RESULTS), (self.unconfirmed, _KEEP_UNCONFIRMED)):
            while len(table) > keep:
                table.popitem(last=False)

    def select(self, selected_id: str | None) -> dict[str, Any]:
        if selected_id != self.select_id:
            self.select_id = selected_id
            self.select_seq += 1
        return {"id": self.select_id, "seq": self.select_seq}

    def channel_data(
        self, key: str, items: Mapping[str, Mapping[str, Any]], selected_id: str | None = None
    ) -> dict[str, Any]:
        """The sync channel's data: the items as a delta from what the browser holds (or all of them)."""
        rev = self.snapshot(items)
        data: dict[str, Any] = {"ckey": key, "epoch": self.epoch, "rev": rev}
        base = self.snaps.get(self.have) if self.have is not None else None
        current = self.snaps[rev]
        if base is None:
            data.update(full=True, items=list(current.values()))
        else:
            data.update(
                base=self.have,
                items=[item for i, item in current.items() if base.get(i) != item],
                rm=[i for i in base if i not in current],
            )
        data["acks"] = list(self.unconfirmed.values())
        data["select"] = self.select(selected_id)
        return data


# ---------------------------------------------------------------------------------------------------------
# Operations from the browser


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _resolve_id(ident: object, view: View, sync: Sync | None, kind: str) -> tuple[str, Mapping[str, Any]]:
    """The real id (and what is known of it) of an item the browser names, maybe by a temporary id."""
    if isinstance(ident, str) and ident.startswith(TEMP_PREFIX):
        known = sync.temps.get(ident) if sync is not None else None
        if known is None or kind != "span":
            raise Refused("the span it changes was not saved")
        return known["id"], known
    if isinstance(ident, str) and view.kind(ident) == kind:
        return ident, view.items[ident]
    raise Refused("this span is no longer there (reload the document)" if kind == "span" else "unknown id")


def _version(raw: Mapping[str, Any], known: Mapping[str, Any], sync: Sync | None, ident: str) -> int | None:
    """The version a change expects: the one its earlier change of the same span left, else the browser's."""
    after = raw.get("after")
    if after is not None:
        result = sync.results.get(after) if (sync is not None and isinstance(after, str)) else None
        if result is None:
            raise Refused("an earlier change it builds on never reached the server")
        if not result.get("ok"):
            raise Refused("an earlier change to this span was not saved")
        if result.get("id") == ident and _int(result.get("version")):
            return int(result["version"])
    version = raw.get("version")
    if _int(version):
        return int(version)
    return known.get("version") if _int(known.get("version")) else None


def _resolve_temps(value: Any, sync: Sync | None) -> Any:
    """Link values naming a span by its temporary id name it by its real id."""
    if isinstance(value, list):
        return [_resolve_temps(v, sync) for v in value]
    if isinstance(value, str) and value.startswith(TEMP_PREFIX):
        known = sync.temps.get(value) if sync is not None else None
        if known is None:
            raise Refused("it links to a span that was not saved")
        return known["id"]
    return value


def _attributes(raw: Mapping[str, Any], sync: Sync | None) -> dict[str, Any]:
    attributes = raw.get("attributes", {})
    if not isinstance(attributes, dict) or not all(isinstance(k, str) for k in attributes):
        raise Refused("attributes must be an object")
    if len(json.dumps(attributes, ensure_ascii=False)) > MAX_ATTRIBUTES_JSON:
        raise Refused("attributes are too large")
    return {name: _resolve_temps(value, sync) for name, value in attributes.items()}


def _parse_create(raw: Mapping[str, Any], view: View, sync: Sync | None) -> dict[str, Any]:
    """A new span: a known label over a selection given in UTF-16 units, snapped to non-space text."""
    label = raw.get("label")
    if not isinstance(label, str) or label not in view.label_names:
        raise Refused("unknown label")
    try:
        start, end = utf16_to_codepoints(view.text, [raw.get("start16"), raw.get("end16")])
        snapped = snap_span(view.text, start, end)
    except OffsetError as exc:
        raise Refused(str(exc)) from None
    if snapped is None:
        raise Refused("only whitespace selected")
    event: dict[str, Any] = {"action": "create", "start": snapped[0], "end": snapped[1], "label": label}
    attributes = _attributes(raw, sync)
    if attributes:
        event["attributes"] = attributes
    return event


def _parse_change(raw: Mapping[str, Any], view: View, sync: Sync | None, action: str) -> dict[str, Any]:
    """update / delete of one of the spans: its id, the version the browser saw, for update the attributes."""
    ident, known = _resolve_id(raw.get("id"), view, sync, "span")
    event: dict[str, Any] = {"action": action, "id": ident, "version": _version(raw, known, sync, ident)}
    if action == "update":
        event.update(start=known["start"], end=known["end"], label=known["label"])
        event["attributes"] = _attributes(raw, sync)
    return event


def _parse_select(raw: Mapping[str, Any], view: View, sync: Sync | None) -> dict[str, Any]:
    ident = raw.get("id")
    if ident is None or (isinstance(ident, str) and ident in view.items):
        return {"action": "select", "id": ident}
    if isinstance(ident, str) and ident.startswith(TEMP_PREFIX) and sync is not None and ident in sync.temps:
        return {"action": "select", "id": sync.temps[ident]["id"]}
    raise Refused("unknown id")


def parse_op(raw: object, view: View, sync: Sync | None = None) -> dict[str, Any]:
    """One operation from the browser as the page's event (code points, real ids, expected version)."""
    if not isinstance(raw, Mapping):
        raise Refused("not an object")
    action = raw.get("action")
    if action not in ACTIONS:
        raise Refused("unknown action")
    if view.read_only and action not in READ_ONLY_ACTIONS:
        raise Refused("the view is read-only")
    if action in ("undo", "done", "ping"):
        return {"action": action}
    if action == "create":
        return _parse_create(raw, view, sync)
    if action == "select":
        return _parse_select(raw, view, sync)
    if action in ("update", "delete"):
        return _parse_change(raw, view, sync, action)
    ident, _known = _resolve_id(raw.get("id"), view, sync, "suggestion")
    return {"action": action, "id": ident}


def parse_event(raw: object, view: View, sync: Sync | None = None) -> dict[str, Any] | None:
    """A single event with the text revision it was sent for (``rev``), or None when it does not fit."""
    if not isinstance(raw, Mapping) or raw.get("rev") != view.rev:
        _LOG.warning("span selector: refused event %r: sent for another text", raw)
        return None
    try:
        return parse_op(raw, view, sync)
    except Refused as why:
        _LOG.warning("span selector: refused event %r: %s", raw, why)
        return None


def _ok(op: Mapping[str, Any], event: Mapping[str, Any], result: Any, sync: Sync) -> dict[str, Any]:
    ack: dict[str, Any] = {"op": op["op"], "ok": True}
    if isinstance(result, Mapping):
        if isinstance(result.get("id"), str):
            ack["id"] = result["id"]
        if _int(result.get("version")):
            ack["version"] = result["version"]
        if result.get("deleted"):
            ack["deleted"] = True
        if isinstance(result.get("note"), str):
            ack["note"] = result["note"]
    elif event["action"] == "undo":
        ack["note"] = "Nothing to undo."
    temp = op.get("temp")
    if isinstance(temp, str) and temp.startswith(TEMP_PREFIX) and "id" in ack:
        if event["action"] == "accept" and isinstance(result, Mapping):
            event = result
        sync.temps[temp] = {
            "id": ack["id"],
            "version": ack.get("version"),
            **{k: event[k] for k in ("start", "end", "label") if k in event},
        }
    return ack


def _run_op(op: Mapping[str, Any], view: View, sync: Sync, handler: Handler) -> dict[str, Any]:
    try:
        event = parse_op(op, view, sync)
    except Refused as why:
        _LOG.warning("span selector: refused operation %r: %s", op, why)
        return {"op": op["op"], "ok": False, "error": str(why)}
    if event["action"] == "ping":  # a round trip and nothing else (a baseline for tools), never the page's
        return {"op": op["op"], "ok": True}
    try:
        result = handler(event)
    except NewsspanError as error:
        ack: dict[str, Any] = {"op": op["op"], "ok": False, "error": error.message}
        first = getattr(error, "first_id", None)
        if isinstance(first, str):
            ack["select"] = first
        return ack
    except Exception:
        sync.record(op["op"], {"op": op["op"], "ok": False, "error": "the server failed to save it"})
        raise
    return _ok(op, event, result, sync)


def handle_batch(raw: object, view: View, sync: Sync, handler: Handler) -> int:
    """Apply a batch of browser operations in order through ``handler``; record one ack per operation.

    An operation already applied (the browser sent the batch again) is not applied twice: its ack is sent
    again. Returns how many operations ran.
    """
    if not isinstance(raw, Mapping) or raw.get("action") != "ops" or not isinstance(raw.get("ops"), list):
        _LOG.warning("span selector: refused batch %r", raw)
        return 0
    sync.browser_has(raw.get("have"), raw.get("seen"))
    stale = raw.get("rev") != view.rev
    ran = 0
    for op in raw["ops"][:MAX_OPS_PER_BATCH]:
        if not isinstance(op, Mapping) or not isinstance(op.get("op"), str) or len(op["op"]) > 64:
            continue
        if op["op"] in sync.results:
            sync.unconfirmed[op["op"]] = sync.results[op["op"]]
            continue
        if stale:
            ack = {"op": op["op"], "ok": False, "error": "the document changed; reload it"}
        else:
            ack = _run_op(op, view, sync, handler)
            ran += 1
        sync.record(op["op"], ack)
    return ran
