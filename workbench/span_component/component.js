// newsspan span selector: a Streamlit Components v2 module (no build step).
//
// Streamlit calls the default export on mount and again every time `data` changes. The DOM and the
// listeners are created once per mount (guarded by the root element's `__nsp` state) and later calls only
// re-render. Article text is only ever written as Text nodes (never innerHTML). All offsets in this file
// are UTF-16 code units, the browser's unit; Python converts to code points (workbench/offsets.py).

const SPAN_SELECTOR = '[data-testid="span"], [data-testid="suggestion"]';

export default function spanSelector(component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".nsp-root");
  if (!root) {
    root = buildSkeleton();
    parentElement.appendChild(root);
  }
  let st = root.__nsp;
  if (!st) {
    st = {
      root,
      bar: root.querySelector(".nsp-labels"),
      box: root.querySelector(".nsp-text"),
      data: null,
      send: null,
      seq: 0,
      textKey: null,
      labelsKey: null,
      textNodes: [], // [{node, off}] in text order
      fragments: new Map(), // id -> [elements]
      selectedId: null,
      lastDataSelected: undefined,
    };
    root.__nsp = st;
    bindListeners(st);
  }
  st.send = setTriggerValue;
  update(st, data || {});
}

// ---------------------------------------------------------------------------------------------------------
// Building and rendering

function el(tag, cls, testid) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (testid) e.setAttribute("data-testid", testid);
  return e;
}

function buildSkeleton() {
  const root = el("div", "nsp-root", "span-selector");
  root.tabIndex = 0;
  root.appendChild(el("div", "nsp-labels", "label-bar"));
  root.appendChild(el("div", "nsp-text", "span-text"));
  return root;
}

function update(st, data) {
  const prev = st.data;
  st.data = data;
  st.root.classList.toggle("nsp-readonly", !!data.read_only);

  const labelsKey = JSON.stringify([data.labels, !!data.read_only]);
  if (labelsKey !== st.labelsKey) {
    st.labelsKey = labelsKey;
    renderLabels(st, data.labels || [], !!data.read_only);
  }

  const textKey = JSON.stringify([data.rev, data.spans, data.suggestions, data.colors]);
  if (textKey !== st.textKey) {
    // Keep a selection the user is making across a re-render caused by something else.
    const keep = prev ? selectionOffsets(st) : null;
    st.textKey = textKey;
    renderText(st, data);
    if (keep && (!prev || prev.rev === data.rev)) restoreSelection(st, keep.start, keep.end);
  }

  if (data.selected_id !== st.lastDataSelected) {
    st.lastDataSelected = data.selected_id;
    st.selectedId = data.selected_id ?? null;
  }
  if (st.selectedId !== null && !st.fragments.has(st.selectedId)) st.selectedId = null;
  markSelected(st);
}

function labelColor(st, name) {
  const lab = (st.data.labels || []).find((l) => l.name === name);
  return lab && lab.color ? lab.color : "#888888";
}

function renderLabels(st, labels, readOnly) {
  const bar = st.bar;
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
    name.textContent = lab.name;
    b.append(sw, name);
    if (lab.hotkeys && lab.hotkeys.length) {
      const k = el("kbd", "nsp-hotkey");
      k.textContent = lab.hotkeys.join(" ");
      b.appendChild(k);
    }
    frag.appendChild(b);
  }
  bar.replaceChildren(frag);
}

// Greedy interval layering: each item gets the lowest layer free over its whole extent, outer (longer)
// items first, so nested spans stack below their parents and crossing spans never share a layer.
function assignLayers(items) {
  const order = items.slice().sort((a, b) => a.s - b.s || b.e - a.e || cmp(a.id, b.id));
  const active = []; // items still open at the current start
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

function renderText(st, data) {
  const text = typeof data.text === "string" ? data.text : "";
  const items = [];
  for (const sp of data.spans || []) items.push({ ...sp, kind: "span" });
  for (const sg of data.suggestions || []) items.push({ ...sg, kind: "suggestion" });
  const valid = items.filter((it) => it.s >= 0 && it.e <= text.length && it.s < it.e);
  const order = assignLayers(valid);
  let maxLayer = 0;
  for (const it of valid) maxLayer = Math.max(maxLayer, it.layer);

  const points = new Set([0, text.length]);
  for (const it of valid) {
    points.add(it.s);
    points.add(it.e);
  }
  const sorted = Array.from(points).sort((a, b) => a - b);
  const startsAt = new Map();
  for (const it of order) {
    if (!startsAt.has(it.s)) startsAt.set(it.s, []);
    startsAt.get(it.s).push(it);
  }

  const box = st.box;
  const frag = document.createDocumentFragment();
  const textNodes = [];
  const fragments = new Map();
  const stack = []; // [{it, node}]
  const top = () => (stack.length ? stack[stack.length - 1].node : frag);
  const open = (it) => {
    const node = makeItemElement(st, it);
    top().appendChild(node);
    stack.push({ it, node });
    if (!fragments.has(it.id)) fragments.set(it.id, []);
    fragments.get(it.id).push(node);
  };

  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i];
    // Close everything from the lowest ended item upward; reopen the ones still running (a crossing
    // span continues as a new fragment).
    const cut = stack.findIndex((x) => x.it.e <= p);
    if (cut >= 0) {
      const reopen = stack.splice(cut).filter((x) => x.it.e > p);
      for (const x of reopen) open(x.it);
    }
    for (const it of startsAt.get(p) || []) open(it);
    const next = i + 1 < sorted.length ? sorted[i + 1] : p;
    if (next > p) {
      const node = document.createTextNode(text.slice(p, next));
      textNodes.push({ node, off: p });
      top().appendChild(node);
    }
  }

  box.replaceChildren(frag);
  box.style.setProperty("--layers", String(maxLayer));
  st.textNodes = textNodes;
  st.fragments = fragments;
  st.textLength = text.length;
}

