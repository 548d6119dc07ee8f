// The dashboard: plain browser JavaScript over the public API (no build step).
'use strict';

const api = async (path) => {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
};
const el = (tag, attrs = {}, text) => {
  const e = document.createElementNS(tag === 'svg' || ['line', 'polyline', 'text', 'g'].includes(tag) ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
};
const day = (iso) => Date.parse(`${iso}T00:00:00Z`);

// Two series on one time axis: cv (left axis) and subscriptions per 100 (right axis).
function drawChart(svg, cv, subs) {
  svg.replaceChildren();
  const W = 900, H = 320, L = 50, R = 50, T = 15, B = 30;
  if (!cv.length) {
    svg.append(el('text', { x: L, y: H / 2, class: 'tick' }, 'no dispersion to show: fewer than two cities observed on any date'));
    return;
  }
  const t0 = day(cv[0].date), t1 = day(cv[cv.length - 1].date);
  const x = (iso) => L + ((day(iso) - t0) / Math.max(1, t1 - t0)) * (W - L - R);
  const cvMax = Math.max(...cv.map((d) => d.cv)) * 1.1 || 1;
  const subsIn = subs.filter((s) => s.value !== null && day(s.date) >= t0 && day(s.date) <= t1);
  const subsMax = Math.max(1, ...subsIn.map((s) => s.value)) * 1.1;
  const yl = (v) => H - B - (v / cvMax) * (H - T - B);
  const yr = (v) => H - B - (v / subsMax) * (H - T - B);
  svg.append(el('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }));
  svg.append(el('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
  svg.append(el('line', { x1: W - R, y1: T, x2: W - R, y2: H - B, class: 'axis' }));
  for (let y = new Date(t0).getUTCFullYear() + 1; y <= new Date(t1).getUTCFullYear(); y++) {
    const xi = x(`${y}-01-01`);
    svg.append(el('text', { x: xi - 14, y: H - 10, class: 'tick' }, String(y)));
  }
  for (let i = 0; i <= 4; i++) {
    svg.append(el('text', { x: 4, y: yl((cvMax * i) / 4) + 4, class: 'tick' }, ((cvMax * i) / 4).toFixed(3)));
    svg.append(el('text', { x: W - R + 6, y: yr((subsMax * i) / 4) + 4, class: 'tick' }, ((subsMax * i) / 4).toFixed(0)));
  }
  svg.append(el('polyline', { class: 'cv', points: cv.map((d) => `${x(d.date).toFixed(1)},${yl(d.cv).toFixed(1)}`).join(' '), 'data-points': cv.length }));
  if (subsIn.length) svg.append(el('polyline', { class: 'subs', points: subsIn.map((s) => `${x(s.date).toFixed(1)},${yr(s.value).toFixed(1)}`).join(' '), 'data-points': subsIn.length }));
}

async function showCommodity(commodity) {
  const chart = document.getElementById('dispersion-chart');
  const summary = document.getElementById('summary');
  const caveats = document.getElementById('caveats');
  summary.replaceChildren(el('li', { class: 'loading' }, 'computing…'));
  const [dispersion, national] = await Promise.all([
    api(`/api/analysis/dispersion?commodity=${encodeURIComponent(commodity)}`),
    api('/api/coverage/national?from=2008-01-01&interval=month'),
  ]);
  drawChart(chart, dispersion.series, national.values);
  const report = await api(`/api/analysis/convergence?commodity=${encodeURIComponent(commodity)}`);
  summary.replaceChildren(...report.summary.map((s) => el('li', {}, s)));
  caveats.replaceChildren(...report.caveats.map((s) => el('li', {}, s)));
}

async function showSources() {
  const sources = await api('/api/sources');
  const body = document.querySelector('#sources tbody');
  body.replaceChildren(
    ...sources.map((s) => {
      const tr = el('tr', { 'data-source': s.id });
      tr.append(el('td', {}, s.name), el('td', { class: `status-${s.status}` }, s.status + (s.failingSince ? ` since ${s.failingSince.slice(0, 10)}` : '')));
      tr.append(el('td', {}, String(s.observations)), el('td', {}, s.lastRun ? `${s.lastRun.status}, ${s.lastRun.finishedAt ? s.lastRun.finishedAt.slice(0, 16).replace('T', ' ') : 'running'}` : '–'));
      return tr;
    }),
  );
  document.getElementById('credit').textContent = sources.map((s) => s.credit).join(' ');
}

async function main() {
  const select = document.getElementById('commodity');
  const commodities = await api('/api/commodities');
  for (const c of commodities) select.append(el('option', { value: c.id }, c.name));
  select.value = 'rice';
  select.addEventListener('change', () => showCommodity(select.value).catch(fail));
  await Promise.all([showCommodity('rice'), showSources()]);
  document.body.dataset.ready = 'true';
}

function fail(err) {
  document.getElementById('summary').replaceChildren(el('li', { class: 'error' }, `could not load: ${err.message}`));
  document.body.dataset.ready = 'error';
}

main().catch(fail);
