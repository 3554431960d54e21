// The page of `mlpscope serve` (docs/serve.md): a form of run options on the left, one
// panel per run on the right (two side by side in compare mode), each fed by its run's
// Server-Sent Events. The token arrives as a cookie set by the server when the page was
// opened from the printed URL; it is then taken out of the address bar.
"use strict";

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];
const STORY = {
  data: "fashion-mnist", limit: "10000", hidden: "256,128", activation: "relu",
  output: "softmax", loss: "mse", init: "uniform:-1,1", "init-scale": "1", optimizer: "sgd",
  lr: "0.01", batch: "32", epochs: "3", seed: "0", every: "50", "sharpness-every": "0",
};
const panels = [];
window.mlpscope = { panels };  // for the browser test (tests/serve/browser_check.cjs)

async function api(path, method = "GET") {
  const response = await fetch(path, { method, credentials: "same-origin" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${response.status}`);
  return body;
}

async function postRun(options) {
  const response = await fetch("/api/runs", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify(options),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${response.status}`);
  return body.id;
}

function formOptions() {
  const options = {};
  for (const field of document.getElementById("run-form").elements) {
    if (field.name && field.value.trim() !== "") options[field.name] = field.value.trim();
  }
  return options;
}

function fillForm(options) {
  const form = document.getElementById("run-form");
  for (const [name, value] of Object.entries(options)) {
    if (form.elements[name]) form.elements[name].value = value;
  }
}

// --- charts ---------------------------------------------------------------------------

// uPlot writes small ticks of a log axis as 0: powers of ten as 1e-3, others as 0.02.
function logTicks(u, values) {
  return values.map((v) => (v === null ? "" : v >= 0.01 && v < 10000 ? `${+v.toPrecision(2)}` : v.toExponential(0)));
}

function positive(v) { return v === null || v === undefined || !(v > 0) ? null : v; }

function makeChart(figure, labels, log) {
  const width = Math.max(260, figure.clientWidth - 8);
  const series = [{ label: "step" }].concat(labels.map((label, i) => ({
    label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true,
    dash: label.includes("test") || label.startsWith("sat") ? [6, 4] : undefined,
  })));
  const options = {
    width, height: 170, series, legend: { live: false },
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    axes: [{ size: 32 }, { size: 52, values: log ? logTicks : undefined }],
    cursor: { drag: { x: false, y: false } },
  };
  return new uPlot(options, labels.map(() => []).concat([[]]), figure);
}

class Panel {
  constructor(title, options) {
    const node = document.getElementById("panel-template").content.firstElementChild.cloneNode(true);
    this.node = node;
    this.options = options;
    node.querySelector(".title").textContent = title;
    document.getElementById("runs").appendChild(node);
    this.records = [];
    this.charts = null;
    this.stepsPerEpoch = 1;
    this.dirty = false;
    // Resolved when the server says the run has ended: a stopped run still holds its slot
    // (--max-runs) until its trainer has finished the step under way and the last record.
    this.finished = new Promise((resolve) => { this.resolveFinished = resolve; });
  }

  attach(id) {
    this.id = id;
    this.node.dataset.run = id;
    this.source = new EventSource(`/api/runs/${id}/events`);
    const on = (name, f) => this.source.addEventListener(name, (e) => f(JSON.parse(e.data)));
    on("record", (r) => { this.records.push(r); this.dirty = true; });
    on("progress", (p) => this.progress(p));
    on("verdict", (v) => this.verdict(v, false));
    on("summary", (s) => this.verdict(s, true));
    on("boundary", (b) => { this.boundary = b; this.dirty = true; });
    on("state", (s) => this.state(s.state));
    on("error", (e) => this.fail(e.error));
    on("end", () => {
      this.source.close();
      this.ended = true;
      this.resolveFinished();
      updateButtons();
    });
  }

  fail(message) {
    const box = this.node.querySelector(".verdict");
    box.className = "verdict failed";
    box.querySelector(".verdict-name").textContent = `failed: ${message}`;
  }

  state(state) {
    this.currentState = state;
    const badge = this.node.querySelector(".state");
    badge.textContent = state;
    badge.className = `state ${state}`;
    updateButtons();
  }

  progress(p) {
    this.stepsPerEpoch = Math.max(1, p.steps_per_epoch || 1);
    this.node.querySelector(".progress").textContent =
      `epoch ${p.epoch} of ${p.epochs}, step ${p.step}`;
  }

  verdict(v, final) {
    const box = this.node.querySelector(".verdict");
    box.className = `verdict ${v.verdict} ${final || v.final ? "final" : "forming"}`;
    const cause = v.cause ? `: ${v.cause}` : "";
    const when = final || v.final ? "" : " (so far)";
    box.querySelector(".verdict-name").textContent = `${v.verdict}${cause}${when}`;
    box.querySelector(".explanation").textContent = v.explanation;
    const list = box.querySelector(".suggestions");
    list.replaceChildren(...v.suggestions.map((s) => {
      const item = document.createElement("li");
      item.textContent = `try ${s}`;
      return item;
    }));
  }

  buildCharts(first) {
    const figure = (name) => this.node.querySelector(`[data-chart="${name}"]`);
    const layers = (first.layers || []).map((_, l, all) => (l + 1 === all.length ? "out" : `${l + 1}`));
    const hidden = layers.slice(0, -1);  // the output layer neither dies nor saturates
    this.charts = {
      loss: makeChart(figure("loss"), ["train", "test"], true),
      accuracy: makeChart(figure("accuracy"), ["train", "test"], false),
      dead: makeChart(figure("dead"), hidden.flatMap((l) => [`dead ${l}`, `sat ${l}`]), false),
      update: makeChart(figure("update"), layers.map((l) => `layer ${l}`), true),
      preact: makeChart(figure("preact"), layers.map((l) => `layer ${l}`), true),
      sharpness: makeChart(figure("sharpness"), ["λmax", "2/lr"], true),
    };
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const rs = this.records;
    if (rs.length > 0) {
      if (!this.charts) this.buildCharts(rs[0]);
      const x = rs.map((r) => r.step);
      const col = (f) => rs.map(f);
      const perLayer = (f) => (rs[0].layers || []).map((_, l) => col((r) => (r.layers ? f(r.layers[l]) : null)));
      this.charts.loss.setData([x, col((r) => positive(r.loss)), col((r) => positive(r.test_loss))]);
      this.charts.accuracy.setData([x, col((r) => r.accuracy), col((r) => r.test_accuracy)]);
      this.charts.dead.setData([x].concat((rs[0].layers || []).slice(0, -1).flatMap((_, l) => [
        col((r) => (r.layers ? r.layers[l].dead_fraction : null)),
        col((r) => (r.layers ? r.layers[l].saturated_fraction : null))])));
      this.charts.update.setData([x].concat(perLayer((s) => positive(s.update_ratio))));
      this.charts.preact.setData([x].concat(perLayer((s) => positive(s.preact_std))));
      this.charts.sharpness.setData([x, col((r) => positive(r.sharpness)), col((r) => 2 / r.lr)]);
      drawPreactivations(this.node.querySelector(".histogram canvas"), rs[rs.length - 1]);
    }
    if (this.boundary) drawBoundary(this.node.querySelector(".boundary canvas"), this.boundary);
    this.node.querySelector(".boundary").hidden = !this.boundary;
  }

  async command(action, query = "") {
    if (this.ended || this.id === undefined) return;
    await api(`/api/runs/${this.id}/${action}${query}`, "POST").catch(showError);
  }
}

// --- the 2-D pictures ------------------------------------------------------------------

function drawBoundary(canvas, g) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const cw = canvas.width / g.nx, ch = canvas.height / g.ny;
  for (let j = 0; j < g.ny; ++j) {
    for (let i = 0; i < g.nx; ++i) {
      const v = g.values[j * g.nx + i];
      const confidence = g.confidence[j * g.nx + i];
      if (g.classes === 2) {
        const r = Math.round(31 + (255 - 31) * v), gr = Math.round(119 + (127 - 119) * v);
        const b = Math.round(180 + (14 - 180) * v);
        ctx.fillStyle = `rgba(${r},${gr},${b},${0.15 + 0.5 * Math.abs(v - 0.5) * 2})`;
      } else {
        ctx.fillStyle = COLORS[v % COLORS.length] + alphaHex(0.15 + 0.45 * confidence);
      }
      // Whole pixels: overlapping translucent cells would draw darker seams.
      const x0 = Math.round(i * cw), y0 = Math.round(canvas.height - (j + 1) * ch);
      ctx.fillRect(x0, y0, Math.round((i + 1) * cw) - x0, Math.round(canvas.height - j * ch) - y0);
    }
  }
  const sx = canvas.width / (g.x_max - g.x_min), sy = canvas.height / (g.y_max - g.y_min);
  for (let k = 0; k < g.points.x.length; ++k) {
    ctx.beginPath();
    ctx.arc((g.points.x[k] - g.x_min) * sx, canvas.height - (g.points.y[k] - g.y_min) * sy, 2.2, 0, 6.3);
    ctx.fillStyle = COLORS[g.points.label[k] % COLORS.length];
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 0.8;
    ctx.stroke();
  }
}

