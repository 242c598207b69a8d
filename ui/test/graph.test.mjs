// Tracing, alerts, event feed: the pure logic behind the panels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTopologyUpdate, createTopologyState } from '../js/state.js';
import { traceConnections } from '../js/trace.js';
import { alertEntities } from '../js/alerts.js';
import { addEvents, createEventFeed, filterEvents } from '../js/events-model.js';

const e = (id, health = 1) => ({ id, kind: 'pod', name: id, health });
const c = (s, t) => ({ id: `${s}->${t}:http`, source_id: s, target_id: t, kind: 'http' });

test('tracing finds everything upstream and downstream, and only that', () => {
  // ingress → svc → pod → db, plus an unrelated side → other
  const state = createTopologyState();
  applyTopologyUpdate(state, { kind: 'full', revision: 1, topology: {
    entities: ['ingress', 'svc', 'pod', 'db', 'side', 'other'].map((id) => e(id)),
    connections: [c('ingress', 'svc'), c('svc', 'pod'), c('pod', 'db'), c('side', 'other'), c('db', 'pod')],
  } });
  const trace = traceConnections(state, 'svc');
  assert.deepEqual([...trace.upstream].sort(), ['ingress']);
  assert.deepEqual([...trace.downstream].sort(), ['db', 'pod']);
  assert.ok(trace.connections.has('ingress->svc:http'));
  assert.ok(trace.connections.has('pod->db:http'));
  assert.ok(trace.connections.has('db->pod:http'), 'a cycle below stays on the path');
  assert.ok(!trace.connections.has('side->other:http'));
});

test('alerts: warning and critical only, worst first', () => {
  const list = alertEntities([e('a', 0.9), e('b', 0.6), e('c', 0.1), e('d', 0.79), e('e', 0.8)]);
  assert.deepEqual(list.map((x) => x.id), ['c', 'b', 'd']);
});

test('event feed: newest first, deduplicated, bounded', () => {
  const feed = createEventFeed(3);
  const ev = (seq, severity = 'info', kind = 'pod') => ({ id: `ev-${seq}`, seq, severity, entity_kind: kind });
  assert.equal(addEvents(feed, [ev(1), ev(2)]).length, 2);
  assert.deepEqual(addEvents(feed, [ev(2), ev(3)]).map((x) => x.seq), [3], 'seq 2 is not new');
  addEvents(feed, [ev(4)]);
  assert.deepEqual(feed.events.map((x) => x.seq), [4, 3, 2]);
  assert.equal(feed.lastSeq, 4);
});

test('event filter by minimum severity and kind', () => {
  const events = [
    { seq: 4, severity: 'critical', entity_kind: 'pod' },
    { seq: 3, severity: 'error', entity_kind: 'service' },
    { seq: 2, severity: 'warning', entity_kind: 'pod' },
    { seq: 1, severity: 'info', entity_kind: 'pod' },
  ];
  assert.deepEqual(filterEvents(events, { minSeverity: 'warning' }).map((x) => x.seq), [4, 3, 2]);
  assert.deepEqual(filterEvents(events, { minSeverity: 'error', kinds: new Set(['pod']) }).map((x) => x.seq), [4]);
  assert.equal(filterEvents(events).length, 4);
});
