// Topology state and applyTopologyUpdate. DOM-free so node --test covers it.
//
// The state is mutated in place rather than copied: at 10k entities and
// hundreds of updates a second, copying maps per update would eat the frame
// budget. Each call records what it touched in a Change, which is what the
// renderer and panels are told (they never diff the whole graph).
import { healthBand } from './health.js';

/**
 * An empty topology: entities and connections by id, plus each entity's
 * connection ids, and running counts (per health band, kind, namespace and source)
 * so panels never have to walk every entity to show them.
 */
export function createTopologyState() {
  return {
    revision: -1,
    entities: new Map(),
    connections: new Map(),
    links: new Map(),
    bands: { healthy: 0, warning: 0, critical: 0 },
    kinds: new Map(),
    namespaces: new Map(),
    sources: new Map(),
  };
}

/**
 * What one or more updates changed: id → 'add' | 'update' | 'remove', for
 * entities and connections. `full` says a snapshot replaced the state.
 */
export function createChange() {
  return { entities: new Map(), connections: new Map(), full: false };
}

/** True when nothing was recorded. */
export function isEmptyChange(change) {
  return change.entities.size === 0 && change.connections.size === 0 && !change.full;
}

// Merging rules let a batch collapse add→update into add and add→remove into
// nothing, so the renderer only sees the net effect of a burst.
function mark(map, id, op) {
  const prev = map.get(id);
  if (op === 'remove') {
    if (prev === 'add') map.delete(id);
    else map.set(id, 'remove');
  } else if (op === 'add') {
    map.set(id, prev === 'remove' || prev === 'update' ? 'update' : 'add');
  } else if (prev !== 'add') {
    map.set(id, 'update');
  }
}

function bump(map, key, delta) {
  const n = (map.get(key) ?? 0) + delta;
  if (n > 0) map.set(key, n); else map.delete(key);
}

function countBand(state, entity, delta) {
  state.bands[healthBand(entity.health)] += delta;
  bump(state.kinds, entity.kind, delta);
  if (entity.namespace) bump(state.namespaces, entity.namespace, delta);
  bump(state.sources, sourceOf(entity), delta);
}

/** The entity's source instance (`docker@build-host`), or `unknown` when it has none. */
export function sourceOf(entity) {
  return typeof entity.source === 'string' && entity.source ? entity.source : 'unknown';
}

function putEntity(state, entity, change) {
  const prev = state.entities.get(entity.id);
  if (prev) countBand(state, prev, -1);
  state.entities.set(entity.id, entity);
  countBand(state, entity, 1);
  if (!state.links.has(entity.id)) state.links.set(entity.id, new Set());
  mark(change.entities, entity.id, prev ? 'update' : 'add');
}

function dropConnection(state, id, change) {
  const conn = state.connections.get(id);
  if (!conn) return;
  state.connections.delete(id);
  state.links.get(conn.source_id)?.delete(id);
  state.links.get(conn.target_id)?.delete(id);
  mark(change.connections, id, 'remove');
}

function dropEntity(state, id, change) {
  const entity = state.entities.get(id);
  if (!entity) return;
  // An entity never outlives its connections: the protocol announces them
  // first, but a coalesced or filtered stream may not, so enforce it here.
  for (const connId of [...(state.links.get(id) ?? [])]) dropConnection(state, connId, change);
  countBand(state, entity, -1);
  state.entities.delete(id);
  state.links.delete(id);
  mark(change.entities, id, 'remove');
}

function putConnection(state, conn, change) {
  // A connection is only meaningful while both its ends exist (PROTOCOL.md:
  // visible when both ends are), so one that points nowhere is ignored.
  if (!state.entities.has(conn.source_id) || !state.entities.has(conn.target_id)) return;
  const existed = state.connections.has(conn.id);
  state.connections.set(conn.id, conn);
  state.links.get(conn.source_id).add(conn.id);
  state.links.get(conn.target_id).add(conn.id);
  mark(change.connections, conn.id, existed ? 'update' : 'add');
}

function replaceAll(state, topology, change) {
  const entities = topology?.entities ?? [];
  const connections = topology?.connections ?? [];
  const keepEntities = new Set(entities.map((e) => e.id));
  const keepConns = new Set(connections.map((c) => c.id));
  for (const id of [...state.connections.keys()]) if (!keepConns.has(id)) dropConnection(state, id, change);
  for (const id of [...state.entities.keys()]) if (!keepEntities.has(id)) dropEntity(state, id, change);
  for (const e of entities) putEntity(state, e, change);
  for (const c of connections) putConnection(state, c, change);
  change.full = true;
}

/**
 * True for a delta the state already includes: its revision is not above the
 * state's (a snapshot overtook the stream). Revisions only grow within one
 * server process, and a restarted server is met with a `full`, never skipped.
 */
export function isStale(state, update) {
  return update.kind !== 'full' && Number.isFinite(update.revision) && update.revision <= state.revision;
}

/**
 * Applies one TopologyUpdate (PROTOCOL.md) to `state` in place and records
 * the effect in `change` (a fresh one when omitted). Returns the change.
 * `add` of a known id and `update` of an unknown one are both upserts, so a
 * replayed or reordered message cannot corrupt the state.
 */
export function applyTopologyUpdate(state, update, change = createChange()) {
  if (!update || typeof update !== 'object' || isStale(state, update)) return change;
  switch (update.kind) {
    case 'full':
      replaceAll(state, update.topology, change);
      break;
    case 'add':
    case 'update':
      if (update.op === 'patch') {
        // `delta=patch`: only the changed fields, merged into what we hold.
        const prev = state.entities.get(update.id);
        if (prev && update.set && typeof update.set === 'object') putEntity(state, { ...prev, ...update.set }, change);
      } else if (update.entity?.id) {
        putEntity(state, update.entity, change);
      }
      break;
    case 'remove':
      if (update.entity?.id) dropEntity(state, update.entity.id, change);
      break;
    case 'conn_add':
    case 'conn_update': // a connection whose traffic changed: same upsert
      if (update.connection?.id) putConnection(state, update.connection, change);
      break;
    case 'conn_remove':
      if (update.connection?.id) dropConnection(state, update.connection.id, change);
      break;
    default:
      return change; // unknown kinds are ignored for forward compatibility
  }
  if (Number.isFinite(update.revision)) state.revision = update.revision;
  return change;
}

/** The connections touching `id`, as Connection objects. */
export function connectionsOf(state, id) {
  const out = [];
  for (const connId of state.links.get(id) ?? []) {
    const c = state.connections.get(connId);
    if (c) out.push(c);
  }
  return out;
}
