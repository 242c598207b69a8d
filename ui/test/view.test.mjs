// What the map draws (issue 14): kind colours and glyphs, health without
// losing the kind, stale entities, grouping presets, URL view state, event
// icons, network rates, conn_update, and tracing on a 10k graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_COLORS, KIND_GLYPHS, kindColor, kindGlyph } from '../js/kinds.js';
import { entityColor, entityFlags, FLAGS, STALE_COLOR } from '../js/appearance.js';
import { ENTITY_KINDS } from '../js/config.js';
import { MESH_KINDS } from '../js/render/meshes.js';
import { PRESETS, groupCenter, groupKey, normalizePreset, targetPosition, sourceCenter } from '../js/layout.js';
import { applyFilter, decodeView, encodeView, sameExceptSelection } from '../js/url-state.js';
import { createFilter, matchesFilter, isFilterEmpty } from '../js/filter.js';
import { eventIcon } from '../js/event-icons.js';
import { createRateTracker, forgetEntity, networkRates, observeEntity } from '../js/rates.js';
import { applyTopologyUpdate, createTopologyState, sourceOf } from '../js/state.js';
import { traceConnections } from '../js/trace.js';

const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const colorDist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const saturation = (c) => Math.max(...c) - Math.min(...c);

test('every kind has its own colour, glyph and mesh', () => {
  for (const kind of ENTITY_KINDS) {
    assert.ok(KIND_COLORS[kind], `${kind} colour`);
    assert.ok(KIND_GLYPHS[kind], `${kind} glyph`);
    assert.ok(MESH_KINDS.includes(kind), `${kind} mesh`);
  }
  const colours = ENTITY_KINDS.map((k) => kindColor(k).map((v) => v.toFixed(2)).join());
  assert.equal(new Set(colours).size, ENTITY_KINDS.length, 'no two kinds share a colour');
  const glyphs = ENTITY_KINDS.map(kindGlyph);
  assert.equal(new Set(glyphs).size, ENTITY_KINDS.length, 'no two kinds share a glyph');
  assert.deepEqual(kindColor('no-such-kind'), kindColor('custom'));
  // Red is the unhealthy pulse: no kind colour may be mistaken for it.
  for (const kind of ENTITY_KINDS) {
    const [r, g, b] = kindColor(kind);
    assert.ok(!(r > 0.8 && g < 0.35 && b < 0.35), `${kind} is not red`);
  }
});

test('colour is by kind; health fades it without losing the kind', () => {
  const pod = (health) => entityColor({ kind: 'pod', health });
  const db = (health) => entityColor({ kind: 'database', health });
  assert.deepEqual(pod(1).map((v) => +v.toFixed(6)), kindColor('pod').map((v) => +v.toFixed(6)), 'healthy: the kind colour itself');
  assert.ok(colorDist(pod(1), db(1)) > 0.2, 'kinds differ when healthy');
  assert.ok(colorDist(pod(0.2), db(0.2)) > 0.1, 'and still differ when sick');
  assert.ok(saturation(pod(0.2)) < saturation(pod(0.9)), 'lower health, less saturated');
  assert.ok(saturation(pod(0)) > 0.05, 'never fully grey: the kind survives');
  // The same health gives the same colour whatever else changes.
  assert.deepEqual(entityColor({ kind: 'pod', health: 0.5, cpu_percent: 90 }), pod(0.5));
});

test('unhealthy entities pulse red, stale ones are grey and do not pulse', () => {
  assert.equal(entityFlags({ kind: 'pod', health: 0.3 }) & FLAGS.unhealthy, FLAGS.unhealthy);
  assert.equal(entityFlags({ kind: 'pod', health: 0.9 }) & FLAGS.unhealthy, 0);
  const stale = { kind: 'pod', health: 0.1, status: 'processing', stale: true, source: 'docker@build-host' };
  assert.equal(entityFlags(stale), FLAGS.stale, 'stale only: old values neither pulse nor spin');
  assert.deepEqual(entityColor(stale), [...STALE_COLOR]);
  assert.notDeepEqual(entityColor({ ...stale, stale: false }), [...STALE_COLOR]);
  assert.equal(entityFlags({ kind: 'pod', health: 1, stale: 'yes' }), 0, 'only a real true marks stale');
});

