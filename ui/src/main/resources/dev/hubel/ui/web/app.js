'use strict';
// Hubel's dashboard: one EventSource brings the whole state, then updates; nothing is polled.
// window.hubel holds what the page knows (the browser tests read it).

const S = { run: null, status: null, points: [], epochs: [], lastStep: -1, inspection: null, prediction: null, charts: {} };
window.hubel = S;
const $ = id => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

const pct = v => v == null ? '–' : (100 * v).toFixed(v >= 0.9995 ? 1 : 2) + '%';
const num = v => v == null ? '–' : Math.round(v).toLocaleString('en');

function duration(s) {
  if (s == null) return '–';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m ${String(r).padStart(2, '0')}s` : `${r}s`;
}

// ---- live updates ----

function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('state', e => applyState(JSON.parse(e.data)));
  events.addEventListener('progress', e => { const d = JSON.parse(e.data); addPoint(d.point); setStatus(d.status); });
  events.addEventListener('epoch', e => { const d = JSON.parse(e.data); addEpoch(d.epoch); setStatus(d.status); });
  events.addEventListener('status', e => setStatus(JSON.parse(e.data)));
  events.addEventListener('inspection', e => showInspection(JSON.parse(e.data)));
  events.addEventListener('confusion', e => showConfusion(JSON.parse(e.data)));
  events.onerror = () => { $('phase').textContent = 'reconnecting'; $('phase').className = 'phase'; };
}

function applyState(st) {
  S.run = st.run;
  S.points = [];
  S.lastStep = -1;
  for (const p of st.points) addPoint(p, true);
  S.epochs = st.epochs.slice();
  showRun(st.run, st.layers);
  setStatus(st.status);
  if (st.inspection) showInspection(st.inspection);
  if (st.confusion) showConfusion(st.confusion);
  redraw();
}

function addPoint(p, quiet) {
  if (p.step <= S.lastStep) return;  // sent twice around a resync
  S.lastStep = p.step;
  S.points.push(p);
  if (!quiet) redraw();
}

function addEpoch(e) {
  S.epochs = S.epochs.filter(o => o.epoch < e.epoch);
  S.epochs.push(e);
  redraw();
}

function setStatus(s) {
  S.status = s;
  const phase = $('phase');
  phase.textContent = s.phase;
  phase.className = 'phase ' + s.phase;
  $('epoch').textContent = s.epochs ? `${s.epoch}/${s.epochs}` : '–';
  $('batch').textContent = s.batches ? `${s.batch}/${s.batches}` : '–';
  $('step').textContent = s.step;
  $('speed').textContent = num(s.imagesPerSecond);
  $('left').textContent = duration(s.secondsLeft);
  $('lr').textContent = s.learningRate == null ? '–' : +s.learningRate.toPrecision(4);
  if (s.message) $('message').textContent = s.message;
  const live = s.phase === 'training' || s.phase === 'paused';
  $('pause').disabled = !live;
  $('pause').textContent = s.phase === 'paused' ? 'Resume' : 'Pause';
  $('lr-set').disabled = !live;
  $('save').disabled = !(live || s.phase === 'finished');
}

function showRun(run, layers) {
  if (!run) return;
  $('title').textContent = run.name;
  document.title = run.name + ' · Hubel';
  const bits = [run.model, run.input && `input ${run.input}`, run.dataset, run.classes && `${run.classes.length} classes`,
    run.batch && `batch ${run.batch}`];
  $('subtitle').textContent = bits.filter(Boolean).join(' · ');
  const body = $('layers').tBodies[0];
  body.replaceChildren(...layers.map(l => el('tr', {},
    el('td', { text: l.name }), el('td', { text: '[' + l.output + ']' }), el('td', { class: 'num', text: num(l.params) }),
    el('td', { text: l.formula }), el('td', { text: l.words }))));
  $('total').textContent = `Total params: ${num(run.parameters)}`;
}

// ---- curves ----

let drawPending = false;
function redraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => { drawPending = false; drawCharts(); });
}

// Training points and validation epochs merged on one x axis (epochs); gaps are spanned.
function series(trainKey, valKey) {
  const P = S.points.length ? S.points.map(p => ({ x: p.x, v: p[trainKey] }))
    : S.epochs.map(e => ({ x: e.epoch, v: e[trainKey] }));
  const E = S.epochs.filter(e => e[valKey] != null);
  const xs = [], tr = [], va = [];
  let i = 0, j = 0;
  while (i < P.length || j < E.length) {
    if (j >= E.length || (i < P.length && P[i].x <= E[j].epoch)) { xs.push(P[i].x); tr.push(P[i].v); va.push(null); i++; }
    else { xs.push(E[j].epoch); tr.push(null); va.push(E[j][valKey]); j++; }
  }
  return [xs, tr, va];
}

function chart(id, title, data, percent) {
  const box = $(id);
  const width = Math.max(260, box.clientWidth || 300);
  let u = S.charts[id];
  if (!u) {
    const fmt = percent ? (u, v) => v == null ? '–' : (100 * v).toFixed(1) + '%' : (u, v) => v == null ? '–' : v.toFixed(4);
    u = new uPlot({
      title, width, height: 220,
      scales: { x: { time: false } },
      axes: [{ label: 'epoch' }, { values: (u, ticks) => ticks.map(t => percent ? (100 * t).toFixed(0) + '%' : +t.toFixed(3)) }],
      series: [{ label: 'epoch', value: (u, v) => v == null ? '–' : v.toFixed(2) },
        { label: 'training', stroke: '#3366cc', spanGaps: true, value: fmt, points: { show: false } },
        { label: 'validation', stroke: '#dc6b1a', width: 2, spanGaps: true, value: fmt, points: { show: true, size: 6 } }],
    }, data, box);
    S.charts[id] = u;
  } else {
    u.setData(data);
  }
}

function drawCharts() {
  if (typeof uPlot === 'undefined') return;
  chart('loss-chart', 'loss', series('loss', 'valLoss'), false);
  chart('accuracy-chart', 'accuracy', series('accuracy', 'valAccuracy'), true);
}

window.addEventListener('resize', () => {
  for (const [id, u] of Object.entries(S.charts)) u.setSize({ width: Math.max(260, $(id).clientWidth), height: 220 });
});

// ---- inside the network ----

function picture(url, w, h, target) {
  const scale = Math.max(1, Math.min(8, Math.floor(target / Math.max(w, h))));
  const img = el('img', { class: 'map', src: url, alt: '' });
  img.style.width = (w * scale) + 'px';
  img.style.height = (h * scale) + 'px';
  return img;
}

function layerPictures(list) {
  return list.map(a => el('div', { class: 'layer' },
    el('div', { text: `${a.name} [${a.output}]` + (a.shown < a.total ? ` (${a.shown} of ${a.total})` : '') }),
    picture(a.image, a.width, a.height, 220)));
}

function guesses(top) {
  return el('ol', {}, ...top.map(g => el('li', { text: `${g.name} ${pct(g.p)}` })));
}

function showInspection(ins) {
  S.inspection = ins;
  if (ins.sample) {
    $('sample-label').textContent = `(${ins.source} example: ${ins.sample.labelName}; step ${ins.step})`;
    $('activations').replaceChildren(...layerPictures(ins.activations));
  }
  if (ins.filters) {
    $('filters-label').textContent = `(${ins.filters.layer}: ${ins.filters.shape}` +
      (ins.filters.shown < ins.filters.total ? `, first ${ins.filters.shown}` : '') + ')';
    $('filters').replaceChildren(picture(ins.filters.image, ins.filters.width, ins.filters.height, 320));
  } else {
    $('filters').replaceChildren(el('p', { class: 'note', text: 'This network has no 2-D filters to draw.' }));
  }
  if (ins.source) $('grid-source').textContent = `${ins.source} examples (step ${ins.step})`;
  $('grid').replaceChildren(...ins.grid.map(x => el('div', { class: 'card ' + (x.right ? 'right' : 'wrong') },
    el('span', { class: 'mark', text: x.right ? '✓' : '✗' }),
    x.image ? picture(x.image, 1, 1, 64) : null,
    el('div', { text: 'true: ' + x.labelName }),
    guesses(x.top))));
  for (const img of $('grid').querySelectorAll('img')) { img.style.width = '64px'; img.style.height = '64px'; }
}

function showConfusion(c) {
  const k = c.classes.length;
  $('confusion-label').textContent = `(${c.source}, ${num(c.count)} examples after epoch ${c.epoch}: accuracy ${pct(c.accuracy)}; rows true, columns predicted)`;
  if (k > 20) {
    $('confusion').replaceChildren(el('p', { class: 'note', text: `${k} classes: too many for a matrix on screen.` }));
    return;
  }
  const head = el('tr', {}, el('th', { text: '' }), ...c.classes.map((n, j) => el('th', { text: String(j), title: n })));
  const rows = c.matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return el('tr', {}, el('th', { text: `${i} ${c.classes[i]}` }), ...row.map((v, j) => {
      const td = el('td', { text: String(v), title: `true ${c.classes[i]}, predicted ${c.classes[j]}` });
      const a = v / total;
      td.style.background = i === j ? `rgba(58,154,82,${a})` : `rgba(200,66,59,${Math.min(1, 3 * a)})`;
      return td;
    }));
  });
  $('confusion').replaceChildren(el('table', {}, head, ...rows));
}

// ---- controls ----

async function post(path, body, type) {
  const init = { method: 'POST', body };
  if (type) init.headers = { 'Content-Type': type };
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}

// What a control did comes back as a status event, in order with the run's own updates; only a refusal is shown from here.
async function control(path, body, type) {
  try {
    await post(path, body, type);
  } catch (e) {
    $('message').textContent = e.message;
  }
}

$('pause').onclick = () => control(S.status && S.status.phase === 'paused' ? '/api/resume' : '/api/pause');
$('lr-set').onclick = () => {
  const v = Number($('lr-input').value);
  control('/api/learning-rate', JSON.stringify({ learningRate: v }), 'application/json');
};
$('save').onclick = () => control('/api/save');

// ---- try the model ----

const canvas = $('draw'), pen = canvas.getContext('2d');
function clearCanvas() { pen.fillStyle = '#000'; pen.fillRect(0, 0, canvas.width, canvas.height); }
clearCanvas();
let drawing = false, drawn = false;
canvas.addEventListener('pointerdown', e => { drawing = drawn = true; canvas.setPointerCapture(e.pointerId); stroke(e, true); });
canvas.addEventListener('pointermove', e => { if (drawing) stroke(e, false); });
canvas.addEventListener('pointerup', () => { drawing = false; predictDrawing(); });
function stroke(e, start) {
  const r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
  pen.strokeStyle = '#fff'; pen.lineWidth = 20; pen.lineCap = pen.lineJoin = 'round';
  if (start) { pen.beginPath(); pen.moveTo(x, y); }
  pen.lineTo(x, y); pen.stroke();
}
$('clear').onclick = () => { clearCanvas(); drawn = false; };
$('predict').onclick = () => predictDrawing();

// As MNIST was made: the drawing's bounding box scaled to fit 20/28 of the input and centred in it.
function predictDrawing() {
  if (!drawn) return;
  const input = (S.run && S.run.input || '28x28x1').split('x').map(Number);
  const h = input[0] || 28, w = input[1] || 28;
  const px = pen.getImageData(0, 0, canvas.width, canvas.height).data;
  let x0 = canvas.width, y0 = canvas.height, x1 = -1, y1 = -1;
  for (let y = 0; y < canvas.height; y++) for (let x = 0; x < canvas.width; x++) {
    if (px[(y * canvas.width + x) * 4] > 20) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  if (x1 < 0) return;
  const small = el('canvas', { width: w, height: h }), g = small.getContext('2d');
  g.fillStyle = '#000'; g.fillRect(0, 0, w, h);
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1, fit = Math.min(w, h) * 20 / 28 / Math.max(bw, bh);
  g.imageSmoothingEnabled = true;
  g.drawImage(canvas, x0, y0, bw, bh, (w - bw * fit) / 2, (h - bh * fit) / 2, bw * fit, bh * fit);
  small.toBlob(blob => predict(blob, 'image/png'), 'image/png');
}

async function predict(body, type) {
  $('prediction').replaceChildren(el('p', { id: 'try-message', class: 'note', text: 'predicting…' }));
  try {
    const p = await post('/api/predict', body, type || 'application/octet-stream');
    S.prediction = p;
    const rows = p.top.map(g => el('div', {}, el('div', { text: `${g.name} ${pct(g.p)}` }),
      Object.assign(el('div', { class: 'bar' }), { style: `width:${Math.max(1, 160 * g.p)}px` })));
    $('prediction').replaceChildren(
      el('p', { id: 'try-message', class: 'note', text: 'The model says:' }),
      el('div', { id: 'prediction-top', text: p.top[0].name, class: 'top' }),
      ...rows,
      p.input ? el('div', { class: 'note', text: 'what it saw:' }) : null,
      p.input ? picture(p.input, 1, 1, 1) : null);
    const seen = $('prediction').querySelector('img');
    if (seen) { seen.style.width = '84px'; seen.style.height = '84px'; }
    $('prediction-activations').replaceChildren(...layerPictures(p.activations));
  } catch (e) {
    S.prediction = { error: e.message };
    $('prediction').replaceChildren(el('p', { id: 'try-message', class: 'note error', text: e.message }));
  }
}

const drop = $('drop');
drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', e => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer.files[0];
  if (f) predict(f, f.type || 'application/octet-stream');
});
$('file').addEventListener('change', e => { const f = e.target.files[0]; if (f) predict(f, f.type || 'application/octet-stream'); });

connect();