function alphaHex(a) { return Math.round(Math.min(1, a) * 255).toString(16).padStart(2, "0"); }

// Per layer, the pre-activations' mean ± std on the probe set, on one symmetric axis.
function drawPreactivations(canvas, record) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const layers = record.layers || [];
  if (layers.length === 0) return;
  const reach = Math.max(...layers.map((s) => Math.abs(s.preact_mean) + s.preact_std), 1e-12);
  const rowHeight = canvas.height / layers.length, mid = canvas.width / 2;
  layers.forEach((s, l) => {
    const y = l * rowHeight + rowHeight * 0.2, h = rowHeight * 0.6;
    const lo = mid + ((s.preact_mean - s.preact_std) / reach) * (mid - 30);
    const hi = mid + ((s.preact_mean + s.preact_std) / reach) * (mid - 30);
    ctx.fillStyle = COLORS[l % COLORS.length] + "99";
    ctx.fillRect(lo, y, Math.max(1, hi - lo), h);
    ctx.fillStyle = "#333";
    ctx.font = "11px sans-serif";
    ctx.fillText(l + 1 === layers.length ? "out" : `${l + 1}`, 4, y + h * 0.75);
    ctx.fillText(`std ${s.preact_std.toPrecision(3)}`, canvas.width - 76, y + h * 0.75);
  });
  ctx.strokeStyle = "#999";
  ctx.beginPath();
  ctx.moveTo(mid, 0);
  ctx.lineTo(mid, canvas.height);
  ctx.stroke();
}

