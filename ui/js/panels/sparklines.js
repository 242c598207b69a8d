// CPU and memory sparklines for the selected entity (request rate, latency
// and errors for a selected connection), from the metrics history route;
// refreshed every few seconds while live, pinned to the chosen moment while
// the timeline shows the past.
import { h } from './dom.js';
import { fetchJson } from '../stream/fetch-json.js';
import { sparklinePath } from '../timeline.js';
import { formatBytes } from '../format.js';

const REFRESH_MS = 5000;
const SPAN_MS = 60 * 60 * 1000;
const W = 160, H = 28;
const SVG = 'http://www.w3.org/2000/svg';
export const ENTITY_METRICS = [
  { name: 'cpu_percent', label: 'CPU', format: (v) => `${v.toFixed(1)} %` },
  { name: 'memory_bytes', label: 'Memory', format: (v) => formatBytes(v) },
];
// What the history records for a connection (docs/HISTORY.md, "Metric samples").
export const CONNECTION_METRICS = [
  { name: 'requests_per_sec', label: 'Requests', format: (v) => `${v.toFixed(1)}/s` },
  { name: 'latency_ms', label: 'Latency', format: (v) => `${v.toFixed(1)} ms` },
  { name: 'error_rate', label: 'Errors', format: (v) => `${(v * 100).toFixed(1)} %` },
];

export function createSparklines(root) {
  const el = h('div', { class: 'sparklines', id: 'sparklines' });
  let id = null;
  let metrics = ENTITY_METRICS;
  let moment = null; // null: live
  let generation = 0;

  async function refresh() {
    const asked = ++generation;
    if (!id) { el.replaceChildren(); return; }
    const until = moment ?? Date.now();
    const url = `api/infra/metrics/${encodeURIComponent(id)}?metrics=${metrics.map((m) => m.name).join(',')}`
      + `&since=${new Date(until - SPAN_MS).toISOString()}&until=${new Date(until).toISOString()}`;
    let body = null;
    try { body = await fetchJson(url); } catch { /* 404: nothing recorded for it; 503: no history */ }
    if (asked !== generation) return;
    const rows = metrics.map((m) => {
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
    /**
     * Shows the sparklines of `itemId` (an entity's, or a connection's with
     * CONNECTION_METRICS) inside the details panel (re-attached after each render).
     */
    show(itemId, set = ENTITY_METRICS) {
      if (itemId && !root.contains(el)) root.insertBefore(el, root.querySelector('h2'));
      if (itemId !== id || set !== metrics) { id = itemId; metrics = set; el.replaceChildren(); refresh(); }
    },
    /** The timeline's moment (ms), or null for live. */
    setMoment(t) { moment = t; refresh(); },
  };
}