function makeItemElement(st, it) {
  const node = document.createElement("span");
  const isSpan = it.kind === "span";
  node.className = isSpan ? "nsp-span" : "nsp-span nsp-suggestion";
  node.setAttribute("data-testid", isSpan ? "span" : "suggestion");
  node.setAttribute(isSpan ? "data-span-id" : "data-suggestion-id", String(it.id));
  node.setAttribute("data-label", String(it.label));
  node.setAttribute("data-start", String(it.start));
  node.setAttribute("data-end", String(it.end));
  node.setAttribute("data-layer", String(it.layer));
  node.title = isSpan ? String(it.label) : `${it.label} (suggestion)`;
  node.style.setProperty("--c", labelColor(st, it.label));
  node.style.setProperty("--layer", String(it.layer));
  node.__nspId = it.id;
  return node;
}

function markSelected(st) {
  for (const old of st.box.querySelectorAll(".nsp-selected")) old.classList.remove("nsp-selected");
  if (st.selectedId === null) return;
  for (const node of st.fragments.get(st.selectedId) || []) node.classList.add("nsp-selected");
}

// ---------------------------------------------------------------------------------------------------------
// Selection <-> offsets

function currentRange(st) {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) {
    // In a shadow root, older engines report a collapsed window selection; try the root's own.
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
    const pos = box.compareDocumentPosition(node);
    if (pos & Node.DOCUMENT_POSITION_PRECEDING) return 0;
    if (pos & Node.DOCUMENT_POSITION_FOLLOWING) return st.textLength;
    return null;
  }
  // An element point: before child `offset`, or at the end of `node`.
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
  if (!a || !b) return;
  const sel = document.getSelection();
  if (!sel) return;
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

// ---------------------------------------------------------------------------------------------------------
// Events to Python

function emit(st, payload) {
  if (!st.send) return;
  st.seq += 1;
  st.send("event", { ...payload, rev: st.data.rev, seq: st.seq });
}

function createFromSelection(st, label) {
  if (st.data.read_only) return false;
  const off = selectionOffsets(st);
  if (!off) return false;
  emit(st, { action: "create", start16: off.start, end16: off.end, label });
  clearSelection();
  return true;
}

function selectId(st, id) {
  st.selectedId = id;
  markSelected(st);
  emit(st, { action: "select", id });
}

function itemKind(st, id) {
  const nodes = st.fragments.get(id);
  if (!nodes || !nodes.length) return null;
  return nodes[0].getAttribute("data-testid");
}

function bindListeners(st) {
  const { root, bar, box } = st;

  // Label buttons: keep the text selection (and the focus) when the button is pressed.
  bar.addEventListener("mousedown", (e) => {
    if (e.target.closest("button")) e.preventDefault();
  });
  bar.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-label]");
    if (!b || st.data.read_only) return;
    createFromSelection(st, b.getAttribute("data-label"));
    root.focus({ preventScroll: true });
  });

  // Clicking a span selects it; clicking the selected one again selects the span around it (so a span
  // that is exactly covered by a nested one stays reachable). A click that ends a drag is a selection.
  box.addEventListener("click", (e) => {
    if (selectionOffsets(st)) return;
    const hit = e.target.closest ? e.target.closest(SPAN_SELECTOR) : null;
    if (!hit || !box.contains(hit)) {
      if (st.selectedId !== null) selectId(st, null);
      return;
    }
    let target = hit;
    if (hit.__nspId === st.selectedId) {
      const outer = hit.parentElement ? hit.parentElement.closest(SPAN_SELECTOR) : null;
      if (outer && box.contains(outer)) target = outer;
    }
    if (target.__nspId !== st.selectedId) selectId(st, target.__nspId);
  });

  root.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    if (handleKey(st, e)) {
      // Ours: keep it from the page's own shortcuts (Streamlit binds bare keys on the document).
      e.preventDefault();
      e.stopPropagation();
    }
  });
}

// Returns true when the key was the component's to handle.
function handleKey(st, e) {
  const d = st.data || {};
  const key = e.key || "";
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && !e.shiftKey && key.toLowerCase() === "z") {
    if (!d.read_only && !e.repeat) emit(st, { action: "undo" });
    return true;
  }
  if (mod || e.altKey) return false;
  if (key === "Enter") {
    if (!e.repeat) emit(st, { action: "done" });
    return true;
  }
  if (key === "Escape") {
    clearSelection();
    if (st.selectedId !== null) selectId(st, null);
    return true;
  }
  if (key === "Delete" || key === "Backspace") {
    if (!d.read_only && !e.repeat && st.selectedId !== null && itemKind(st, st.selectedId) === "span") {
      emit(st, { action: "delete", id: st.selectedId });
    }
    return true;
  }
  if (key.length === 0 || key.length > 2) return false; // named keys (arrows, Tab, ...) keep their default
  if (e.repeat) return true;
  const k = key.toLowerCase();
  const label = (d.labels || []).find((l) => (l.hotkeys || []).some((h) => String(h).toLowerCase() === k));
  if (label && createFromSelection(st, label.name)) return true;
  if (!d.read_only && st.selectedId !== null && itemKind(st, st.selectedId) === "suggestion") {
    const keys = d.keys || {};
    if (k === String(keys.accept || "").toLowerCase()) {
      emit(st, { action: "accept", id: st.selectedId });
      return true;
    }
    if (k === String(keys.reject || "").toLowerCase()) {
      emit(st, { action: "reject", id: st.selectedId });
      return true;
    }
  }
  return Boolean(label);
}