// --- controls ---------------------------------------------------------------------------

function showError(error) {
  document.getElementById("form-error").textContent = error ? error.message : "";
}

function running() { return panels.filter((p) => !p.ended && p.id !== undefined); }

function updateButtons() {
  const live = running();
  const paused = live.length > 0 && live.every((p) => p.currentState === "paused");
  document.getElementById("pause").disabled = live.length === 0;
  document.getElementById("pause").textContent = paused ? "Resume" : "Pause";
  document.getElementById("step").disabled = live.length === 0;
  document.getElementById("stop").disabled = live.length === 0;
}

// How long reset waits for stopped runs to end before it goes on regardless (a run's last
// step can take a while on a slow machine; the server then answers with its own error).
const STOP_WAIT_MS = 60000;

async function reset() {
  // Off the page at once, so that nothing shown belongs to the runs being stopped.
  const old = panels.splice(0);
  for (const p of old) p.node.remove();
  document.body.classList.remove("compare");
  showError(null);
  updateButtons();
  const live = old.filter((p) => !p.ended && p.id !== undefined);
  await Promise.all(live.map((p) => p.command("stop")));
  const patience = new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS));
  await Promise.race([Promise.all(live.map((p) => p.finished)), patience]);
  for (const p of old) if (p.source) p.source.close();
}

// The options of the last run started alone: what "Compare with the last run" puts beside
// the form's current settings.
let lastRun = null;

// Starts one run per [title, options] pair, side by side when there are two.
// A click while an earlier click still waits for its runs to stop wins: the earlier one
// starts nothing.
let startsRequested = 0;