test('sources: counted per instance, filtered, unknown when missing', () => {
  const state = createTopologyState();
  const e = (id, source, extra = {}) => ({ id, kind: 'container', name: id, source, health: 1, ...extra });
  applyTopologyUpdate(state, { kind: 'full', revision: 1, topology: { entities: [
    e('a', 'docker@build-host', { stale: true }), e('b', 'docker@build-host'), e('c', 'kubernetes'), { id: 'd', kind: 'pod', name: 'd' },
  ], connections: [] } });
  assert.deepEqual(Object.fromEntries(state.sources), { 'docker@build-host': 2, kubernetes: 1, unknown: 1 });
  applyTopologyUpdate(state, { kind: 'remove', revision: 2, entity: { id: 'a' } });
  assert.equal(state.sources.get('docker@build-host'), 1);
  assert.equal(sourceOf({ source: '' }), 'unknown');
  const filter = createFilter();
  assert.ok(isFilterEmpty(filter));
  filter.sources.add('kubernetes');
  assert.ok(!isFilterEmpty(filter));
  assert.ok(matchesFilter(state.entities.get('c'), filter));
  assert.ok(!matchesFilter(state.entities.get('b'), filter));
});

test('conn_update is applied exactly like conn_add', () => {
  const state = createTopologyState();
  const ent = (id) => ({ id, kind: 'service', name: id, health: 1 });
  applyTopologyUpdate(state, { kind: 'full', revision: 1, topology: { entities: [ent('a'), ent('b')], connections: [] } });
  const conn = { id: 'a->b:http', source_id: 'a', target_id: 'b', kind: 'http', requests_per_sec: 3 };
  let change = applyTopologyUpdate(state, { kind: 'conn_update', revision: 2, connection: conn });
  assert.equal(change.connections.get(conn.id), 'add', 'an unknown connection is added');
  change = applyTopologyUpdate(state, { kind: 'conn_update', revision: 3, connection: { ...conn, requests_per_sec: 40 } });
  assert.equal(change.connections.get(conn.id), 'update');
  assert.equal(state.connections.get(conn.id).requests_per_sec, 40);
  assert.equal(state.revision, 3);
  applyTopologyUpdate(state, { kind: 'conn_update', revision: 4, connection: { ...conn, id: 'x', source_id: 'nowhere' } });
  assert.ok(!state.connections.has('x'), 'dangling ends are ignored, as for conn_add');
});

