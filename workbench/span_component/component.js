// newsspan span selector: a Streamlit Components v2 module (no build step).
//
// Streamlit calls the default export on mount and again when `data` changes. `data` holds what does not change
// while a document is open (text, labels with their attribute specs); the spans arrive through the sync channel
// (channel.js) as deltas from a revision this module holds, with the acks of its operations.
//
// Every change (create, delete, attribute edit, link, undo, accept/reject) is drawn at once from a local
// model: the view is the server's spans with the pending operations applied on top. Operations are sent in
// batches, one batch in flight at a time; an ack removes its operation (the next server revision holds its
// effect) or, when the server refused it, removes it and shows the error on the span: a roll-back.
//
// Article text is only ever written as Text nodes (never innerHTML). Offsets here are UTF-16 code units, the
// browser's unit; Python converts to code points (corpus/offsets.py) and is the authority on them.

const BUS = (window.__newsspan ||= { channel: new Map(), subs: new Map(), models: new Map() });
BUS.states ||= new Map();
// Changes drawn but not confirmed yet: leaving the page asks first.
if (!BUS.unloadGuard) {
  BUS.unloadGuard = true;
  window.addEventListener("beforeunload", (e) => {
    if (unconfirmed().length) e.preventDefault();
  });
}

// Models (documents) with changes not confirmed by the server; those of documents no longer shown are sent
// when their document is opened again.
function unconfirmed(except = null, unsentOnly = false) {
  const counts = (p) => p.kind !== "select" && p.kind !== "ping" && !(unsentOnly && p.sent);
  return [...BUS.models.entries()].filter(([key, m]) => key !== except && m.pending.some(counts));
}
// A round trip through the page that changes nothing (the benchmark's baseline): the ids of the operations
// sent, one per mounted selector; `window.__newsspan.models.get(key).acked` holds them once answered.
BUS.ping = () =>
  [...BUS.states.values()]
    .filter((st) => st.root.isConnected && st.m)
    .map((st) => {
      const op = newOp(st, "ping", { action: "ping" });
      markRoot(st);
      flush(st);
      return [st.ckey, op.op];
    });
const ITEM_SELECTOR = '[data-testid="span"], [data-testid="suggestion"]';
const TEMP = "t:";
const NONCE = Math.random().toString(36).slice(2, 8);
const RESEND_MS = 5000;
const MAX_BATCH = 64; // operations per batch: the server applies at most this many of one (MAX_OPS_PER_BATCH)
const KEEP_SNAPS = 16;
const TRIM = /[\s\x1c-\x1f\x85\u200b\u200c\u200d\u2060\ufeff]/;
const SVG_NS = "http://www.w3.org/2000/svg";

export default function spanSelector(component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".nsp-root");
  if (!root) {
    root = buildSkeleton();
    parentElement.appendChild(root);
  }
  let st = root.__nsp;
  if (!st) {
    st = createState(root);
    root.__nsp = st;
    bindListeners(st);
  }
  st.send = setTriggerValue;
  setStatic(st, data || {});
  BUS.states.set(st.ckey, st);
  const deliver = (sync) => receive(st, sync);
  BUS.subs.set(st.ckey, deliver);
  const last = BUS.channel.get(st.ckey);
  if (last) receive(st, last);
  else refresh(st);
  const waiting = unconfirmed(st.ckey, true).filter(([key]) => !(BUS.states.get(key) || {}).root?.isConnected);
  if (waiting.length) {
    setStatus(st, `Changes on ${waiting.length} other document(s) are not saved yet: open it again`, "error");
    markRoot(st);
  }
  return () => {
    if (BUS.subs.get(st.ckey) === deliver) BUS.subs.delete(st.ckey);
    if (BUS.states.get(st.ckey) === st) BUS.states.delete(st.ckey);
  };
}

// ---------------------------------------------------------------------------------------------------------
// State

function el(tag, cls, testid) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (testid) e.setAttribute("data-testid", testid);
  return e;
}

function buildSkeleton() {
  const root = el("div", "nsp-root", "span-selector");
  root.tabIndex = 0;
  root.setAttribute("data-ready", "false");
  const top = el("div", "nsp-top");
  top.appendChild(el("div", "nsp-labels", "label-bar"));
  const status = el("div", "nsp-status", "save-status");
  status.setAttribute("aria-live", "polite");
  top.appendChild(status);
  const body = el("div", "nsp-body");
  body.appendChild(el("div", "nsp-text", "span-text"));
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "nsp-links");
  svg.setAttribute("data-testid", "links");
  body.appendChild(svg);
  body.appendChild(el("div", "nsp-panel", "span-panel"));
  root.append(top, body);
  return root;
}

function createState(root) {
  return {
    root,
    bar: root.querySelector(".nsp-labels"),
    status: root.querySelector(".nsp-status"),
    body: root.querySelector(".nsp-body"),
    box: root.querySelector(".nsp-text"),
    svg: root.querySelector(".nsp-links"),
    panel: root.querySelector(".nsp-panel"),
    data: {},
    ckey: "",
    m: null,
    send: null,
    labels: new Map(),
    labelsKey: null,
    shapeKey: null,
    geometry: null,
    orderIds: null,
    layerById: new Map(),
    textNodes: [],
    fragments: new Map(),
    view: new Map(),
    hoverId: null,
    frame: 0,
  };
}

// The model of one document (per component key) lives on `window`, so a remount keeps it.
function modelFor(ckey, rev) {
  let m = BUS.models.get(ckey);
  if (!m || m.textRev !== rev) {
    m = {
      textRev: rev,
      epoch: null,
      rev: null,
      snaps: new Map(),
      server: new Map(),
      pending: [],
      inflight: null,
      seq: 0,
      tempSeq: 0,
      alias: new Map(),
      acked: new Set(),
      seen: [],
      undo: [],
      failures: [],
      selectSeq: -1,
      selectedId: null,
      editor: null,
      link: null,
      status: { text: "", state: "idle" },
      needResync: false,
      resyncAt: 0,
    };
    BUS.models.set(ckey, m);
  }
  return m;
}

function setStatic(st, data) {
  st.data = data;
  st.ckey = typeof data.ckey === "string" ? data.ckey : "";
  const text = typeof data.text === "string" ? data.text : "";
  if (st.text !== text) {
    st.text = text;
    st.astral = astralIndex(text);
    st.shapeKey = null;
    st.geometry = null;
  }
  st.m = modelFor(st.ckey, data.rev);
  st.root.classList.toggle("nsp-readonly", !!data.read_only);
  const labelsKey = JSON.stringify([data.labels, !!data.read_only]);
  if (labelsKey !== st.labelsKey) {
    st.labelsKey = labelsKey;
    st.labels = new Map((data.labels || []).map((l) => [l.name, l]));
    st.entities = new Map((data.entities || []).map(([id, name]) => [id, name]));
    renderLabels(st, data.labels || [], !!data.read_only);
    st.shapeKey = null;
    st.geometry = null;
  }
}

// UTF-16 offset -> code point offset, for spans drawn before the server has converted them.
function astralIndex(text) {
  const at = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      at.push(i);
      i++;
    }
  }
  return at;
}

function toCodePoint(st, off) {
  let lo = 0;
  let hi = st.astral.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (st.astral[mid] < off) lo = mid + 1;
    else hi = mid;
  }
  return off - lo;
}

// ---------------------------------------------------------------------------------------------------------
// Sync from the server