async function start(runs) {
  const mine = ++startsRequested;
  await reset();
  if (mine !== startsRequested) return;
  if (runs.length === 1) lastRun = runs[0];
  document.getElementById("compare").disabled = lastRun === null;
  document.body.classList.toggle("compare", runs.length > 1);
  try {
    for (const [title, options] of runs) {
      const panel = new Panel(title, options);
      panels.push(panel);
      panel.attach(await postRun(options));
    }
  } catch (error) {
    showError(error);
  }
  updateButtons();
}

function describe(o) {
  return `${o.data} · ${o.hidden} ${o.activation} · ${o.loss} · init ${o.init} · lr ${o.lr}`;
}

function wire() {
  document.getElementById("run-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const options = formOptions();
    start([[describe(options), options]]);
  });
  document.getElementById("pause").addEventListener("click", () => {
    const paused = running().every((p) => p.currentState === "paused");
    running().forEach((p) => p.command(paused ? "resume" : "pause"));
  });
  document.getElementById("step").addEventListener("click", () => {
    running().forEach((p) => p.command("step", `?steps=${p.stepsPerEpoch}`));
  });
  document.getElementById("stop").addEventListener("click", () => running().forEach((p) => p.command("stop")));
  document.getElementById("reset").addEventListener("click", reset);
  document.getElementById("compare").addEventListener("click", () => {
    const options = formOptions();
    start([lastRun, [describe(options), options]]);
  });
  document.getElementById("story").addEventListener("click", () => {
    fillForm(STORY);
    const he = { ...STORY, init: "he_normal" };
    start([["uniform[-1,1]: the story's network", STORY], ["he_normal: the same with He's init", he]]);
  });
  document.getElementById("story-one").addEventListener("click", () => {
    fillForm(STORY);
    start([["uniform[-1,1]: the story's network", STORY]]);
  });
}

// --watch DIR: the sweep's runs as they finish, as a map over the first two options that
// vary (the others, seeds included, share a cell: its colour is the most common verdict).
function watchSweep(dir) {
  const section = document.getElementById("sweep");
  section.hidden = false;
  section.querySelector(".title").textContent = `sweep ${dir}`;
  const rows = [];
  const source = new EventSource("/api/sweep/events");
  source.addEventListener("run", (e) => { rows.push(JSON.parse(e.data)); drawMap(section, rows); });
  source.addEventListener("end", () => source.close());
}

function drawMap(section, rows) {
  const names = Object.keys(rows[0].options).filter((name) =>
    name !== "seed" && new Set(rows.map((r) => JSON.stringify(r.options[name]))).size > 1);
  const [xName, yName] = [names[0], names[1]];
  const values = (name) => (name ? [...new Set(rows.map((r) => JSON.stringify(r.options[name])))] : ['"–"']);
  const xs = values(xName), ys = values(yName);
  const key = (name, r) => (name ? JSON.stringify(r.options[name]) : '"–"');
  const table = section.querySelector(".map");
  const head = `<tr><th>${yName || ""} \\ ${xName || ""}</th>${xs.map((x) => `<th>${axisLabel(x)}</th>`).join("")}</tr>`;
  const body = ys.map((y) => `<tr><th>${axisLabel(y)}</th>${xs.map((x) => {
    const cell = rows.filter((r) => key(xName, r) === x && key(yName, r) === y);
    const counts = {};
    cell.forEach((r) => { counts[r.verdict] = (counts[r.verdict] || 0) + 1; });
    const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
    return top ? `<td class="${top[0]}">${top[0]} ${top[1]}/${cell.length}</td>` : "<td></td>";
  }).join("")}</tr>`).join("");
  table.innerHTML = head + body;
  section.querySelector(".progress").textContent = `${rows.length} runs finished`;
}

// A value of the map's axis as written in the options: strings without their quotes.
function axisLabel(key) {
  const value = JSON.parse(key);
  return escapeHtml(typeof value === "string" ? value : key);
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

async function main() {
  if (location.search.includes("token=")) history.replaceState(null, "", location.pathname);
  wire();
  try {
    const tables = await api("/api/options");
    const form = document.getElementById("run-form");
    for (const row of tables.run.concat(tables.watch)) {
      if (form.elements[row.name]) form.elements[row.name].title = row.help;
    }
    if (tables.sweep) watchSweep(tables.sweep);
  } catch (error) {
    document.getElementById("login").hidden = false;
  }
  const frame = () => {
    panels.forEach((p) => p.draw());
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

main();