test('grouping presets: by namespace (server layout), by kind, by source', () => {
  assert.deepEqual(PRESETS, ['namespace', 'kind', 'source', 'cluster']);
  assert.equal(normalizePreset('type'), 'kind', 'old links keep working');
  const placed = { id: 'k8s:pod/shop/a', kind: 'pod', name: 'a', namespace: 'shop', source: 'kubernetes', x: 4, y: 5, z: 6 };
  assert.deepEqual(targetPosition(placed, 'namespace'), [4, 5, 6]);
  // By kind: pods of any namespace share a cluster; other kinds are elsewhere.
  const podB = { ...placed, id: 'k8s:pod/pay/b', namespace: 'pay' };
  const svc = { ...placed, id: 'k8s:service/shop/s', kind: 'service' };
  assert.ok(dist(targetPosition(placed, 'kind'), groupCenter('kind', 'pod')) < 15);
  assert.ok(dist(targetPosition(podB, 'kind'), groupCenter('kind', 'pod')) < 15);
  assert.ok(dist(targetPosition(svc, 'kind'), groupCenter('kind', 'pod')) > 20);
  assert.equal(groupKey(svc, 'kind'), 'service');
  // By source: each instance its own cluster, its namespaces inside it.
  const docker = { id: 'docker@build-host:container/web', kind: 'container', name: 'web', source: 'docker@build-host', x: 1, y: 1, z: 1 };
  assert.equal(groupKey(docker, 'source'), 'docker@build-host');
  assert.equal(groupKey({ kind: 'pod' }, 'source'), 'unknown');
  assert.ok(dist(targetPosition(docker, 'source'), sourceCenter('docker@build-host')) < 80, 'near its source');
  assert.ok(dist(targetPosition(placed, 'source'), sourceCenter('kubernetes')) < 80);
  assert.ok(dist(targetPosition(placed, 'source'), sourceCenter('docker@build-host')) > 80, 'and away from the others');
  assert.ok(dist(sourceCenter('kubernetes'), sourceCenter('docker@build-host')) > 150, 'sources apart');
  assert.deepEqual(targetPosition(docker, 'source'), targetPosition({ ...docker }, 'source'), 'deterministic');
  assert.equal(groupCenter('namespace', 'shop'), null, 'namespace rings carry their own labels');
  assert.equal(groupKey(placed, 'namespace'), 'shop');
});

test('URL view state: encode → decode round trip, other parameters kept', () => {
  const filter = createFilter();
  for (const k of ['service', 'pod']) filter.kinds.add(k);
  filter.namespaces.add('shop');
  filter.namespaces.add('odd,name%');
  filter.bands.add('critical');
  filter.sources.add('docker@build-host');
  filter.search = ' check out ';
  const url = encodeView({ filter, preset: 'source', selected: 'k8s:pod/shop/web-1' }, '?transport=sse');
  assert.match(url, /^\?transport=sse&/);
  assert.match(url, /kind=pod,service/, 'sorted, readable lists');
  assert.match(url, /sel=k8s:pod\/shop\/web-1/, 'ids stay readable');
  const back = decodeView(url);
  assert.deepEqual([...back.filter.kinds], ['pod', 'service']);
  assert.deepEqual([...back.filter.namespaces].sort(), ['odd,name%', 'shop']);
  assert.deepEqual([...back.filter.bands], ['critical']);
  assert.deepEqual([...back.filter.sources], ['docker@build-host']);
  assert.equal(back.filter.search, 'check out');
  assert.equal(back.preset, 'source');
  assert.equal(back.selected, 'k8s:pod/shop/web-1');
  // Encoding the decoded view gives the same URL: one view, one link.
  assert.equal(encodeView({ filter: back.filter, preset: back.preset, selected: back.selected }, url), url);
  // Applying into a live filter refills its sets in place.
  const live = createFilter();
  const kinds = live.kinds;
  applyFilter(live, back.filter);
  assert.equal(live.kinds, kinds);
  assert.deepEqual([...live.kinds], ['pod', 'service']);
});

test('URL view state: defaults, junk and old names', () => {
  assert.equal(encodeView({ filter: createFilter(), preset: 'namespace', selected: null }), '');
  assert.equal(encodeView({ filter: createFilter(), preset: 'namespace' }, '?transport=ws'), '?transport=ws');
  const d = decodeView('?band=critical,purple&layout=spiral&sel=&kind=&q=%E0%A4%A');
  assert.deepEqual([...d.filter.bands], ['critical'], 'unknown bands dropped');
  assert.equal(d.preset, 'namespace', 'unknown preset ignored');
  assert.equal(d.selected, null);
  assert.equal(d.filter.kinds.size, 0);
  assert.equal(typeof d.filter.search, 'string', 'a broken escape does not throw');
  assert.equal(decodeView('?layout=type').preset, 'kind');
  assert.equal(decodeView('?q=a+b').filter.search, 'a b');
  assert.ok(sameExceptSelection('?kind=pod&sel=a', '?kind=pod&sel=b'));
  assert.ok(!sameExceptSelection('?kind=pod&sel=a', '?kind=svc&sel=a'));
});