function receive(st, s) {
  const m = st.m;
  if (!s || s.ckey !== st.ckey || !m) return;
  if (s.epoch !== m.epoch) {
    // A new server session (a reload, a new log-in): what was in flight belongs to the old one, whose
    // fate this page cannot learn. Say so rather than send it into another session.
    if (m.epoch !== null) {
      const lost = m.pending.filter((p) => p.kind !== "select").length;
      Object.assign(m, { pending: [], undo: [], alias: new Map() });
      if (m.inflight) clearTimeout(m.inflight.timer);
      m.inflight = null;
      if (lost) setStatus(st, `${lost} change(s) may not have been saved: check them`, "error");
    }
    Object.assign(m, { epoch: s.epoch, snaps: new Map(), rev: null });
  }
  if (s.rev !== m.rev) applySnapshot(m, s);
  if (m.needResync) {
    // A delta from a revision this page no longer holds: ask for everything; the acks come again with it
    // (acks are sent until the page says it read them), so no drawn change disappears meanwhile.
    flush(st);
    return;
  }
  for (const ack of s.acks || []) {
    if (!m.acked.has(ack.op)) applyAck(st, ack);
    else if (!m.seen.includes(ack.op)) m.seen.push(ack.op); // read before, but the server did not hear it
  }
  if (m.inflight && [...m.inflight.ids].every((id) => m.acked.has(id))) {
    clearTimeout(m.inflight.timer);
    m.inflight = null;
  }
  const sel = s.select;
  if (sel && sel.seq !== m.selectSeq) {
    m.selectSeq = sel.seq;
    const selecting = m.pending.some((p) => p.kind === "select");
    if (!selecting && m.selectSeq > 0) setSelected(st, sel.id ?? null);
  }
  refresh(st);
  flush(st);
}

function applySnapshot(m, s) {
  let base = null;
  if (s.full) base = new Map();
  else if (m.snaps.has(s.base)) base = m.snaps.get(s.base);
  if (!base) {
    m.needResync = true;
    return;
  }
  const next = new Map(base);
  for (const id of s.rm || []) next.delete(id);
  for (const it of s.items || []) next.set(it.id, it);
  m.snaps.set(s.rev, next);
  while (m.snaps.size > KEEP_SNAPS) m.snaps.delete(m.snaps.keys().next().value);
  m.rev = s.rev;
  m.server = next;
  m.needResync = false;
}

function applyAck(st, ack) {
  const m = st.m;
  m.acked.add(ack.op);
  m.seen.push(ack.op);
  if (m.acked.size > 2000) m.acked = new Set([...m.acked].slice(-1000));
  const i = m.pending.findIndex((p) => p.op === ack.op);
  if (i < 0) return;
  const op = m.pending[i];
  m.pending.splice(i, 1);
  if (ack.ok) {
    if (op.temp) {
      if (ack.id) m.alias.set(op.temp, ack.id);
      if (m.selectedId === op.temp) m.selectedId = ack.id || null;
      if (m.editor && m.editor.id === op.temp) m.editor.id = ack.id || null;
    }
    if (ack.note) setStatus(st, ack.note, "note");
  } else if (op.kind !== "select" && op.kind !== "ping") {
    fail(st, op, ack.error || "not saved");
  }
  if (typeof ack.select === "string") setSelected(st, ack.select);
}

function fail(st, op, message) {
  const m = st.m;
  m.undo = m.undo.filter((u) => u.op !== op.op);
  if (op.kind === "done" || op.kind === "undo") {
    setStatus(st, message, "error");
    return;
  }
  const t = op.target;
  if (t) {
    const ghost = !m.server.has(rid(m, t.id));
    const id = ghost ? `failed:${op.op}` : rid(m, t.id);
    m.failures = [{ id, ghost, s: t.s, e: t.e, label: t.label, message, kind: op.kind }, ...m.failures].slice(0, 3);
    setSelected(st, id);
  }
  setStatus(st, `Not saved: ${message}`, "error");
}

function rid(m, id) {
  return m.alias.get(id) || id;
}

// ---------------------------------------------------------------------------------------------------------
// Operations to the server

function newOp(st, kind, payload, extra = {}) {
  const m = st.m;
  const op = { op: `${NONCE}-${++m.seq}`, kind, sent: false, apply: null, ...extra };
  payload.op = op.op;
  if (extra.touches) {
    const id = rid(m, extra.touches);
    const prev = [...m.pending].reverse().find((p) => p.touches && rid(m, p.touches) === id && p.op !== op.op);
    if (prev) payload.after = prev.op;
    else {
      const item = m.server.get(id);
      if (item && item.version !== undefined) payload.version = item.version;
    }
  }
  op.payload = payload;
  m.pending.push(op);
  if (kind !== "select" && kind !== "ping") {
    m.failures = [];
    m.status = { text: "", state: "idle" };
  }
  return op;
}

function flush(st) {
  const m = st.m;
  if (!st.send) return;
  const now = performance.now();
  if (m.needResync && now - m.resyncAt > 2000) {
    m.resyncAt = now;
    sendBatch(st, [], true);
  }
  if (m.inflight) return;
  const ops = m.pending.filter((p) => !p.sent).slice(0, MAX_BATCH);
  if (!ops.length) return;
  for (const p of ops) p.sent = true;
  const payloads = ops.map((p) => p.payload);
  m.inflight = { ids: new Set(ops.map((p) => p.op)), payloads, tries: 0, timer: 0 };
  sendBatch(st, payloads);
}

function sendBatch(st, payloads, resync = false) {
  const m = st.m;
  const batch = {
    action: "ops",
    rev: m.textRev,
    have: resync ? null : m.rev,
    seen: m.seen.splice(0),
    ops: payloads,
  };
  if (payloads.length && m.inflight) {
    clearTimeout(m.inflight.timer);
    const wait = RESEND_MS * 2 ** Math.min(m.inflight.tries, 3);
    m.inflight.timer = setTimeout(() => resend(st), wait);
  }
  st.send("event", batch);
  markRoot(st);
}

// No ack yet (a lost trigger, a very slow save): send the same operations again; the server applies an
// operation once, whatever the number of times it arrives.
function resend(st) {
  const m = st.m;
  if (!m.inflight) return;
  const waiting = [...m.inflight.ids].filter((id) => !m.acked.has(id));
  if (!waiting.length) {
    m.inflight = null;
    flush(st);
    return;
  }
  m.inflight.tries += 1;
  sendBatch(st, m.inflight.payloads.filter((p) => waiting.includes(p.op)));
}

// ---------------------------------------------------------------------------------------------------------
// The view: server spans with the pending operations on top

function computeView(st) {
  const m = st.m;
  const view = new Map(m.server);
  for (const p of m.pending) if (p.apply) p.apply(view, m);
  return view;
}

function refresh(st) {
  const t0 = performance.now();
  const m = st.m;
  st.view = computeView(st);
  if (m.selectedId !== null && !st.view.has(m.selectedId) && !isGhost(m, m.selectedId)) m.selectedId = null;
  if (m.editor && !st.view.has(rid(m, m.editor.id))) m.editor = null;
  const items = [...st.view.values()];
  for (const f of m.failures) if (f.ghost) items.push({ id: f.id, kind: "ghost", s: f.s, e: f.e, label: f.label });
  const shape = shapeOf(st, items);
  if (shape !== st.shapeKey) {
    st.shapeKey = shape;
    renderText(st, items);
  }
  markSelected(st);
  markRoot(st);
  renderPanel(st);
  scheduleLayout(st);
  // What drawing a change costs this page in script (the browser's layout and paint come after).
  st.root.setAttribute("data-render-ms", (performance.now() - t0).toFixed(1));
}

function isGhost(m, id) {
  return m.failures.some((f) => f.ghost && f.id === id);
}

function failureFor(m, id) {
  return m.failures.find((f) => f.id === id) || null;
}

function missingOf(st, item) {
  const lab = st.labels.get(item.label);
  if (!lab || item.kind !== "span") return [];
  const attrs = item.attributes || {};
  return (lab.required || []).filter((n) => attrs[n] === undefined || attrs[n] === null || attrs[n] === "" || (Array.isArray(attrs[n]) && !attrs[n].length));
}

function shapeOf(st, items) {
  const m = st.m;
  const parts = [st.text.length, st.labelsKey ? st.labelsKey.length : 0];
  for (const it of items) {
    const flags = [
      it.pending ? "p" : "",
      failureFor(m, it.id) ? "f" : "",
      missingOf(st, it).length ? "i" : "",
    ].join("");
    parts.push(`${it.id}|${it.kind}|${it.s}|${it.e}|${it.label}|${flags}`);
  }
  return parts.join("\n");
}

