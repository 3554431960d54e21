// mlpscope's report page: reads the JSON that the C++ side embedded in
// <script id="report-data">, builds the HTML sections and draws every figure with ECharts
// (inlined before this script). Kinds: "run" (a training run), "sweep" (a convergence map)
// and "toy" (1-D gradient descent). docs/report.md says what each figure shows.
//
// Contract with the C++ side and the tests: when drawing ends, <body> carries
//   data-report-status  "ok" or "error"
//   data-report-figures a JSON object {figure name: drawn elements}, elements counted from
//                       ECharts' display list (lines, points, cells, labels)
//   data-report-errors  the script errors, one per line (absent when none)
// Opened with #figure=NAME, the page shows that figure alone, filling the window: that is
// how the PNG files are taken (src/report/png.cpp).
(function () {
  'use strict';
  const body = document.body;
  const errors = [];
  function recordError(message) {
    errors.push(String(message));
    body.setAttribute('data-report-errors', errors.join('\n'));
    body.setAttribute('data-report-status', 'error');
  }
  window.addEventListener('error', (e) => recordError(e.message || 'script error'));

  const VERDICT_COLORS = {
    converged: '#2e9d5b', slow: '#a3c24a', stalled: '#e69f00', oscillating: '#8e6bbf',
    diverged: '#d1495b', failed: '#7b8794'
  };
  const VERDICT_ORDER = ['converged', 'slow', 'stalled', 'oscillating', 'diverged'];
  // Okabe-Ito, distinguishable by colour-blind readers; one colour per layer or class.
  const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
  const CLASS_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#8e6bbf', '#7b8794'];

  // ---------- small helpers ----------
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') node.textContent = v; else node.setAttribute(k, v);
    }
    for (const c of children || []) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    return node;
  }
  function fmt(v, digits) {
    if (v === null || v === undefined) return '–';
    if (typeof v !== 'number') return String(v);
    if (!isFinite(v)) return String(v);
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) return Number(v.toPrecision(digits || 3)).toExponential();
    return String(Number(v.toPrecision(digits || 3)));
  }
  function pct(v) { return v === null || v === undefined ? '–' : (100 * v).toFixed(1) + '%'; }
  const finitePositive = (v) => typeof v === 'number' && isFinite(v) && v > 0;
  // A log axis where the values span more than a decade and are all positive.
  function wantsLog(arrays) {
    let lo = Infinity, hi = 0, any = false;
    for (const a of arrays) for (const v of a || []) {
      if (v === null || v === undefined) continue;
      if (!finitePositive(v)) return false;
      any = true; lo = Math.min(lo, v); hi = Math.max(hi, v);
    }
    return any && hi / lo > 10;
  }
  const allNull = (a) => !a || a.every((v) => v === null || v === undefined);
  const zip = (xs, ys) => xs.map((x, i) => [x, ys[i] === undefined ? null : ys[i]]);

  function baseOption(title, subtitle) {
    return {
      animation: false,
      title: { text: title, subtext: subtitle || '', left: 12, top: 6,
               textStyle: { fontSize: 15, fontWeight: 600, color: '#1f2933' },
               subtextStyle: { color: '#52606d', fontSize: 12 } },
      grid: { left: 72, right: 28, top: subtitle ? 62 : 48, bottom: 84, containLabel: false },
      tooltip: { trigger: 'axis', confine: true, valueFormatter: (v) => fmt(v, 4) },
      legend: { type: 'scroll', bottom: 6, left: 'center', textStyle: { color: '#1f2933' }, itemWidth: 22, itemHeight: 10 },
      textStyle: { fontFamily: '-apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif' }
    };
  }
  function valueAxis(name, log, extra) {
    return Object.assign({
      type: log ? 'log' : 'value', name: name, nameLocation: 'middle', nameGap: 50,
      nameTextStyle: { color: '#52606d' }, scale: !log,
      axisLabel: { formatter: (v) => fmt(v, 3) },
      splitLine: { lineStyle: { color: '#e4e7eb' } }
    }, extra || {});
  }
  function xAxisOf(name, extra) {
    return Object.assign(valueAxis(name, false, { nameGap: 30, scale: false }), { min: 'dataMin', max: 'dataMax' }, extra || {});
  }
  function line(name, data, color, extra) {
    return Object.assign({
      type: 'line', name: name, data: data, showSymbol: data.length <= 40, symbolSize: 5,
      lineStyle: { width: 2, color: color }, itemStyle: { color: color }, connectNulls: false
    }, extra || {});
  }

  // ---------- figures ----------
  const figures = [];  // {name, title, caption, wide, tall, option: () => echarts option}
  function figure(name, caption, option, classes) { figures.push({ name, caption, option, classes: classes || '' }); }

  function verdictBox(v, extraLines) {
    const color = VERDICT_COLORS[v.verdict] || '#888';
    const box = el('div', { class: 'verdict', style: 'border-left-color:' + color }, [
      el('div', { class: 'label', style: 'color:' + color, text: v.verdict + (v.cause ? ': ' + v.cause : '') })
    ]);
    if (v.explanation) box.appendChild(el('p', { text: v.explanation }));
    for (const line of extraLines || []) box.appendChild(el('p', { text: line }));
    const items = [];
    for (const s of v.suggestions || []) items.push(el('li', {}, ['try ', el('code', { text: s })]));
    for (const c of v.checks || []) items.push(el('li', { text: 'check: ' + c }));
    if (items.length) box.appendChild(el('ul', {}, items));
    return box;
  }
  function numbers(pairs) {
    return el('div', { class: 'numbers' }, pairs.filter((p) => p[1] !== undefined).map(([name, value]) =>
      el('div', { class: 'number' }, [el('div', { class: 'value', text: value }), el('div', { class: 'name', text: name })])));
  }
  function table(columns, rows) {
    const head = el('tr', {}, columns.map((c) => el('th', { text: c })));
    const trs = rows.map((r) => el('tr', {}, r.map((v) => el('td', typeof v === 'number' ? { class: 'num', text: fmt(v, 4) } : { text: v === null ? '–' : String(v) }))));
    return el('div', { class: 'table-wrap' }, [el('table', {}, [el('thead', {}, [head]), el('tbody', {}, trs)])]);
  }

  // ----- a run -----
  function runReport(d, root) {
    const s = d.summary || {};
    root.appendChild(el('h1', { text: d.title }));
    root.appendChild(el('p', { class: 'subtitle', text: d.subtitle || '' }));
    if (d.verdict) root.appendChild(verdictBox(d.verdict));
    root.appendChild(numbers([
      ['initial loss', fmt(s.initial_loss, 4)], ['final loss', fmt(s.final_loss, 4)], ['best loss', fmt(s.best_loss, 4)],
      ['train accuracy', pct(s.train_accuracy)], ['test accuracy', pct(s.test_accuracy)], ['epochs', fmt(s.epochs)],
      ['diverged at step', s.diverged_at_step === null || s.diverged_at_step === undefined ? '–' : String(s.diverged_at_step)]
    ]));
    const x = d.x, xl = d.x_label;
    const sr = d.series;
    figure('loss', 'Loss over the whole training set (and the test set) after each ' + xl + '. The axis is logarithmic when the loss spans more than a decade.', () => {
      const log = wantsLog([sr.loss, sr.test_loss]);
      const o = baseOption('Loss', log ? 'log scale' : '');
      o.xAxis = xAxisOf(xl); o.yAxis = valueAxis('loss', log);
      o.series = [line('train', zip(x, sr.loss), PALETTE[0])];
      if (!allNull(sr.test_loss)) o.series.push(line('test', zip(x, sr.test_loss), PALETTE[1], { lineStyle: { width: 2, type: 'dashed', color: PALETTE[1] } }));
      return o;
    });
    figure('accuracy', 'Classification accuracy on the training set (and the test set).', () => {
      const o = baseOption('Accuracy');
      o.xAxis = xAxisOf(xl);
      o.yAxis = valueAxis('accuracy', false, { min: 0, max: 1, scale: false, axisLabel: { formatter: (v) => Math.round(100 * v) + '%' } });
      o.tooltip.valueFormatter = pct;
      o.series = [line('train', zip(x, sr.accuracy), PALETTE[0])];
      if (!allNull(sr.test_accuracy)) o.series.push(line('test', zip(x, sr.test_accuracy), PALETTE[1], { lineStyle: { width: 2, type: 'dashed', color: PALETTE[1] } }));
      return o;
    });
    const layers = d.layers || [];
    const layerFigure = (name, field, title, caption, opts) => {
      const present = layers.filter((l) => !allNull(l[field]));
      if (!present.length) return;
      figure(name, caption, () => {
        const log = (opts || {}).log !== false && wantsLog(present.map((l) => l[field]));
        const o = baseOption(title, log ? 'per layer, log scale' : 'per layer');
        o.xAxis = xAxisOf(xl);
        o.yAxis = valueAxis((opts || {}).axis || field, log, (opts || {}).yAxis);
        if ((opts || {}).percent) o.tooltip.valueFormatter = pct;
        o.series = present.map((l) => line(l.name, zip(x, l[field]), PALETTE[layers.indexOf(l) % PALETTE.length]));
        return o;
      });
    };
    layerFigure('preact-std', 'preact_std', 'Pre-activation std', 'Standard deviation of each layer\'s pre-activations z = Wx + b on the probe set. Variance-preserving inits (He for ReLU) keep it near 1; a value that grows layer after layer is what saturates the output.', { axis: 'std of z' });
    const pctAxis = { min: 0, max: 1, scale: false, axisLabel: { formatter: (v) => Math.round(100 * v) + '%' } };
    layerFigure('dead', 'dead_fraction', 'Dead ReLU units', 'Share of each ReLU layer\'s units that output 0 on every probe sample: they pass no gradient and never recover.', { axis: 'dead units', log: false, percent: true, yAxis: pctAxis });
    layerFigure('saturated', 'saturated_fraction', 'Saturated units', 'Share of each sigmoid or tanh layer\'s units whose derivative is below 1% of its maximum on 99% of probe samples.', { axis: 'saturated units', log: false, percent: true, yAxis: pctAxis });
    layerFigure('grad-norm', 'grad_norm', 'Gradient norm', 'Norm of the gradient of the mean probe-set loss with respect to each layer\'s (W, b).', { axis: '‖∇(W,b)‖' });
    layerFigure('weight-norm', 'weight_norm', 'Weight norm', 'Frobenius norm of each layer\'s W.', { axis: '‖W‖' });
    layerFigure('update-ratio', 'update_ratio', 'Update-to-weight ratio', '‖Δ(W, b)‖ / ‖(W, b)‖ of the last step before each record: around 1e-3 is the usual healthy range; 1e-1 and above rewrites the weights every step.', { axis: '‖Δ‖/‖W‖' });
    if (d.sharpness && d.sharpness.values.length) {
      const sh = d.sharpness;
      figure('sharpness', 'λmax, the top eigenvalue of the loss Hessian on the probe set, where measured. Gradient descent is stable only while λmax < 2/lr (the dashed line): above it, the step overshoots along the sharpest direction.' + (sh.note ? ' ' + sh.note : ''), () => {
        const all = sh.values.concat([sh.threshold]);
        const log = wantsLog([all]);
        const o = baseOption('Sharpness against 2/lr', 'λmax = ' + fmt(sh.values[0], 3) + ' at initialization, 2/lr = ' + fmt(sh.threshold, 3));
        o.xAxis = xAxisOf(xl, sh.x.length === 1 ? { min: 0, max: Math.max(1, x[x.length - 1]) } : {});
        o.yAxis = valueAxis('λmax', log);
        o.series = [line('λmax', zip(sh.x, sh.values), PALETTE[5], { showSymbol: true, symbolSize: 8 }),
          { type: 'line', name: '2/lr', data: [[Math.min(0, x[0]), sh.threshold], [Math.max(1, x[x.length - 1]), sh.threshold]],
            showSymbol: false, lineStyle: { type: 'dashed', width: 2, color: '#52606d' }, itemStyle: { color: '#52606d' },
            endLabel: { show: true, formatter: '2/lr', color: '#52606d' } }];
        o.grid.right = 56;
        return o;
      });
    }
    if (d.boundary) decisionBoundary(d.boundary);
    renderFigures(root);
    root.appendChild(el('h2', { text: 'Options of the run' }));
    const opts = d.options || {};
    root.appendChild(table(['option', 'value'], Object.keys(opts).map((k) => [k, typeof opts[k] === 'object' ? JSON.stringify(opts[k]) : opts[k]])));
  }

  // The trained model on a grid over the data's range, with the data points: the colour is
  // the probability of class 1 (two classes) or the predicted class, paler where unsure.
  function decisionBoundary(b) {
    figure('decision-boundary', 'The trained network evaluated on a ' + b.nx + '×' + b.ny + ' grid over the data\'s range (colour: ' + (b.classes === 2 ? 'the probability of class 1' : 'the predicted class, paler where the top probability is lower') + '), with ' + b.points.x.length + ' training points.', () => {
      const o = baseOption('Decision boundary', b.data || '');
      const dx = (b.x_max - b.x_min) / b.nx, dy = (b.y_max - b.y_min) / b.ny;
      const cells = [];
      for (let j = 0; j < b.ny; ++j) for (let i = 0; i < b.nx; ++i) cells.push([i, j, b.values[j * b.nx + i], b.confidence[j * b.nx + i]]);
      const rgb = (hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
      const mix = (c, w) => 'rgb(' + rgb(c).map((v) => Math.round(255 + (v - 255) * w)).join(',') + ')';
      const cellColor = (v, conf) => {
        if (b.classes === 2) return v >= 0.5 ? mix(CLASS_COLORS[1], 0.75 * (2 * v - 1)) : mix(CLASS_COLORS[0], 0.75 * (1 - 2 * v));
        const k = b.classes > 1 ? (conf - 1 / b.classes) / (1 - 1 / b.classes) : 1;
        return mix(CLASS_COLORS[v % CLASS_COLORS.length], 0.15 + 0.5 * Math.max(0, Math.min(1, k)));
      };
      o.grid = { left: 64, right: 28, top: 48, bottom: 84 };
      o.xAxis = valueAxis('x₁', false, { min: b.x_min, max: b.x_max, scale: false, nameGap: 30 });
      o.yAxis = valueAxis('x₂', false, { min: b.y_min, max: b.y_max, scale: false, nameGap: 44 });
      o.tooltip = { trigger: 'item', confine: true };
      o.series = [{
        type: 'custom', name: 'model', silent: true, data: cells, clip: true, progressive: 0,
        renderItem: (params, api) => {
          const i = api.value(0), j = api.value(1);
          const p0 = api.coord([b.x_min + i * dx, b.y_min + j * dy]);
          const p1 = api.coord([b.x_min + (i + 1) * dx, b.y_min + (j + 1) * dy]);
          return { type: 'rect', shape: { x: p0[0], y: p1[1], width: p1[0] - p0[0] + 0.6, height: p0[1] - p1[1] + 0.6 },
                   style: { fill: cellColor(api.value(2), api.value(3)) } };
        }
      }];
      for (let k = 0; k < b.classes; ++k) {
        const pts = [];
        for (let n = 0; n < b.points.x.length; ++n) if (b.points.label[n] === k) pts.push([b.points.x[n], b.points.y[n]]);
        o.series.push({ type: 'scatter', name: 'class ' + k, data: pts, symbolSize: 7,
                        itemStyle: { color: CLASS_COLORS[k % CLASS_COLORS.length], borderColor: '#fff', borderWidth: 1 },
                        tooltip: { formatter: (p) => p.seriesName + ': (' + fmt(p.value[0]) + ', ' + fmt(p.value[1]) + ')' } });
      }
      return o;
    }, 'tall');
  }

  // ----- a sweep -----
  function numericAxis(values) {
    const xs = values.map(Number);
    if (!xs.every((v) => isFinite(v))) return null;
    const log = xs.every((v) => v > 0) && Math.max(...xs) / Math.min(...xs) >= 10;
    return { log: log, xs: xs };
  }
  // Cell edges along one axis: midpoints between neighbours (geometric on a log axis),
  // half a step beyond the ends; a categorical axis puts value i at i.
  function axisLayout(values) {
    const n = numericAxis(values);
    if (!n || values.length < 2) return { kind: 'category', pos: values.map((_, i) => i), lo: values.map((_, i) => i - 0.5), hi: values.map((_, i) => i + 0.5) };
    const order = n.xs.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
    const t = (v) => (n.log ? Math.log(v) : v), u = (v) => (n.log ? Math.exp(v) : v);
    const lo = new Array(values.length), hi = new Array(values.length);
    order.forEach(([v, i], k) => {
      const prev = k > 0 ? t(order[k - 1][0]) : 2 * t(v) - t(order[k + 1][0]);
      const next = k + 1 < order.length ? t(order[k + 1][0]) : 2 * t(v) - t(order[k - 1][0]);
      lo[i] = u((prev + t(v)) / 2); hi[i] = u((t(v) + next) / 2);
    });
    return { kind: n.log ? 'log' : 'value', pos: n.xs, lo: lo, hi: hi };
  }
  // Ticks and labels at the grid's own values, written as they were given to --vary.
  function sweepAxis(name, values, layout, gap) {
    const label = new Map(layout.pos.map((p, i) => [p, values[i]]));
    return valueAxis(name, layout.kind === 'log', { nameGap: gap, scale: false,
      min: Math.min(...layout.lo), max: Math.max(...layout.hi), splitLine: { show: false },
      axisLine: { onZero: false }, axisTick: { customValues: layout.pos },
      axisLabel: { customValues: layout.pos, formatter: (v) => (label.has(v) ? label.get(v) : fmt(v, 3)) } });
  }
  function majority(cell) {
    let best = null, count = 0;
    for (const v of VERDICT_ORDER.concat(Object.keys(cell.verdicts))) if ((cell.verdicts[v] || 0) > count) { best = v; count = cell.verdicts[v]; }
    return [best, count];
  }
  function sweepReport(d, root) {
    root.appendChild(el('h1', { text: d.title }));
    root.appendChild(el('p', { class: 'subtitle', text: d.subtitle || '' }));
    root.appendChild(numbers(Object.entries(d.counts).map(([v, n]) => [v, String(n)])));
    const rows = d.row_values.length ? d.row_values : [''], cols = d.col_values.length ? d.col_values : [''];
    const rowLayout = axisLayout(rows), colLayout = axisLayout(cols);
    d.facets.forEach((facet, f) => {
      const name = d.facets.length > 1 ? 'map-' + (f + 1) : 'map';
      figure(name, 'Each cell is one grid point: its colour the verdict most of its seeds reached (paler when fewer agree), its label the share of seeds and the median final loss. The dashed line is the largest stable learning rate 2/λmax predicted from the sharpness at initialization.' , () => {
        const o = baseOption('Convergence map' + (facet.label ? ': ' + facet.label : ''), d.row_axis + ' × ' + d.col_axis);
        o.grid = { left: 110, right: 36, top: 62, bottom: 92 };
        o.xAxis = sweepAxis(d.col_axis, cols, colLayout, 32);
        o.yAxis = sweepAxis(d.row_axis, rows, rowLayout, 86);
        o.tooltip = { trigger: 'item', confine: true };
        o.legend = { bottom: 6, left: 'center', data: VERDICT_ORDER.filter((v) => d.counts[v]).concat(['2/λmax']) };
        const cells = [];
        facet.cells.forEach((rowCells, r) => rowCells.forEach((cell, c) => {
          const [verdict, count] = majority(cell);
          cells.push({ value: [c, r], cell: cell, verdict: verdict, share: cell.runs ? count / cell.runs : 0 });
        }));
        const byVerdict = {};
        for (const c of cells) (byVerdict[c.verdict || 'missing'] = byVerdict[c.verdict || 'missing'] || []).push(c);
        o.series = Object.entries(byVerdict).map(([verdict, list]) => ({
          type: 'custom', name: verdict, data: list.map((c) => c.value), clip: true, progressive: 0,
          itemStyle: { color: VERDICT_COLORS[verdict] || '#cbd2d9' },
          tooltip: { formatter: (p) => {
            const c = list[p.dataIndex], cell = c.cell;
            const parts = Object.entries(cell.verdicts).map(([v, n]) => v + ' ' + n);
            return d.row_axis + ' = ' + rows[c.value[1]] + '<br>' + d.col_axis + ' = ' + cols[c.value[0]] + '<br>' + parts.join(', ') +
              ' of ' + cell.runs + ' run' + (cell.runs === 1 ? '' : 's') + (cell.expected > cell.runs ? ' (' + cell.expected + ' in the grid)' : '') +
              '<br>median final loss ' + fmt(cell.median_final_loss, 4);
          } },
          renderItem: (params, api) => {
            const c = list[params.dataIndex];
            const col = c.value[0], row = c.value[1];
            const p0 = api.coord([colLayout.lo[col], rowLayout.lo[row]]), p1 = api.coord([colLayout.hi[col], rowLayout.hi[row]]);
            const x = Math.min(p0[0], p1[0]), y = Math.min(p0[1], p1[1]);
            const w = Math.abs(p1[0] - p0[0]), h = Math.abs(p1[1] - p0[1]);
            const fill = VERDICT_COLORS[verdict] || '#cbd2d9';
            const label = c.cell.runs ? (Math.round(100 * c.share) + '% ' + verdict + '\nloss ' + fmt(c.cell.median_final_loss, 3)) : 'no runs';
            const size = Math.max(9, Math.min(13, w / 9, h / 3.2));
            return { type: 'group', children: [
              { type: 'rect', shape: { x: x + 1, y: y + 1, width: w - 2, height: h - 2, r: 3 },
                style: { fill: fill, opacity: 0.35 + 0.65 * c.share } },
              { type: 'text', style: { x: x + w / 2, y: y + h / 2, text: label, align: 'center', verticalAlign: 'middle',
                fill: '#fff', fontSize: size, lineHeight: 1.35 * size, fontWeight: 600, textShadowColor: 'rgba(0,0,0,.45)', textShadowBlur: 2 } }
            ] };
          }
        }));
        const line = [];
        if (facet.row_boundary.some((v) => v !== null)) facet.row_boundary.forEach((b, r) => { if (b !== null) line.push([b, rowLayout.lo[r]], [b, rowLayout.hi[r]]); else line.push([null, null]); });
        if (facet.col_boundary.some((v) => v !== null)) facet.col_boundary.forEach((b, c) => { if (b !== null) line.push([colLayout.lo[c], b], [colLayout.hi[c], b]); else line.push([null, null]); });
        if (line.length) o.series.push({ type: 'line', name: '2/λmax', data: line, showSymbol: false, connectNulls: false,
          lineStyle: { type: 'dashed', width: 3, color: '#1f2933' }, itemStyle: { color: '#1f2933' }, z: 10, tooltip: { show: false } });
        return o;
      }, 'wide tall');
    });
    if (d.curves.length) {
      figure('curves', 'Training loss per epoch of a few runs of each verdict (the runs of lowest, median and highest final loss among those of that verdict).', () => {
        const all = d.curves.map((c) => c.losses);
        const log = wantsLog(all);
        const o = baseOption('Loss curves by verdict', log ? 'log scale' : '');
        o.xAxis = xAxisOf('epoch'); o.yAxis = valueAxis('loss', log);
        o.legend = { bottom: 6, left: 'center', data: VERDICT_ORDER.filter((v) => d.curves.some((c) => c.verdict === v)) };
        o.tooltip = { trigger: 'item', confine: true, formatter: (p) => p.seriesName + '<br>' + d.curves[p.seriesIndex].label + '<br>epoch ' + p.value[0] + ': loss ' + fmt(p.value[1], 4) };
        o.series = d.curves.map((c) => line(c.verdict, c.losses.map((v, i) => [i, finitePositive(v) || !log ? v : null]), VERDICT_COLORS[c.verdict] || '#7b8794', { showSymbol: c.losses.length <= 30 }));
        return o;
      }, 'wide');
    }
    renderFigures(root);
    root.appendChild(el('h2', { text: 'Every run (' + d.table.rows.length + ')' }));
    root.appendChild(table(d.table.columns, d.table.rows));
  }

  // ----- one-dimensional gradient descent -----
  function toyReport(d, root) {
    root.appendChild(el('h1', { text: d.title }));
    root.appendChild(el('p', { class: 'subtitle', text: d.subtitle || '' }));
    if (d.note) root.appendChild(el('div', { class: 'verdict' }, [el('p', { text: d.note })]));
    const R = d.range;
    figure('cobweb', 'Cobweb plot: the curve is the map x → x − lr·f\'(x), the diagonal y = x. From each x0 the path goes up to the curve (the next iterate) and across to the diagonal, step after step. Starts inside ±boundary spiral into 0; starts beyond it overshoot further at every step.', () => {
      const o = baseOption('Gradient descent on f(x) = ' + d.f + ', lr = ' + fmt(d.lr, 4), d.update_rule);
      const edgeless = { showMinLabel: false, showMaxLabel: false, formatter: (v) => fmt(v, 3) };
      o.xAxis = valueAxis('xₖ', false, { min: -R, max: R, scale: false, nameGap: 30, axisLabel: edgeless });
      o.yAxis = valueAxis('xₖ₊₁', false, { min: -R, max: R, scale: false, axisLabel: edgeless });
      o.grid = { left: 72, right: 28, top: 62, bottom: 96 };
      o.tooltip = { trigger: 'item', confine: true };
      o.series = [
        line('x − lr·f\'(x)', zip(d.map.x, d.map.y), '#1f2933', { showSymbol: false, lineStyle: { width: 2.5, color: '#1f2933' }, clip: true, tooltip: { show: false } }),
        line('y = x', [[-R, -R], [R, R]], '#9aa5b1', { showSymbol: false, lineStyle: { width: 1.5, type: 'dashed', color: '#9aa5b1' }, tooltip: { show: false } })
      ];
      if (d.boundary) for (const b of [-d.boundary, d.boundary])
        o.series.push({ type: 'line', name: 'boundary', data: [[b, -R], [b, R]], showSymbol: false, silent: true,
          lineStyle: { type: 'dotted', width: 1.5, color: '#d1495b' }, itemStyle: { color: '#d1495b' } });
      d.runs.forEach((r, k) => {
        const path = [[r.iterates[0], 0]];
        for (let i = 0; i + 1 < r.iterates.length; ++i) path.push([r.iterates[i], r.iterates[i + 1]], [r.iterates[i + 1], r.iterates[i + 1]]);
        o.series.push(line(r.label, path, PALETTE[k % PALETTE.length], { showSymbol: false, clip: true, lineStyle: { width: 1.6, color: PALETTE[k % PALETTE.length] },
          tooltip: { formatter: () => r.label + ': ' + r.verdict } }));
      });
      return o;
    }, 'tall');
    figure('iterates', '|x_k| against the step k for the same starts, on a log scale: inside the boundary |x| shrinks, at it the iterates flip between ±x0, beyond it they grow until they overflow.', () => {
      const o = baseOption('|xₖ| by step', 'log scale');
      o.xAxis = xAxisOf('step k'); o.yAxis = valueAxis('|xₖ|', true);
      o.series = d.runs.map((r, k) => line(r.label, r.magnitudes.map((v, i) => [i, v > 0 ? v : null]), PALETTE[k % PALETTE.length], { showSymbol: false }));
      return o;
    });
    renderFigures(root);
  }

  // mlpscope lr-find --report: the range test's curve against a log lr, with the lrs it marks
  // as vertical lines (src/report/lr_find_report.h).
  const MARK_COLORS = { bound: '#3e7cb1', suggestion: '#2e933c', minimum: '#7b5ea7', diverged: '#d1495b' };
  function lrFindReport(d, root) {
    root.appendChild(el('h1', { text: d.title }));
    root.appendChild(el('p', { class: 'subtitle', text: d.subtitle || '' }));
    if (d.note) root.appendChild(el('div', { class: 'verdict' }, [el('p', { text: d.note })]));
    figure('lr-curve', 'The training loss at each step of the test (thin) and its exponentially smoothed value (thick) against the learning rate, which grows geometrically from step to step. The suggestion is where the smoothed loss falls fastest; 2/λ0 is the largest stable learning rate of plain gradient descent predicted from the curvature at initialization; past the point where the loss blew up, training diverges.', () => {
      const o = baseOption('Loss against the learning rate', 'log scale in lr');
      const finite = d.loss.concat(d.smoothed).filter((v) => typeof v === 'number' && isFinite(v));
      const lo = Math.min(0, ...finite), hi = niceCeil(d.loss_max !== null ? d.loss_max : Math.max(...finite));
      o.xAxis = valueAxis('learning rate', true, { nameGap: 30, min: d.lr[0], max: d.lr[d.lr.length - 1] });
      o.yAxis = valueAxis('training loss', false, { min: lo, max: hi, scale: false });
      o.tooltip = { trigger: 'axis', confine: true, valueFormatter: (v) => fmt(v, 4) };
      o.series = [
        line('loss', zip(d.lr, d.loss), '#9aa5b1', { showSymbol: false, lineStyle: { width: 1, color: '#9aa5b1' } }),
        line('smoothed loss', zip(d.lr, d.smoothed), '#1f2933', { showSymbol: false, lineStyle: { width: 2.5, color: '#1f2933' } })
      ];
      for (const m of d.marks) {
        const color = MARK_COLORS[m.role] || '#52606d';
        o.series.push({ type: 'line', name: m.name + ' ' + fmt(m.lr, 3), data: [[m.lr, lo], [m.lr, hi]], showSymbol: false, silent: true,
          lineStyle: { type: m.role === 'bound' ? 'dashed' : 'solid', width: 1.5, color: color }, itemStyle: { color: color } });
      }
      o.legend.type = 'plain';
      return o;
    }, 'wide tall');
    renderFigures(root);
  }
  // The round number at or above v (2.61 → 3, 9.39 → 10) for an axis's end.
  function niceCeil(v) {
    if (!(v > 0) || !isFinite(v)) return v;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
    return 10 * p;
  }

  // ---------- drawing ----------
  const drawn = {};
  function countDrawn(chart) {
    // Every displayable ECharts drew: lines, symbols, rects, labels.
    const storage = chart.getZr().storage;
    return storage.getDisplayList(true).length;
  }
  function renderFigures(root) {
    const only = (location.hash.match(/figure=([\w-]+)/) || [])[1];
    if (only) body.classList.add('single');
    const box = el('div', { class: 'figures' });
    root.appendChild(box);
    const pending = figures.splice(0, figures.length);
    for (const f of pending) {
      if (only && f.name !== only) continue;
      const chartDiv = el('div', { class: 'chart' });
      const card = el('div', { class: 'figure ' + f.classes + (only ? ' shown' : ''), id: 'figure-' + f.name, 'data-figure': f.name },
        [chartDiv, el('div', { class: 'caption', text: f.caption })]);
      box.appendChild(card);
      try {
        const chart = echarts.init(chartDiv, null, { renderer: 'canvas' });
        chart.setOption(f.option());
        drawn[f.name] = countDrawn(chart);
        window.addEventListener('resize', () => chart.resize());
      } catch (e) {
        recordError(f.name + ': ' + (e && e.stack ? e.stack.split('\n')[0] : e));
      }
    }
    body.setAttribute('data-report-figures', JSON.stringify(drawn));
  }

  try {
    const data = JSON.parse(document.getElementById('report-data').textContent);
    const root = document.getElementById('report');
    if (data.kind === 'run') runReport(data, root);
    else if (data.kind === 'sweep') sweepReport(data, root);
    else if (data.kind === 'toy') toyReport(data, root);
    else if (data.kind === 'lr_find') lrFindReport(data, root);
    else throw new Error('unknown report kind ' + data.kind);
    root.appendChild(el('p', { class: 'footer', text: 'mlpscope ' + (data.version || '') + ' · charts by Apache ECharts ' + (window.echarts ? echarts.version : '') }));
    if (!errors.length) body.setAttribute('data-report-status', 'ok');
  } catch (e) {
    recordError(e && e.stack ? e.stack.split('\n')[0] : e);
  }
})();