test('event icons by reason and type, coloured by severity', () => {
  const icon = (reason, severity = 'info', type = 'Normal') => eventIcon({ reason, severity, type });
  assert.equal(icon('BackOff', 'error').category, 'failure');
  assert.equal(icon('OOMKilling', 'critical').glyph, '✖');
  assert.equal(icon('Unhealthy', 'warning').category, 'health');
  assert.equal(icon('Killing').category, 'removal');
  assert.equal(icon('ScalingReplicaSet').category, 'scaling');
  assert.equal(icon('Pulled').category, 'image');
  assert.equal(icon('Scheduled').category, 'scheduling');
  assert.equal(icon('Created').category, 'creation');
  assert.equal(icon('FailedCreate', 'error').category, 'failure', 'failure wins over creation');
  assert.equal(icon('HighChurn', 'warning').category, 'churn');
  assert.equal(icon('SlowConsumer', 'warning').category, 'performance');
  assert.equal(icon('SawCompletedJob').category, 'completion');
  assert.equal(icon('RegisteredNode').category, 'creation');
  assert.equal(icon('NodeNotReady', 'warning').category, 'health');
  // Every reason the simulator sends gets an icon of its own, not the fallback.
  for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started', 'Killing', 'ScalingReplicaSet', 'SuccessfulCreate',
    'Completed', 'SawCompletedJob', 'RegisteredNode', 'NodeReady', 'BackOff', 'Unhealthy', 'OOMKilling', 'NodeNotReady', 'SlowConsumer']) {
    assert.notEqual(icon(reason).category, 'other', reason);
  }
  assert.equal(icon('Mystery', 'info', 'Warning').glyph, '⚠');
  assert.equal(icon('Mystery', 'critical').glyph, '‼');
  assert.equal(icon('Created', 'bogus').severity, 'info');
  assert.equal(eventIcon({}).severity, 'info');
  assert.equal(icon('Created', 'critical').severity, 'critical');
});

test('network rates: the source\'s own figure first, else computed from successive samples', () => {
  const tracker = createRateTracker();
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (ms) => new Date(t0 + ms).toISOString();
  const e = (rx, tx, ms, extra = {}) => ({ id: 'k8s:pod/a', network_rx_bytes: rx, network_tx_bytes: tx, updated_at: at(ms), ...extra });
  observeEntity(tracker, e(1000, 500, 0));
  assert.deepEqual(networkRates(e(1000, 500, 0), tracker), { rx: null, tx: null, measured: null }, 'one sample: no rate yet');
  observeEntity(tracker, e(3000, 1500, 2000));
  assert.deepEqual(networkRates(e(3000, 1500, 2000), tracker), { rx: 1000, tx: 500, measured: 'computed' });
  observeEntity(tracker, e(3000, 1500, 2000, { health: 0.4 }));
  assert.equal(networkRates(e(3000, 1500, 2000), tracker).rx, 1000, 'an update that did not touch the counters keeps the rate');
  observeEntity(tracker, e(100, 50, 3000));
  assert.equal(networkRates(e(100, 50, 3000), tracker).rx, null, 'a counter reset gives no (negative) rate');
  observeEntity(tracker, e(1100, 50, 4000));
  assert.deepEqual(networkRates(e(1100, 50, 4000), tracker), { rx: 1000, tx: 0, measured: 'computed' }, 'and measures again from there');
  // Docker sends the rate itself.
  const docker = e(9e9, 9e9, 5000, { custom_metrics: { network_rx_bytes_per_second: 2048, network_tx_bytes_per_second: 10 } });
  assert.deepEqual(networkRates(docker, tracker), { rx: 2048, tx: 10, measured: 'source' });
  forgetEntity(tracker, 'k8s:pod/a');
  assert.equal(tracker.samples.size, 0);
  // Entities that never moved a byte are not tracked.
  observeEntity(tracker, { id: 'quiet', network_rx_bytes: 0, network_tx_bytes: 0 });
  assert.equal(tracker.samples.size, 0);
  // Without updated_at the client's clock is used.
  observeEntity(tracker, { id: 'b', network_rx_bytes: 10, network_tx_bytes: 0 }, 1000);
  observeEntity(tracker, { id: 'b', network_rx_bytes: 510, network_tx_bytes: 0 }, 1500);
  assert.equal(networkRates({ id: 'b' }, tracker).rx, 1000);
});