function markRoot(st) {
  const m = st.m;
  const r = st.root;
  r.setAttribute("data-ready", m.rev === null ? "false" : "true");
  r.setAttribute("data-rev", m.rev === null ? "" : String(m.rev));
  r.setAttribute("data-pending", String(m.pending.length));
  r.setAttribute("data-selected", m.selectedId ?? "");
  r.setAttribute("data-mode", m.link ? "link" : m.editor ? "edit" : "select");
  const saving = m.pending.filter((p) => p.kind !== "select" && p.kind !== "ping").length;
  if (saving) setStatusEl(st, `Saving… (${saving})`, "saving");
  else if (m.status.text) setStatusEl(st, m.status.text, m.status.state);
  else setStatusEl(st, m.rev === null ? "" : "All changes saved", "saved");
}

function setStatus(st, text, state) {
  st.m.status = { text, state };
}

function setStatusEl(st, text, state) {
  if (st.status.textContent !== text) {
    st.status.textContent = text;
    st.status.title = text;
  }
  st.status.setAttribute("data-state", state);
}

// ---------------------------------------------------------------------------------------------------------
// Rendering the text

function renderLabels(st, labels, readOnly) {
  const frag = document.createDocumentFragment();
  for (const lab of labels) {
    const b = el("button", "nsp-label", `label-button-${lab.name}`);
    b.type = "button";
    b.tabIndex = -1;
    b.disabled = readOnly;
    b.setAttribute("data-label", lab.name);
    b.style.setProperty("--c", lab.color || "#888888");
    const sw = el("span", "nsp-swatch");
    const name = el("span", "nsp-label-name");
    name.textContent = lab.title || lab.name;
    b.append(sw, name);
    if (lab.hotkeys && lab.hotkeys.length) {
      const k = el("kbd", "nsp-hotkey");
      k.textContent = lab.hotkeys.join(" ");
      b.appendChild(k);
    }
    frag.appendChild(b);
  }
  st.bar.replaceChildren(frag);
}

function labelColor(st, name) {
  const lab = st.labels.get(name);
  return lab && lab.color ? lab.color : "#888888";
}

// Greedy interval layering: each item gets the lowest layer free over its whole extent, outer (longer)
// items first, so nested spans stack below their parents and crossing spans never share a layer.
function assignLayers(items) {
  const order = items.slice().sort((a, b) => a.s - b.s || b.e - a.e || cmp(a.id, b.id));
  const active = [];
  for (const it of order) {
    for (let i = active.length - 1; i >= 0; i--) if (active[i].e <= it.s) active.splice(i, 1);
    const used = new Set(active.map((a) => a.layer));
    let layer = 0;
    while (used.has(layer)) layer++;
    it.layer = layer;
    active.push(it);
  }
  return order;
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Three ways to draw, cheapest first: the same geometry (an ack renamed a span, a flag changed): patch the
// elements in place; one new span inside one text node whose layering changes nothing else: wrap that piece
// of text; anything else: build the whole text again. All three give the same DOM.
function renderText(st, rawItems) {
  const text = st.text;
  const valid = rawItems
    .filter((it) => it.s >= 0 && it.e <= text.length && it.s < it.e)
    .map((it) => ({ it, id: it.id, s: it.s, e: it.e, layer: 0 }));
  const order = assignLayers(valid);
  const geometry = order.map((x) => `${x.s}|${x.e}|${x.it.kind}|${x.it.label}|${x.layer}`).join("\n");
  if (geometry === st.geometry) patchItems(st, order);
  else if (!insertItem(st, order)) buildText(st, order);
  st.geometry = geometry;
  st.orderIds = order.map((x) => x.id);
  st.layerById = new Map(order.map((x) => [x.id, x.layer]));
}

function patchItems(st, order) {
  const fragments = new Map();
  order.forEach((x, i) => {
    const nodes = st.fragments.get(st.orderIds[i]) || [];
    for (const node of nodes) decorate(st, node, x.it, x.layer);
    fragments.set(x.id, nodes);
  });
  st.fragments = fragments;
}

function insertItem(st, order) {
  if (!st.orderIds || order.length !== st.orderIds.length + 1) return false;
  const known = new Set(st.orderIds);
  const fresh = order.filter((x) => !known.has(x.id));
  if (fresh.length !== 1 || order.some((x) => x !== fresh[0] && st.layerById.get(x.id) !== x.layer)) return false;
  const x = fresh[0];
  const i = textNodeIndex(st, x.s);
  const t = st.textNodes[i];
  if (!t || x.e > t.off + t.node.length) return false; // it crosses an element boundary: not this way
  const ancestors = [];
  for (let n = t.node.parentNode; n && n !== st.box; n = n.parentNode) ancestors.push(n);
  const enclosing = ancestors.map((n) => order.find((y) => y.id === n.__nspId)).filter(Boolean);
  if (enclosing.some((y) => y.s === x.s && y.e === x.e)) return false; // order among equals: build again
  const used = new Set(enclosing.map((y) => y.layer));
  let layer = 0;
  while (used.has(layer)) layer++;
  if (layer !== x.layer) return false;
  let node = t.node;
  const entries = [];
  if (x.s > t.off) {
    const rest = node.splitText(x.s - t.off);
    entries.push({ node, off: t.off });
    node = rest;
  }
  const tail = x.e < x.s + node.length ? node.splitText(x.e - x.s) : null;
  const el = makeItemElement(st, x.it, x.layer);
  node.parentNode.insertBefore(el, node);
  el.appendChild(node);
  entries.push({ node, off: x.s });
  if (tail) entries.push({ node: tail, off: x.e });
  st.textNodes.splice(i, 1, ...entries);
  st.fragments.set(x.id, [el]);
  const layers = Number(st.box.style.getPropertyValue("--layers") || 0);
  if (x.layer > layers) st.box.style.setProperty("--layers", String(x.layer));
  return true;
}

function textNodeIndex(st, off) {
  const nodes = st.textNodes;
  let lo = 0;
  let hi = nodes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (nodes[mid].off <= off) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function buildText(st, order) {
  const text = st.text;
  let maxLayer = 0;
  for (const x of order) maxLayer = Math.max(maxLayer, x.layer);
  const points = new Set([0, text.length]);
  for (const x of order) {
    points.add(x.s);
    points.add(x.e);
  }
  const sorted = Array.from(points).sort((a, b) => a - b);
  const startsAt = new Map();
  for (const x of order) {
    if (!startsAt.has(x.s)) startsAt.set(x.s, []);
    startsAt.get(x.s).push(x);
  }

  const frag = document.createDocumentFragment();
  const textNodes = [];
  const fragments = new Map();
  const stack = [];
  const top = () => (stack.length ? stack[stack.length - 1].node : frag);
  const open = (x) => {
    const node = makeItemElement(st, x.it, x.layer);
    top().appendChild(node);
    stack.push({ x, node });
    if (!fragments.has(x.id)) fragments.set(x.id, []);
    fragments.get(x.id).push(node);
  };
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i];
    // Close everything from the lowest ended item upward; reopen the ones still running (a crossing
    // span continues as a new fragment).
    const cut = stack.findIndex((y) => y.x.e <= p);
    if (cut >= 0) {
      const reopen = stack.splice(cut).filter((y) => y.x.e > p);
      for (const y of reopen) open(y.x);
    }
    for (const x of startsAt.get(p) || []) open(x);
    const next = i + 1 < sorted.length ? sorted[i + 1] : p;
    if (next > p) {
      const node = document.createTextNode(text.slice(p, next));
      textNodes.push({ node, off: p });
      top().appendChild(node);
    }
  }
  // Keep a selection the user is making across a re-render caused by something else.
  const keep = selectionOffsets(st);
  st.box.replaceChildren(frag);
  st.box.style.setProperty("--layers", String(maxLayer));
  st.textNodes = textNodes;
  st.fragments = fragments;
  st.textLength = text.length;
  if (keep) restoreSelection(st, keep.start, keep.end);
}

