// Details tab: every field of the selected entity, a metrics overlay (CPU,
// memory, network bars; NATS rates where they apply) and its connections,
// each clickable to walk the graph.
import { $, h } from './dom.js';
import { formatBytes, formatKind, formatPercent, formatRate, formatRelativeTime, formatValue } from '../format.js';
import { healthBand, healthCss } from '../health.js';
import { connectionsOf, sourceOf } from '../state.js';
import { networkRates } from '../rates.js';
import { isStaleEntity } from '../appearance.js';
import { kindCss, kindGlyph } from '../kinds.js';

const FIELD_ORDER = ['id', 'kind', 'name', 'namespace', 'source', 'stale', 'status', 'health', 'cpu_percent', 'memory_bytes', 'memory_limit',
  'network_rx_bytes', 'network_tx_bytes', 'labels', 'annotations', 'custom_metrics', 'x', 'y', 'z', 'created_at', 'updated_at'];
const RATE_METRIC = /rate|per_sec|depth|pending|lag|msgs|messages|consumers|bytes_in|bytes_out/;
// Network bars are relative to a generous ceiling on a log scale, since
// rates span bytes to gigabytes per second and a linear bar would be empty or full.
const NET_CEILING = 1024 ** 3;

function bar(cls, label, fraction, text) {
  const width = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
  return h('div', { class: 'metric' },
    h('div', { class: 'row' }, h('span', {}, label), h('span', {}, text)),
    h('div', { class: `bar ${cls}` }, h('i', { style: { width } })));
}

const logFraction = (bytes) => (bytes > 0 ? Math.log2(1 + bytes) / Math.log2(1 + NET_CEILING) : 0);

// A rate, or what we know while there is none yet: the cumulative total.
function netBar(label, rate, total, dataset) {
  const text = rate === null ? (total ? `– (total ${formatBytes(total)})` : '–') : `${formatBytes(rate)}/s`;
  const el = bar('net', label, logFraction(rate ?? 0), text);
  Object.assign(el.dataset, dataset);
  return el;
}

function metricsOverlay(e, rates) {
  const mem = e.memory_bytes ?? 0;
  const limit = e.memory_limit ?? 0;
  const net = networkRates(e, rates);
  return h('div', { class: 'metrics' },
    bar('cpu', 'CPU', (e.cpu_percent ?? 0) / 100, formatPercent((e.cpu_percent ?? 0) / 100, 1)),
    bar('mem', 'Memory', limit > 0 ? mem / limit : logFraction(mem), limit > 0 ? `${formatBytes(mem)} / ${formatBytes(limit)}` : formatBytes(mem)),
    netBar('Network in', net.rx, e.network_rx_bytes ?? 0, { metric: 'net-rx', measured: net.measured ?? '' }),
    netBar('Network out', net.tx, e.network_tx_bytes ?? 0, { metric: 'net-tx', measured: net.measured ?? '' }));
}

function natsRates(e, conns) {
  const rows = [];
  for (const [k, v] of Object.entries(e.custom_metrics ?? {})) if (RATE_METRIC.test(k)) rows.push([k.replaceAll('_', ' '), formatRate(v)]);
  const nats = conns.filter((c) => c.kind === 'nats');
  if (nats.length) {
    const sum = (list) => list.reduce((s, c) => s + (c.requests_per_sec ?? 0), 0);
    rows.push(['msgs/s in', formatRate(sum(nats.filter((c) => c.target_id === e.id)))]);
    rows.push(['msgs/s out', formatRate(sum(nats.filter((c) => c.source_id === e.id)))]);
  }
  if (!rows.length && !e.kind.startsWith('nats')) return null;
  if (!rows.length) rows.push(['messages/s', '0']);
  return h('div', { class: 'rates' }, rows.flatMap(([k, v]) => [h('span', {}, k), h('b', {}, v)]));
}