// A generated 10k-entity graph shaped like a cluster: namespaces of
// ingress → services → deployments → pods, services calling each other,
// pods on nodes; about 1.5 connections per entity.
function clusterGraph(total = 10_000) {
  const entities = [];
  const connections = [];
  const add = (id, kind, ns) => entities.push({ id, kind, name: id, namespace: ns, health: 1 });
  const link = (s, t, kind) => connections.push({ id: `${s}->${t}:${kind}`, source_id: s, target_id: t, kind });
  for (let n = 0; n < 20; n++) add(`node-${n}`, 'node', null);
  let i = 0;
  let ns = 0;
  const services = [];
  while (entities.length < total) {
    const nsName = `ns-${ns++}`;
    add(`ingress-${nsName}`, 'ingress', nsName);
    for (let s = 0; s < 10 && entities.length < total; s++) {
      const svc = `svc-${nsName}-${s}`;
      add(svc, 'service', nsName);
      link(`ingress-${nsName}`, svc, 'http');
      if (services.length) link(svc, services[(i * 7919) % services.length], 'grpc');
      services.push(svc);
      const dep = `dep-${nsName}-${s}`;
      add(dep, 'deployment', nsName);
      link(svc, dep, 'depends');
      for (let p = 0; p < 8 && entities.length < total; p++, i++) {
        const pod = `pod-${nsName}-${s}-${p}`;
        add(pod, 'pod', nsName);
        link(dep, pod, 'owns');
        link(pod, `node-${i % 20}`, 'network');
      }
    }
  }
  return { entities, connections };
}

test('tracing on a 10k-entity graph (cost reported, not asserted)', (t) => {
  const state = createTopologyState();
  const graph = clusterGraph();
  applyTopologyUpdate(state, { kind: 'full', revision: 1, topology: graph });
  assert.ok(state.entities.size >= 10_000);
  const ids = ['ingress-ns-3', 'svc-ns-40-5', 'pod-ns-80-2-3', 'node-7', 'dep-ns-100-1'].filter((id) => state.entities.has(id));
  const trace = traceConnections(state, 'svc-ns-40-5');
  assert.ok(trace.upstream.has('ingress-ns-40'), 'upstream reaches the ingress');
  assert.ok(trace.downstream.has('dep-ns-40-5') && trace.downstream.has('pod-ns-40-5-0'), 'downstream reaches deployment and pods');
  for (const connId of trace.connections) {
    const c = state.connections.get(connId);
    const on = (x) => x === 'svc-ns-40-5' || trace.upstream.has(x) || trace.downstream.has(x);
    assert.ok(on(c.source_id) && on(c.target_id), 'every highlighted connection lies on a path');
  }
  // Warm up, then time: the figure goes into docs/UI.md.
  for (const id of ids) traceConnections(state, id);
  const rounds = 20;
  const times = [];
  for (const id of ids) {
    const start = performance.now();
    for (let r = 0; r < rounds; r++) traceConnections(state, id);
    times.push([(performance.now() - start) / rounds, id, traceConnections(state, id)]);
  }
  for (const [ms, id, tr] of times) {
    t.diagnostic(`trace ${id} on ${state.entities.size} entities / ${state.connections.size} connections: ${ms.toFixed(2)} ms (${tr.upstream.size} up, ${tr.downstream.size} down, ${tr.connections.size} connections)`);
  }
});