function makeItemElement(st, it, layer) {
  const node = document.createElement("span");
  decorate(st, node, it, layer);
  return node;
}

function decorate(st, node, it, layer) {
  const m = st.m;
  const kind = it.kind;
  const cls = ["nsp-span"];
  if (kind === "suggestion") cls.push("nsp-suggestion");
  if (kind === "ghost") cls.push("nsp-ghost");
  if (it.pending) cls.push("nsp-pending");
  if (failureFor(m, it.id)) cls.push("nsp-failed");
  if (missingOf(st, it).length) cls.push("nsp-incomplete");
  node.className = cls.join(" ");
  const testid = kind === "span" ? "span" : kind === "suggestion" ? "suggestion" : "failed-span";
  node.setAttribute("data-testid", testid);
  node.setAttribute(kind === "suggestion" ? "data-suggestion-id" : "data-span-id", String(it.id));
  node.setAttribute("data-label", String(it.label));
  node.setAttribute("data-start", String(it.start ?? toCodePoint(st, it.s)));
  node.setAttribute("data-end", String(it.end ?? toCodePoint(st, it.e)));
  node.setAttribute("data-layer", String(layer));
  if (it.pending) node.setAttribute("data-pending", "true");
  else node.removeAttribute("data-pending");
  const lab = st.labels.get(it.label);
  const title = lab ? lab.title || lab.name : String(it.label);
  node.title = kind === "suggestion" ? `${title} (suggestion${it.why ? ": " + it.why : ""})` : title;
  node.style.setProperty("--c", labelColor(st, it.label));
  node.style.setProperty("--layer", String(layer));
  node.__nspId = it.id;
}

function markSelected(st) {
  const m = st.m;
  for (const old of st.box.querySelectorAll(".nsp-selected, .nsp-link-target, .nsp-link-cursor")) {
    old.classList.remove("nsp-selected", "nsp-link-target", "nsp-link-cursor");
  }
  if (m.selectedId !== null) for (const n of st.fragments.get(m.selectedId) || []) n.classList.add("nsp-selected");
  st.root.classList.toggle("nsp-linking", !!m.link);
  if (m.link) {
    for (const id of linkTargets(st)) for (const n of st.fragments.get(id) || []) n.classList.add("nsp-link-target");
    if (m.link.cursor) for (const n of st.fragments.get(m.link.cursor) || []) n.classList.add("nsp-link-cursor");
  }
}

// ---------------------------------------------------------------------------------------------------------
// Links (attributes whose spec is `kind: "link"`: a claim's speaker, ...) and the panel's position: both need
// the layout, so they are done in the frame after the highlight is drawn.

function scheduleLayout(st) {
  if (st.frame) return;
  st.frame = requestAnimationFrame(() => {
    st.frame = 0;
    drawLinks(st);
    placePanel(st);
  });
}

function linkSpecs(st, label) {
  const lab = st.labels.get(label);
  return lab ? (lab.attributes || []).filter((a) => a.kind === "link") : [];
}

// An id a link names -> the item drawn for it (itself, via a temporary id's real id, or an alias: a review
// candidate stands for the annotators' spans it groups).
function targetIndex(st) {
  const index = new Map();
  for (const it of st.view.values()) {
    index.set(it.id, it.id);
    for (const a of it.aliases || []) if (!index.has(a)) index.set(a, it.id);
  }
  for (const [temp, real] of st.m.alias) if (index.has(real)) index.set(temp, real);
  for (const it of st.view.values()) if (it.id.startsWith(TEMP)) index.set(it.id, it.id);
  return index;
}

function linksOf(st) {
  const index = targetIndex(st);
  const out = [];
  for (const it of st.view.values()) {
    if (!it.attributes) continue;
    for (const spec of linkSpecs(st, it.label)) {
      const value = it.attributes[spec.name];
      const to = typeof value === "string" ? index.get(value) : undefined;
      if (to && to !== it.id) out.push({ from: it.id, to, attr: spec.name, color: labelColor(st, it.label) });
    }
  }
  return out;
}

function firstRect(st, id, bodyRect) {
  const nodes = st.fragments.get(id);
  if (!nodes || !nodes.length) return null;
  const rects = nodes[0].getClientRects();
  const r = rects.length ? rects[0] : nodes[0].getBoundingClientRect();
  return { x: r.left - bodyRect.left + r.width / 2, y: r.top - bodyRect.top, w: r.width };
}

function drawLinks(st) {
  const svg = st.svg;
  const links = linksOf(st);
  const bodyRect = st.body.getBoundingClientRect();
  svg.setAttribute("width", String(st.body.clientWidth));
  svg.setAttribute("height", String(st.body.clientHeight));
  const frag = document.createDocumentFragment();
  for (const l of links) {
    const a = firstRect(st, l.from, bodyRect);
    const b = firstRect(st, l.to, bodyRect);
    if (!a || !b) continue;
    const lift = Math.min(60, 14 + Math.abs(b.x - a.x) * 0.08 + Math.abs(b.y - a.y) * 0.1);
    const cx = (a.x + b.x) / 2;
    const cy = Math.min(a.y, b.y) - lift;
    const g = document.createElementNS(SVG_NS, "g");
    g.setAttribute("class", "nsp-link");
    g.setAttribute("data-testid", "link");
    g.setAttribute("data-from", l.from);
    g.setAttribute("data-to", l.to);
    g.setAttribute("data-attr", l.attr);
    g.style.setProperty("--c", l.color);
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", `M ${a.x} ${a.y} Q ${cx} ${cy} ${b.x} ${b.y}`);
    const head = document.createElementNS(SVG_NS, "path");
    head.setAttribute("class", "nsp-link-head");
    head.setAttribute("d", arrowHead(cx, cy, b.x, b.y));
    g.append(path, head);
    frag.appendChild(g);
  }
  svg.replaceChildren(frag);
  highlightLinks(st);
}

function arrowHead(cx, cy, x, y) {
  const ang = Math.atan2(y - cy, x - cx);
  const size = 7;
  const p1 = [x - size * Math.cos(ang - 0.45), y - size * Math.sin(ang - 0.45)];
  const p2 = [x - size * Math.cos(ang + 0.45), y - size * Math.sin(ang + 0.45)];
  return `M ${x} ${y} L ${p1[0]} ${p1[1]} L ${p2[0]} ${p2[1]} Z`;
}