function connectionList(e, conns, state, select) {
  if (!conns.length) return h('p', { class: 'empty' }, 'No connections');
  conns.sort((a, b) => (b.requests_per_sec ?? 0) - (a.requests_per_sec ?? 0) || a.kind.localeCompare(b.kind));
  return h('ul', { class: 'conn-list' }, conns.map((c) => {
    const outgoing = c.source_id === e.id;
    const otherId = outgoing ? c.target_id : c.source_id;
    const other = state.entities.get(otherId);
    const rate = c.requests_per_sec ? `${formatRate(c.requests_per_sec)} req/s` : c.latency_ms ? `${formatRate(c.latency_ms)} ms` : '';
    return h('li', { title: c.id, onclick: () => select(otherId), dataset: { entityId: otherId } },
      h('span', { class: 'dir' }, outgoing ? '→' : '←'),
      h('span', { class: 'ckind' }, c.kind),
      h('span', {}, other ? `${formatKind(other.kind)} ${other.name}` : otherId),
      h('span', { class: 'rate' }, rate));
  }));
}

function fieldTable(e) {
  const keys = [...FIELD_ORDER.filter((k) => k in e), ...Object.keys(e).filter((k) => !FIELD_ORDER.includes(k)).sort()];
  return h('table', { class: 'fields' }, h('tbody', {}, keys.map((k) => {
    let value = formatValue(e[k]);
    if ((k === 'memory_bytes' || k === 'memory_limit') && Number.isFinite(e[k])) value = `${e[k]} (${formatBytes(e[k])})`;
    if ((k === 'created_at' || k === 'updated_at') && e[k]) value = `${e[k]} (${formatRelativeTime(e[k])})`;
    return h('tr', { dataset: { field: k } }, h('th', {}, k), h('td', {}, value));
  })));
}

export function createDetailsPanel({ state, select, rates = null }) {
  const root = $('tab-details');
  const render = (id, trace) => {
    const e = id ? state.entities.get(id) : null;
    root.replaceChildren();
    root.dataset.entityId = e ? e.id : '';
    if (!e) {
      root.append(h('p', { class: 'empty' }, 'Click an entity in the scene, or pick one from search or alerts, to see its details.'));
      return;
    }
    const conns = connectionsOf(state, e.id);
    const band = healthBand(e.health);
    // append() would write a null as the text "null": drop the parts that do not apply.
    root.append(...[
      h('div', { class: 'details-head' },
        h('b', { class: 'glyph', style: { color: kindCss(e.kind) }, title: formatKind(e.kind) }, kindGlyph(e.kind)),
        h('h3', { id: 'details-name' }, e.name ?? e.id),
        h('span', { class: `health-pill ${band}`, style: { background: healthCss(e.health) }, title: band }, formatPercent(e.health))),
      h('div', { class: 'details-sub' }, `${formatKind(e.kind)} · ${e.status ?? 'unknown'}${e.namespace ? ` · ${e.namespace}` : ''} · ${sourceOf(e)}`),
      isStaleEntity(e) ? h('p', { class: 'stale-note', id: 'details-stale' }, `stale: ${sourceOf(e)} down`, h('span', {}, ' (last values seen before the source stopped answering)')) : null,
      metricsOverlay(e, rates),
      natsRates(e, conns),
      h('h2', {}, `Connections (${conns.length})`),
      trace ? h('p', { class: 'trace-note' }, `Tracing ${trace.upstream.size} upstream and ${trace.downstream.size} downstream`) : null,
      connectionList(e, conns, state, select),
      h('h2', {}, 'Fields'),
      fieldTable(e)].filter(Boolean));
  };
  /** A connection's figures and ends; each end is clickable. */
  const renderConnection = (c) => {
    root.replaceChildren();
    root.dataset.entityId = '';
    root.dataset.connectionId = c.id;
    const end = (id) => {
      const e = state.entities.get(id);
      return h('a', { href: '#', class: 'conn-end', dataset: { entityId: id }, onclick: (ev) => { ev.preventDefault(); select(id); } },
        e ? `${formatKind(e.kind)} ${e.name}` : id);
    };
    root.append(
      h('div', { class: 'details-head' }, h('h3', { id: 'details-name' }, `${c.kind} connection`)),
      h('div', { class: 'details-sub', id: 'details-connection-ends' }, end(c.source_id), ' → ', end(c.target_id)),
      h('h2', {}, 'Fields'),
      fieldTable(c));
  };
  const clear = () => { delete root.dataset.connectionId; };
  return { render: (id, trace) => { clear(); render(id, trace); }, renderConnection };
}
