// The worker's live dashboard: polls /api/dashboard and draws the topology (as SVG, from the same
// model `vigil explain` renders), per-rule rates, alerts per rule over the last minutes, lag per
// partition, dead letters by reason and the worker's tasks. No library, nothing loaded from elsewhere.

const SVG = "http://www.w3.org/2000/svg";
const POLL_MS = 2000;
const BOX_W = 190;
const BOX_H = 40;
const GAP_X = 50;
const GAP_Y = 14;

function el(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Column of each node: the longest path from a source (its sub-topology's pipeline depth). */
function depths(nodes) {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const memo = new Map();
  const depth = (n) => {
    if (memo.has(n.name)) return memo.get(n.name);
    memo.set(n.name, 0);
    const preds = n.predecessors.map((p) => byName.get(p)).filter(Boolean);
    const d = preds.length === 0 ? 0 : 1 + Math.max(...preds.map(depth));
    memo.set(n.name, d);
    return d;
  };
  for (const n of nodes) depth(n);
  return memo;
}

function layout(topology) {
  const pos = new Map();
  let top = 0;
  let width = 0;
  for (const sub of topology.subTopologies) {
    const d = depths(sub.nodes);
    const rows = new Map();
    for (const n of sub.nodes) {
      const col = d.get(n.name);
      const row = rows.get(col) ?? 0;
      rows.set(col, row + 1);
      pos.set(n.name, {
        x: 10 + col * (BOX_W + GAP_X),
        y: top + 24 + row * (BOX_H + GAP_Y),
        node: n,
        sub: sub.id,
      });
      width = Math.max(width, 10 + (col + 1) * (BOX_W + GAP_X));
    }
    top += 24 + Math.max(1, ...rows.values()) * (BOX_H + GAP_Y) + 10;
  }
  return { pos, width, height: top };
}

let drawn = null;

function drawTopology(topology) {
  const { pos, width, height } = layout(topology);
  const svg = el("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
  const defs = el("defs", {});
  const marker = el("marker", {
    id: "arrow",
    viewBox: "0 0 10 10",
    refX: 10,
    refY: 5,
    markerWidth: 6,
    markerHeight: 6,
    orient: "auto",
  });
  marker.append(el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#99a" }));
  defs.append(marker);
  svg.append(defs);
  for (const sub of topology.subTopologies) {
    const first = pos.get(sub.nodes[0]?.name);
    if (first) svg.append(el("text", { x: 10, y: first.y - 8, fill: "#889" }, `sub-topology ${sub.id}`));
  }
  for (const e of topology.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + BOX_W;
    const y1 = a.y + BOX_H / 2;
    const x2 = b.x;
    const y2 = b.y + BOX_H / 2;
    const mid = (x1 + x2) / 2;
    svg.append(el("path", { class: "edge", d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` }));
  }
  const rates = new Map();
  for (const { x, y, node } of pos.values()) {
    const g = el("g", {
      class: `node ${node.kind}`,
      "data-name": node.name,
      transform: `translate(${x},${y})`,
    });
    g.append(el("rect", { width: BOX_W, height: BOX_H }));
    g.append(el("text", { x: 6, y: 15 }, node.name.length > 30 ? `${node.name.slice(0, 29)}…` : node.name));
    const what =
      node.kind === "source" ? node.topics.join(", ") : node.kind === "sink" ? `→ ${node.topic}` : node.role;
    g.append(el("text", { x: 6, y: 31, fill: "#667" }, what.length > 22 ? `${what.slice(0, 21)}…` : what));
    const rate = el("text", { class: "rate", x: BOX_W - 6, y: 31, "text-anchor": "end" }, "");
    g.append(rate);
    rates.set(node.name, { rate, node });
    const title = el(
      "title",
      {},
      node.kind === "processor" && node.detail ? `${node.name}: ${node.detail}` : node.name,
    );
    g.append(title);
    svg.append(g);
  }
  const box = document.getElementById("topology");
  box.replaceChildren(svg);
  return { rates };
}

/** Per second, between the last two samples. */
function perSecond(history, pick) {
  if (history.length < 2) return {};
  const a = history[history.length - 2];
  const b = history[history.length - 1];
  const dt = Math.max(0.001, (b.t - a.t) / 1000);
  const out = {};
  const now = pick(b);
  const before = pick(a);
  for (const k of Object.keys(now)) out[k] = Math.max(0, (now[k] - (before[k] ?? 0)) / dt);
  return out;
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString("en") : n.toFixed(n >= 10 ? 1 : 2));
const cell = (text, cls) => {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
};
function fill(id, rows) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(
    ...rows.map(({ key, cells }) => {
      const tr = document.createElement("tr");
      tr.dataset.key = key;
      tr.append(...cells);
      return tr;
    }),
  );
}

/** Alerts of a rule per sample interval over the kept history (oldest first), as small bars. */
function bars(history, rule) {
  const span = document.createElement("span");
  span.className = "bars";
  const counts = [];
  for (let i = 1; i < history.length; i++) {
    counts.push(
      Math.max(0, (history[i].outputsByRule[rule] ?? 0) - (history[i - 1].outputsByRule[rule] ?? 0)),
    );
  }
  const max = Math.max(1, ...counts);
  for (const c of counts.slice(-60)) {
    const b = document.createElement("span");
    b.style.height = `${Math.max(1, Math.round((c / max) * 18))}px`;
    b.title = String(c);
    span.append(b);
  }
  const total = counts.reduce((s, c) => s + c, 0);
  const td = document.createElement("td");
  td.append(span, document.createTextNode(` ${total}`));
  td.dataset.alerts = String(total);
  return td;
}

function render(data) {
  const { topology, status, history } = data;
  if (drawn === null) drawn = drawTopology(topology);
  document.getElementById("group").textContent = status.group;
  const phase = document.getElementById("phase");
  phase.textContent = status.phase;
  const ready = document.getElementById("ready");
  ready.textContent = status.ready ? "ready" : "not ready";
  ready.className = `badge ${status.ready ? "ok" : "bad"}`;
  const t = status.totals;
  document.getElementById("summary").textContent =
    `${t.recordsIn.toLocaleString("en")} records in · ${status.tasks.length} tasks · up ${status.uptimeSeconds} s`;

  const ins = perSecond(history, (s) => s.inputsByRule);
  const outs = perSecond(history, (s) => s.outputsByRule);
  const total = perSecond(history, (s) => ({ all: s.recordsIn })).all ?? 0;
  for (const { rate, node } of drawn.rates.values()) {
    if (node.kind === "source") rate.textContent = `${fmt(total)}/s`;
    else if (node.kind === "sink" && node.rule) rate.textContent = `${fmt(outs[node.rule] ?? 0)}/s`;
    else if (node.rule) rate.textContent = `${fmt(ins[node.rule] ?? 0)}/s in`;
  }
  const rules = [...new Set(topology.subTopologies.flatMap((s) => s.rules))];
  fill(
    "rules",
    rules.map((r) => ({
      key: r,
      cells: [
        cell(r),
        cell(fmt(ins[r] ?? 0), "num"),
        cell(fmt(outs[r] ?? 0), "num"),
        bars(history, r),
        cell(String(t.outputsByRule[r] ?? 0), "num"),
      ],
    })),
  );
  fill(
    "lag",
    status.tasks.flatMap((task) =>
      task.inputs.map((i) => ({
        key: `${i.topic}/${i.partition}`,
        cells: [
          cell(i.topic),
          cell(String(i.partition), "num"),
          cell(task.id),
          cell(String(i.committed), "num"),
          cell(i.logEnd === null ? "-" : String(i.logEnd), "num"),
          cell(i.lag === null ? "-" : String(i.lag), "num"),
        ],
      })),
    ),
  );
  const reasons = Object.entries(t.deadLettersByReason);
  fill(
    "dead-letters",
    reasons.length === 0
      ? [{ key: "none", cells: [cell("none"), cell("0", "num")] }]
      : reasons.map(([r, n]) => ({ key: r, cells: [cell(r), cell(String(n), "num")] })),
  );
  fill(
    "tasks",
    status.tasks.map((task) => ({
      key: task.id,
      cells: [
        cell(task.id),
        cell(task.state),
        cell(String(task.restored), "num"),
        cell(String(task.restoreRemaining), "num"),
        cell(task.watermark ?? "-"),
        cell(task.lastCommit ?? "-"),
      ],
    })),
  );
  document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString("en")}`;
  document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
}

async function poll() {
  try {
    const res = await fetch("/api/dashboard", { cache: "no-store" });
    if (res.ok) render(await res.json());
  } catch (err) {
    document.getElementById("updated").textContent = `worker unreachable: ${err}`;
  }
  setTimeout(poll, POLL_MS);
}

poll();