// The links of the hovered (else the selected) item stand out, with both of their ends.
function highlightLinks(st) {
  const m = st.m;
  const focus = st.hoverId ?? m.selectedId;
  for (const n of st.box.querySelectorAll(".nsp-link-end")) n.classList.remove("nsp-link-end");
  for (const g of st.svg.querySelectorAll(".nsp-link")) {
    const hot = focus !== null && (g.getAttribute("data-from") === focus || g.getAttribute("data-to") === focus);
    g.classList.toggle("nsp-link-hot", hot);
    if (!hot) continue;
    for (const end of [g.getAttribute("data-from"), g.getAttribute("data-to")]) {
      for (const n of st.fragments.get(end) || []) n.classList.add("nsp-link-end");
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Selection <-> offsets

function currentRange(st) {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) {
    const r = st.root.getRootNode();
    if (r instanceof ShadowRoot && typeof r.getSelection === "function") {
      const ss = r.getSelection();
      if (ss && ss.rangeCount && !ss.isCollapsed) return ss.getRangeAt(0);
    }
    return null;
  }
  const rootNode = st.root.getRootNode();
  if (rootNode instanceof ShadowRoot && typeof sel.getComposedRanges === "function") {
    let ranges;
    try {
      ranges = sel.getComposedRanges({ shadowRoots: [rootNode] });
    } catch (_e) {
      ranges = sel.getComposedRanges(rootNode);
    }
    if (ranges && ranges.length && !ranges[0].collapsed) return ranges[0];
    return null;
  }
  return sel.getRangeAt(0);
}

function selectionOffsets(st) {
  if (!st.textNodes.length) return null;
  const range = currentRange(st);
  if (!range) return null;
  const start = pointToOffset(st, range.startContainer, range.startOffset);
  const end = pointToOffset(st, range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}

// A DOM point (node, offset) as a UTF-16 offset into the whole text; points outside the text box clamp
// to its ends, points in an unrelated part of the page give null.
function pointToOffset(st, node, offset) {
  const box = st.box;
  if (node && node.nodeType === Node.TEXT_NODE && box.contains(node)) {
    const entry = st.textNodes.find((t) => t.node === node);
    return entry ? entry.off + Math.min(offset, node.length) : null;
  }
  if (!node) return null;
  if (node !== box && !box.contains(node)) {
    if (node.getRootNode() !== box.getRootNode()) return null;
    if (st.panel.contains(node) || st.bar.contains(node)) return null;
    const pos = box.compareDocumentPosition(node);
    if (pos & Node.DOCUMENT_POSITION_PRECEDING) return 0;
    if (pos & Node.DOCUMENT_POSITION_FOLLOWING) return st.textLength;
    return null;
  }
  const after = offset < node.childNodes.length ? node.childNodes[offset] : null;
  const FOLLOWING = Node.DOCUMENT_POSITION_FOLLOWING;
  const INSIDE = Node.DOCUMENT_POSITION_CONTAINED_BY;
  for (const t of st.textNodes) {
    if (after) {
      if (t.node === after || after.compareDocumentPosition(t.node) & FOLLOWING) return t.off;
    } else {
      const pos = node.compareDocumentPosition(t.node);
      if (pos & FOLLOWING && !(pos & INSIDE)) return t.off;
    }
  }
  return st.textLength;
}

function offsetToPoint(st, off) {
  const nodes = st.textNodes;
  let lo = 0;
  let hi = nodes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (nodes[mid].off <= off) lo = mid;
    else hi = mid - 1;
  }
  const t = nodes[lo];
  return t ? { node: t.node, offset: Math.min(off - t.off, t.node.length) } : null;
}

function restoreSelection(st, start, end) {
  const a = offsetToPoint(st, start);
  const b = offsetToPoint(st, end);
  const sel = document.getSelection();
  if (!a || !b || !sel) return;
  try {
    sel.setBaseAndExtent(a.node, a.offset, b.node, b.offset);
  } catch (_e) {
    // The page moved on; losing a half-made selection is harmless.
  }
}

function clearSelection() {
  const sel = document.getSelection();
  if (sel) sel.removeAllRanges();
}

// The selection without the whitespace around it (as the server snaps it), or null when nothing is left.
function snapped(st, off) {
  let { start, end } = off;
  while (start < end && TRIM.test(st.text[start])) start++;
  while (end > start && TRIM.test(st.text[end - 1])) end--;
  if (end < st.text.length && end > start && isLowSurrogate(st.text.charCodeAt(end)) && TRIM.test(st.text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

function isLowSurrogate(c) {
  return c >= 0xdc00 && c <= 0xdfff;
}

// ---------------------------------------------------------------------------------------------------------
// User actions (drawn at once, then sent)

function setSelected(st, id) {
  const m = st.m;
  if (m.selectedId === id) return;
  m.selectedId = id;
  if (m.editor && m.editor.id !== id) m.editor = null;
}

function selectId(st, id, { notify = true, scroll = false } = {}) {
  const m = st.m;
  setSelected(st, id);
  if (notify && st.data.notify_select && !(id && (id.startsWith(TEMP) || id.startsWith("failed:")))) {
    newOp(st, "select", { action: "select", id });
  }
  refresh(st);
  if (scroll && id) {
    const node = (st.fragments.get(id) || [])[0];
    if (node) node.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  flush(st);
}

function createFromSelection(st, label) {
  if (st.data.read_only) return false;
  const raw = selectionOffsets(st);
  if (!raw) return false;
  const off = snapped(st, raw);
  clearSelection();
  if (!off) {
    setStatus(st, "Only whitespace selected: nothing tagged.", "note");
    markRoot(st);
    return true;
  }
  const m = st.m;
  const temp = `${TEMP}${NONCE}-${++m.tempSeq}`;
  const item = {
    id: temp,
    kind: "span",
    s: off.start,
    e: off.end,
    start: toCodePoint(st, off.start),
    end: toCodePoint(st, off.end),
    label,
    pending: true,
  };
  const op = newOp(
    st,
    "create",
    { action: "create", start16: off.start, end16: off.end, label, temp },
    { temp, target: item, apply: (view) => view.set(temp, item) },
  );
  m.undo.push({ op: op.op, kind: "create", id: temp });
  setSelected(st, temp);
  setStatus(st, "", "idle");
  refresh(st);
  flush(st);
  return true;
}

function deleteSelected(st) {
  const m = st.m;
  const item = st.view.get(m.selectedId);
  if (!item || item.kind !== "span") return;
  const id = item.id;
  const op = newOp(
    st,
    "delete",
    { action: "delete", id },
    { touches: id, target: item, apply: (view) => view.delete(rid(m, id)) },
  );
  m.undo.push({ op: op.op, kind: "delete", item });
  m.selectedId = null;
  refresh(st);
  flush(st);
}

function updateAttributes(st, id, attributes) {
  const m = st.m;
  const item = st.view.get(rid(m, id));
  if (!item) return;
  const before = item.attributes || {};
  if (JSON.stringify(before) === JSON.stringify(attributes)) return;
  const op = newOp(
    st,
    "update",
    { action: "update", id: item.id, attributes },
    {
      touches: item.id,
      target: item,
      apply: (view) => {
        const cur = view.get(rid(m, id));
        if (cur) view.set(cur.id, { ...cur, attributes, pending: true });
      },
    },
  );
  m.undo.push({ op: op.op, kind: "update", id: item.id, before, after: attributes });
  refresh(st);
  flush(st);
}

function decide(st, decision) {
  const m = st.m;
  const sugg = st.view.get(m.selectedId);
  if (!sugg || sugg.kind !== "suggestion") return;
  const temp = `${TEMP}${NONCE}-${++m.tempSeq}`;
  const apply = (view) => {
    view.delete(sugg.id);
    if (decision === "accept") view.set(temp, { ...sugg, id: temp, kind: "span", pending: true, aliases: [] });
  };
  const payload = { action: decision, id: sugg.id };
  if (decision === "accept") payload.temp = temp;
  const op = newOp(st, decision, payload, { temp: decision === "accept" ? temp : null, target: sugg, apply });
  if (decision === "accept") {
    m.undo.push({ op: op.op, kind: "create", id: temp });
    m.selectedId = temp;
  } else m.selectedId = null;
  refresh(st);
  flush(st);
}

// "Label all other occurrences": the places the server listed in the span's `others` (its text elsewhere in
// the document by the propagation rule, corpus/suggest/propagation.py `other_occurrences`, where the
// annotator has no span of that label), each created as an ordinary span with the same label and attributes
// but links (they point at spans near the first), all drawn at once and sent together.
function otherPlaces(st, item) {
  if (!item || item.kind !== "span" || !Array.isArray(item.others)) return [];
  const taken = new Set();
  for (const it of st.view.values()) if (it.kind === "span" && it.label === item.label) taken.add(`${it.s}|${it.e}`);
  return item.others.filter(([s, e]) => !taken.has(`${s}|${e}`));
}

function labelAll(st, item) {
  const m = st.m;
  const places = otherPlaces(st, item);
  if (!places.length) return;
  const links = new Set(linkSpecs(st, item.label).map((spec) => spec.name));
  const attributes = {};
  for (const [name, value] of Object.entries(item.attributes || {})) if (!links.has(name)) attributes[name] = value;
  for (const [s, e] of places) {
    const temp = `${TEMP}${NONCE}-${++m.tempSeq}`;
    const made = { id: temp, kind: "span", s, e, start: toCodePoint(st, s), end: toCodePoint(st, e), label: item.label, attributes, pending: true };
    const payload = { action: "create", start16: s, end16: e, label: item.label, temp };
    if (Object.keys(attributes).length) payload.attributes = attributes;
    const op = newOp(st, "create", payload, { temp, target: made, apply: (view) => view.set(temp, made) });
    m.undo.push({ op: op.op, kind: "create", id: temp });
  }
  setStatus(st, `Labelled ${places.length} other occurrence(s).`, "note");
  refresh(st);
  flush(st);
}

function labelAllButton(st, item) {
  if (st.data.read_only || st.m.editor) return null;
  const n = otherPlaces(st, item).length;
  if (!n) return null;
  const b = el("button", "nsp-all", "label-all");
  b.type = "button";
  b.tabIndex = -1;
  const k = el("kbd");
  k.textContent = (st.data.keys || {}).all || "A";
  const t = el("span");
  t.textContent = `label all ${n} other occurrence${n === 1 ? "" : "s"}`;
  b.append(k, t);
  b.addEventListener("click", () => {
    labelAll(st, st.view.get(st.m.selectedId));
    st.root.focus({ preventScroll: true });
  });
  return b;
}

function undo(st) {
  const m = st.m;
  const entry = m.undo.pop();
  const apply = entry ? (view) => inverse(view, m, entry) : null;
  newOp(st, "undo", { action: "undo" }, { apply, touches: entry ? entry.id || entry.item.id : null });
  refresh(st);
  flush(st);
}

function inverse(view, m, entry) {
  if (entry.kind === "create") view.delete(rid(m, entry.id));
  else if (entry.kind === "delete") view.set(entry.item.id, { ...entry.item, pending: true });
  else if (entry.kind === "update") {
    const cur = view.get(rid(m, entry.id));
    if (cur) view.set(cur.id, { ...cur, attributes: entry.before, pending: true });
  }
}

function done(st) {
  newOp(st, "done", { action: "done" });
  refresh(st);
  flush(st);
}

// ---------------------------------------------------------------------------------------------------------
// Tab / Shift+Tab: the next / previous span or suggestion in text order

function ordered(st) {
  return [...st.view.values()].sort((a, b) => a.s - b.s || b.e - a.e || cmp(a.id, b.id));
}

// `wrap`: past the last comes the first; else null there (Tab then leaves the component, as it should).
function step(st, ids, current, dir, wrap = true) {
  if (!ids.length) return null;
  const i = ids.indexOf(current);
  if (i < 0) return dir > 0 ? ids[0] : ids[ids.length - 1];
  const j = i + dir;
  if (!wrap && (j < 0 || j >= ids.length)) return null;
  return ids[(j + ids.length) % ids.length];
}

// ---------------------------------------------------------------------------------------------------------
// Links by key: select a span, `l`, then click (or Tab to and Enter) a span of the linked label

function linkTargets(st) {
  const m = st.m;
  if (!m.link) return [];
  return ordered(st)
    .filter((it) => it.kind === "span" && it.label === m.link.spec.target && it.id !== rid(m, m.link.source))
    .map((it) => it.id);
}

function startLink(st, sourceId, draft, specName) {
  const m = st.m;
  const source = st.view.get(rid(m, sourceId));
  if (!source || source.kind !== "span" || st.data.read_only) return;
  const specs = linkSpecs(st, source.label);
  if (!specs.length) {
    setStatus(st, `A ${source.label} span links to nothing.`, "note");
    markRoot(st);
    return;
  }
  const spec = specs.find((s) => s.name === specName) || specs[0];
  m.editor = null;
  m.link = { source: source.id, spec, draft: { ...(draft || source.attributes || {}) }, cursor: null };
  const more = specs.length > 1 ? " (l again: next relation)" : "";
  setStatus(st, `${spec.title}: click a ${spec.target} span, or Tab and Enter; Esc cancels${more}`, "note");
  refresh(st);
}

function commitLink(st, value) {
  const m = st.m;
  const link = m.link;
  if (!link) return;
  m.link = null;
  setStatus(st, "", "idle");
  const attributes = { ...link.draft, [link.spec.name]: value };
  setSelected(st, rid(m, link.source));
  updateAttributes(st, link.source, attributes);
  refresh(st);
}

function linkKey(st, e) {
  const m = st.m;
  const key = e.key;
  if (key === "Escape") {
    m.link = null;
    setStatus(st, "", "idle");
    refresh(st);
  } else if (key === "Tab") {
    m.link.cursor = step(st, linkTargets(st), m.link.cursor, e.shiftKey ? -1 : 1);
    markSelected(st);
    const node = (st.fragments.get(m.link.cursor) || [])[0];
    if (node) node.scrollIntoView({ block: "nearest", inline: "nearest" });
  } else if (key === "Enter") {
    if (m.link.cursor) commitLink(st, m.link.cursor);
  } else if (key.toLowerCase() === "l") {
    const specs = linkSpecs(st, (st.view.get(rid(m, m.link.source)) || {}).label);
    const i = specs.findIndex((s) => s.name === m.link.spec.name);
    if (specs.length > 1) startLink(st, m.link.source, m.link.draft, specs[(i + 1) % specs.length].name);
  } else if (/^[1-9]$/.test(key)) {
    const literal = (m.link.spec.literals || [])[Number(key) - 1];
    if (literal !== undefined) commitLink(st, literal);
  }
  markRoot(st);
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// The panel beside the selected span: what it is, its attributes, the editor (`e`)

function renderPanel(st) {
  const m = st.m;
  const panel = st.panel;
  const id = m.selectedId;
  if (m.editor && panel.__editorFor === m.editor && panel.isConnected && !panel.__dirty) return;
  panel.__editorFor = m.editor;
  panel.__dirty = false;
  const item = id === null ? null : st.view.get(id) || ghostItem(m, id);
  panel.replaceChildren();
  panel.hidden = !item;
  if (!item) return;
  panel.setAttribute("data-for", item.id);
  panel.style.setProperty("--c", labelColor(st, item.label));
  panel.appendChild(panelHead(st, item));
  const failure = failureFor(m, item.id);
  if (failure) {
    const err = el("div", "nsp-error", "span-error");
    err.textContent = `Not saved: ${failure.message}`;
    panel.appendChild(err);
  }
  if (item.kind === "suggestion") panel.appendChild(suggestionRows(st, item));
  else if (item.kind === "span") panel.appendChild(attributeRows(st, item));
  const all = item.kind === "span" ? labelAllButton(st, item) : null;
  if (all) panel.appendChild(all);
  panel.appendChild(panelHint(st, item));
  focusEditorInput(st);
}

function ghostItem(m, id) {
  const f = m.failures.find((x) => x.id === id && x.ghost);
  return f ? { id: f.id, kind: "ghost", s: f.s, e: f.e, label: f.label } : null;
}

function panelHead(st, item) {
  const head = el("div", "nsp-panel-head");
  const lab = st.labels.get(item.label);
  const name = el("span", "nsp-panel-label");
  name.textContent = lab ? lab.title || lab.name : String(item.label);
  const quote = el("span", "nsp-panel-text", "panel-text");
  const text = st.text.slice(item.s, item.e);
  quote.textContent = `“${text.length > 90 ? `${text.slice(0, 88)}…` : text}”`;
  head.append(name, quote);
  if (item.pending) {
    const badge = el("span", "nsp-badge");
    badge.textContent = "saving…";
    head.appendChild(badge);
  }
  return head;
}

function suggestionRows(st, item) {
  const box = el("div", "nsp-rows");
  const by = el("div", "nsp-row");
  by.textContent = item.by ? `Suggested by ${item.by}` : "Suggestion";
  box.appendChild(by);
  const lab = st.labels.get(item.label);
  for (const spec of (lab && lab.attributes) || []) {
    const value = (item.attributes || {})[spec.name];
    if (value === undefined) continue;
    box.appendChild(valueRow(st, spec, value, false, false));
  }
  return box;
}

function attributeRows(st, item) {
  const m = st.m;
  const lab = st.labels.get(item.label);
  const specs = (lab && lab.attributes) || [];
  const box = el("div", "nsp-rows");
  const editing = m.editor && rid(m, m.editor.id) === item.id ? m.editor : null;
  const values = editing ? editing.draft : item.attributes || {};
  specs.forEach((spec, i) => {
    const active = editing && editing.index === i;
    box.appendChild(valueRow(st, spec, values[spec.name], !!editing, active));
  });
  const missing = missingOf(st, { ...item, attributes: values });
  if (missing.length) {
    const miss = el("div", "nsp-missing", "span-missing");
    const titles = missing.map((n) => (specs.find((s) => s.name === n) || { title: n }).title);
    miss.textContent = `Still to fill in: ${titles.join(", ")}`;
    box.appendChild(miss);
  }
  return box;
}

function display(st, spec, value) {
  if (value === undefined || value === null || value === "") return "—";
  if (spec.kind === "boolean") return value ? "yes" : "no";
  if (spec.kind === "entity" && Array.isArray(value)) return value.map((v) => st.entities.get(v) || v).join(", ");
  if (spec.kind === "link") {
    if ((spec.literals || []).includes(value)) return String(value);
    const index = targetIndex(st);
    const target = st.view.get(index.get(value));
    if (!target) return `(span ${value} is not here)`;
    const text = st.text.slice(target.s, target.e);
    return `→ “${text.length > 50 ? `${text.slice(0, 48)}…` : text}”`;
  }
  return Array.isArray(value) ? value.join(", ") : String(value);
}

function valueRow(st, spec, value, editing, active) {
  const row = el("div", `nsp-row${active ? " nsp-row-active" : ""}`, "attr-row");
  row.setAttribute("data-attr", spec.name);
  const title = el("span", "nsp-row-title");
  title.textContent = spec.title + (spec.required ? " *" : "");
  if (spec.description) title.title = spec.description;
  const val = el("span", "nsp-row-value", "attr-value");
  val.textContent = display(st, spec, value);
  row.append(title, val);
  if (active) row.appendChild(editorControl(st, spec, value));
  return row;
}

function options(spec) {
  if (spec.kind === "enum") return spec.options.map((o) => [o, String(o)]);
  if (spec.kind === "boolean") return [[true, "yes"], [false, "no"]];
  if (spec.kind === "link") return (spec.literals || []).map((o) => [o, String(o)]);
  return null;
}

function editorControl(st, spec, value) {
  const opts = options(spec);
  const wrap = el("div", "nsp-control");
  if (opts) {
    opts.forEach(([v, text], i) => {
      const chip = el("button", `nsp-chip${v === value ? " nsp-chip-on" : ""}`, "attr-option");
      chip.type = "button";
      chip.tabIndex = -1;
      chip.setAttribute("data-value", String(v));
      const k = el("kbd");
      k.textContent = String(i + 1 === 10 ? 0 : i + 1);
      const t = el("span");
      t.textContent = text;
      chip.append(k, t);
      chip.addEventListener("mousedown", (e) => e.preventDefault());
      chip.addEventListener("click", () => chooseOption(st, spec, v));
      wrap.appendChild(chip);
    });
    if (spec.kind === "link") {
      const hint = el("span", "nsp-chip-hint");
      hint.textContent = `l: pick a ${spec.target} span`;
      wrap.appendChild(hint);
    }
    return wrap;
  }
  const input = el("input", "nsp-input", "attr-input");
  input.type = "text";
  input.setAttribute("data-attr", spec.name);
  if (spec.kind === "number" || spec.kind === "integer") input.inputMode = "decimal";
  if (spec.kind === "entity") {
    input.placeholder = "ids, comma-separated";
    input.setAttribute("list", "nsp-entities");
    const list = el("datalist");
    list.id = "nsp-entities";
    for (const [id, name] of st.entities) {
      const o = document.createElement("option");
      o.value = id;
      o.label = name;
      list.appendChild(o);
    }
    wrap.appendChild(list);
  }
  input.value = value === undefined || value === null ? "" : Array.isArray(value) ? value.join(", ") : String(value);
  input.addEventListener("input", () => {
    st.m.editor.raw[spec.name] = input.value;
  });
  wrap.appendChild(input);
  const err = st.m.editor && st.m.editor.errors[spec.name];
  if (err) {
    const e = el("div", "nsp-error", "attr-error");
    e.textContent = err;
    wrap.appendChild(e);
  }
  return wrap;
}

function panelHint(st, item) {
  const m = st.m;
  const hint = el("div", "nsp-hint");
  const keys = st.data.keys || {};
  if (item.kind === "suggestion") hint.textContent = `${keys.accept || "y"} accept · ${keys.reject || "x"} reject · Tab next`;
  else if (item.kind === "ghost") hint.textContent = "Rolled back. Esc closes.";
  else if (st.data.read_only) hint.textContent = "Tab next · Shift+Tab previous";
  else if (m.editor) hint.textContent = "↑↓/Tab field · number keys choose · Backspace clears · Enter save · Esc cancel";
  else {
    const parts = [];
    const lab = st.labels.get(item.label);
    if (lab && (lab.attributes || []).length) parts.push("e edit");
    if (linkSpecs(st, item.label).length) parts.push("l link");
    parts.push("Del delete", "Tab next");
    hint.textContent = parts.join(" · ");
  }
  return hint;
}

function placePanel(st) {
  const panel = st.panel;
  if (panel.hidden) return;
  const id = st.m.selectedId;
  const nodes = id === null ? null : st.fragments.get(id);
  if (!nodes || !nodes.length) return;
  const bodyRect = st.body.getBoundingClientRect();
  const r = nodes[0].getBoundingClientRect();
  const top = Math.max(0, r.top - bodyRect.top - 4);
  panel.style.top = `${Math.round(top)}px`;
}

function focusEditorInput(st) {
  const input = st.panel.querySelector(".nsp-row-active input");
  if (input) {
    input.focus({ preventScroll: true });
    const n = input.value.length;
    input.setSelectionRange(n, n);
  } else if (st.m.editor && st.root.getRootNode().activeElement !== st.root) {
    st.root.focus({ preventScroll: true });
  }
}

function openEditor(st) {
  const m = st.m;
  const item = st.view.get(m.selectedId);
  if (!item || item.kind !== "span" || st.data.read_only) return;
  const lab = st.labels.get(item.label);
  const specs = (lab && lab.attributes) || [];
  if (!specs.length) return;
  const draft = { ...(item.attributes || {}) };
  const first = specs.findIndex((s) => missingOf(st, item).includes(s.name));
  m.editor = { id: item.id, specs, draft, raw: {}, errors: {}, index: Math.max(0, first), digits: "", digitAt: 0 };
  st.panel.__dirty = true;
  refresh(st);
}

function closeEditor(st) {
  st.m.editor = null;
  st.panel.__dirty = true;
  refresh(st);
  st.root.focus({ preventScroll: true });
}

function moveField(st, dir) {
  const ed = st.m.editor;
  if (!readInputs(st)) return;
  ed.index = (ed.index + dir + ed.specs.length) % ed.specs.length;
  ed.digits = "";
  st.panel.__dirty = true;
  renderPanel(st);
  placePanel(st);
}

function chooseOption(st, spec, value) {
  const ed = st.m.editor;
  if (!ed) return;
  ed.draft[spec.name] = value;
  st.panel.__dirty = true;
  renderPanel(st);
}

// Parse what was typed in the active field's input into the draft; false (with an error shown) if it is not
// a value of the attribute's kind.
function readInputs(st) {
  const ed = st.m.editor;
  for (const [name, text] of Object.entries(ed.raw)) {
    const spec = ed.specs.find((s) => s.name === name);
    const t = text.trim();
    delete ed.errors[name];
    if (t === "") delete ed.draft[name];
    else if (spec.kind === "number" || spec.kind === "integer") {
      const n = Number(t.replace(/[_\s]/g, ""));
      if (!Number.isFinite(n) || (spec.kind === "integer" && !Number.isInteger(n))) {
        ed.errors[name] = spec.kind === "integer" ? "a whole number, please" : "a number, please";
        st.panel.__dirty = true;
        renderPanel(st);
        return false;
      }
      ed.draft[name] = n;
    } else if (spec.kind === "entity") {
      const ids = [...new Set(t.split(/[,;]/).map((x) => x.trim()).filter(Boolean))];
      if (ids.length) ed.draft[name] = ids;
      else delete ed.draft[name];
    } else ed.draft[name] = t;
  }
  ed.raw = {};
  return true;
}

function saveEditor(st) {
  const m = st.m;
  const ed = m.editor;
  if (!readInputs(st)) return;
  const attributes = {};
  for (const [k, v] of Object.entries(ed.draft)) {
    if (v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length)) continue;
    attributes[k] = v;
  }
  const id = ed.id;
  m.editor = null;
  st.panel.__dirty = true;
  updateAttributes(st, id, attributes);
  refresh(st);
  st.root.focus({ preventScroll: true });
}

function editorDigit(st, spec, key) {
  const ed = st.m.editor;
  const opts = options(spec);
  if (!opts) return;
  const now = performance.now();
  // Lists longer than 9 take two digits typed quickly one after the other ("1", "2": the 12th).
  const joined = opts.length > 9 && ed.digits && now - ed.digitAt < 800 ? ed.digits + key : null;
  let n = joined && Number(joined) <= opts.length ? Number(joined) : Number(key === "0" ? 10 : key);
  if (joined && Number(joined) <= opts.length) ed.digits = "";
  else ed.digits = key;
  ed.digitAt = now;
  if (n >= 1 && n <= opts.length) chooseOption(st, spec, opts[n - 1][0]);
  else n = 0;
}

function editorKey(st, e) {
  const m = st.m;
  const ed = m.editor;
  const key = e.key;
  const spec = ed.specs[ed.index];
  const inInput = e.target && e.target.tagName === "INPUT";
  if (key === "Escape") closeEditor(st);
  else if (key === "Enter") saveEditor(st);
  else if (key === "Tab") moveField(st, e.shiftKey ? -1 : 1);
  else if (key === "ArrowDown" || key === "ArrowUp") moveField(st, key === "ArrowDown" ? 1 : -1);
  else if (inInput) return "type";
  else if (/^[0-9]$/.test(key)) editorDigit(st, spec, key);
  else if (key === "Backspace" || key === "Delete") chooseOption(st, spec, undefined);
  else if (key.toLowerCase() === "l" && spec.kind === "link") {
    if (readInputs(st)) startLink(st, ed.id, ed.draft, spec.name);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Listeners (bound once per mount)

function bindListeners(st) {
  const { root, bar, box, panel } = st;

  bar.addEventListener("mousedown", (e) => {
    if (e.target.closest("button")) e.preventDefault();
  });
  bar.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-label]");
    if (!b || st.data.read_only) return;
    createFromSelection(st, b.getAttribute("data-label"));
    root.focus({ preventScroll: true });
  });
  panel.addEventListener("mousedown", (e) => {
    if (!e.target.closest("input")) e.preventDefault();
  });

  // Clicking a span selects it; clicking the selected one again selects the span around it (so a span
  // that is exactly covered by a nested one stays reachable). A click that ends a drag is a selection.
  box.addEventListener("click", (e) => {
    if (selectionOffsets(st)) return;
    const m = st.m;
    const hit = e.target.closest ? e.target.closest(`${ITEM_SELECTOR}, [data-testid="failed-span"]`) : null;
    if (m.link) {
      if (hit && linkTargets(st).includes(hit.__nspId)) commitLink(st, hit.__nspId);
      return;
    }
    if (m.editor) {
      m.editor = null;
      st.panel.__dirty = true;
      refresh(st);
    }
    if (!hit || !box.contains(hit)) {
      if (m.selectedId !== null) selectId(st, null);
      return;
    }
    let target = hit;
    if (hit.__nspId === m.selectedId) {
      const outer = hit.parentElement ? hit.parentElement.closest(ITEM_SELECTOR) : null;
      if (outer && box.contains(outer)) target = outer;
    }
    if (target.__nspId !== m.selectedId) selectId(st, target.__nspId);
  });

  box.addEventListener("mouseover", (e) => {
    const hit = e.target.closest ? e.target.closest(ITEM_SELECTOR) : null;
    const id = hit ? hit.__nspId : null;
    if (id !== st.hoverId) {
      st.hoverId = id;
      highlightLinks(st);
    }
  });
  box.addEventListener("mouseleave", () => {
    st.hoverId = null;
    highlightLinks(st);
  });

  root.addEventListener("keydown", (e) => {
    const handled = handleKey(st, e);
    if (handled) {
      // Ours: keep it from the page's own shortcuts (Streamlit binds bare keys on the document).
      e.stopPropagation();
      if (handled !== "type") e.preventDefault();
    }
  });

  if (typeof ResizeObserver === "function") {
    new ResizeObserver(() => scheduleLayout(st)).observe(st.body);
  }
}

// Returns true when the key was the component's to handle ("type": let it type into the editor's input).
function handleKey(st, e) {
  const m = st.m;
  if (!m) return false;
  if (m.editor) return editorKey(st, e);
  const t = e.target;
  if (t && t.closest && t.closest("input, textarea, select, [contenteditable]")) return false;
  if (m.link) return linkKey(st, e);
  const d = st.data || {};
  const key = e.key || "";
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && !e.shiftKey && key.toLowerCase() === "z") {
    if (!d.read_only && !e.repeat) undo(st);
    return true;
  }
  if (mod || e.altKey) return false;
  return namedKey(st, e, key, d) ?? charKey(st, e, key, d);
}

function namedKey(st, e, key, d) {
  const m = st.m;
  if (key === "Enter") {
    if (!e.repeat && !d.read_only) done(st);
    return true;
  }
  if (key === "Escape") {
    clearSelection();
    m.failures = [];
    setStatus(st, "", "idle");
    selectId(st, null);
    return true;
  }
  if (key === "Delete" || key === "Backspace") {
    if (!d.read_only && !e.repeat) deleteSelected(st);
    return true;
  }
  if (key === "Tab") {
    const ids = ordered(st).map((it) => it.id);
    const next = step(st, ids, m.selectedId, e.shiftKey ? -1 : 1, false);
    if (next === null) return false;
    selectId(st, next, { scroll: true });
    return true;
  }
  return undefined;
}

function charKey(st, e, key, d) {
  const m = st.m;
  if (key.length === 0 || key.length > 2) return false; // other named keys (arrows, ...) keep their default
  if (e.repeat) return true;
  const current = m.selectedId === null ? null : st.view.get(m.selectedId);
  // Shift+A on a selected span (and no text selected, where it stays the label key): label all the others.
  if (!d.read_only && key === ((d.keys || {}).all || "A") && current && current.kind === "span" && !selectionOffsets(st)) {
    labelAll(st, current);
    return true;
  }
  const k = key.toLowerCase();
  const label = (d.labels || []).find((l) => (l.hotkeys || []).some((h) => String(h).toLowerCase() === k));
  if (label && createFromSelection(st, label.name)) return true;
  const selected = m.selectedId === null ? null : st.view.get(m.selectedId);
  if (!d.read_only && selected && selected.kind === "suggestion") {
    const keys = d.keys || {};
    if (k === String(keys.accept || "").toLowerCase()) {
      decide(st, "accept");
      return true;
    }
    if (k === String(keys.reject || "").toLowerCase()) {
      decide(st, "reject");
      return true;
    }
  }
  if (selected && selected.kind === "span" && !d.read_only) {
    if (k === "e") {
      openEditor(st);
      return true;
    }
    if (k === "l") {
      startLink(st, selected.id);
      markRoot(st);
      return true;
    }
  }
  return Boolean(label);
}
