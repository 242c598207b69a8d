// CPU and memory sparklines for the selected entity, from the metrics history
// route; refreshed every few seconds while live, pinned to the chosen moment
// while the timeline shows the past.
import { h } from './dom.js';
import { fetchJson } from '../stream/fetch-json.js';
import { sparklinePath } from '../timeline.js';
import { formatBytes } from '../format.js';

const REFRESH_MS = 5000;
const SPAN_MS = 60 * 60 * 1000;
const W = 160, H = 28;
const SVG = 'http://www.w3.org/2000/svg';
const METRICS = [
  { name: 'cpu_percent', label: 'CPU', format: (v) => `${v.toFixed(1)} %` },
  { name: 'memory_bytes', label: 'Memory', format: (v) => formatBytes(v) },
];

export function createSparklines(root) {
  const el = h('div', { class: 'sparklines', id: 'sparklines' });
  let id = null;
  let moment = null; // null: live
  let generation = 0;

  async function refresh() {
    const asked = ++generation;
    if (!id) { el.replaceChildren(); return; }
    const until = moment ?? Date.now();
    const url = `api/infra/metrics/${encodeURIComponent(id)}?metrics=${METRICS.map((m) => m.name).join(',')}`
      + `&since=${new Date(until - SPAN_MS).toISOString()}&until=${new Date(until).toISOString()}`;
    let body = null;
    try { body = await fetchJson(url); } catch { /* 404: nothing recorded for it; 503: no history */ }
    if (asked !== generation) return;
    const rows = METRICS.map((m) => {
      const points = body?.series?.find((s) => s.name === m.name)?.points ?? [];
      const last = [...points].reverse().find((p) => Number.isFinite(p.avg));
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
      svg.setAttribute('width', W); svg.setAttribute('height', H);
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', sparklinePath(points, W, H));
      svg.append(path);
      return h('div', { class: 'spark', dataset: { metric: m.name, points: points.length } },
        h('span', { class: 'spark-label' }, m.label), svg, h('span', { class: 'spark-value' }, last ? m.format(last.avg) : '–'));
    });
    el.replaceChildren(h('h2', {}, 'Last hour'), ...rows);
  }

  setInterval(() => { if (id && moment === null) refresh(); }, REFRESH_MS);
  return {
    /** Shows the sparklines of `entityId` inside the details panel (re-attached after each render). */
    show(entityId) {
      if (entityId && !root.contains(el)) root.insertBefore(el, root.querySelector('h2'));
      if (entityId !== id) { id = entityId; el.replaceChildren(); refresh(); }
    },
    /** The timeline's moment (ms), or null for live. */
    setMoment(t) { moment = t; refresh(); },
  };
}
