// How an entity looks: its size (the plan's "size logic" column) and colour.
// Pure, so the renderer only copies numbers into buffers.
import { kindColor } from './kinds.js';

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
// Logarithmic growth keeps a 100× larger value readable without dwarfing the rest.
const logScale = (value, unit) => (value > 0 ? Math.log2(1 + value / unit) : 0);

function metric(entity, ...names) {
  const m = entity.custom_metrics ?? {};
  for (const n of names) if (Number.isFinite(m[n])) return m[n];
  return 0;
}

/**
 * Radius in world units. `degree` is the entity's connection count, which
 * the plan uses for services (connection count) and configmaps (references).
 */
export function entitySize(entity, degree = 0) {
  return entity.kind === 'namespace' ? 12 : baseSize(entity, degree) * SCALE;
}

// Shapes read as shapes at the default zoom rather than as dots.
const SCALE = 1.5;

function baseSize(entity, degree) {
  switch (entity.kind) {
    case 'namespace': return 12; // fixed large: a flat ring around its members
    case 'pod': return 0.55 + 0.35 * clamp(logScale(metric(entity, 'cpu_request', 'cpu_request_millicores') || entity.cpu_percent || 0, 100), 0, 2);
    case 'service': return 0.7 + 0.18 * clamp(Math.log2(1 + degree), 0, 4);
    case 'deployment': return 0.75 + 0.15 * clamp(Math.log2(1 + metric(entity, 'replicas', 'desired_replicas', 'ready_replicas')), 0, 4);
    case 'container': return 0.45 + 0.12 * clamp(logScale(entity.memory_limit ?? 0, 64 * 2 ** 20), 0, 4);
    case 'nats_subject': return 0.6 + 0.15 * clamp(logScale(metric(entity, 'queue_depth', 'pending'), 10), 0, 4);
    case 'database': return 0.8 + 0.15 * clamp(logScale(metric(entity, 'storage_bytes', 'size_bytes'), 2 ** 30), 0, 4);
    case 'volume': return 0.6 + 0.12 * clamp(logScale(metric(entity, 'capacity_bytes', 'storage_bytes'), 2 ** 30), 0, 4);
    case 'configmap': return 0.5 + 0.12 * clamp(Math.log2(1 + degree), 0, 4);
    case 'secret': return 0.45; // fixed small
    case 'node': return 1.3;
    case 'ingress': return 0.85;
    default: return 0.7;
  }
}

// Stale entities (their source is down) are drawn in this grey, whatever their kind.
export const STALE_COLOR = Object.freeze([0.42, 0.44, 0.48]);

/** True when the entity's source is down and its values are the last ones seen. */
export const isStaleEntity = (entity) => entity?.stale === true;

/**
 * RGB (0..1): the kind's colour, faded toward grey as health drops (at
 * health 1 the full colour, at 0 a third of its saturation), so health
 * shows without losing the kind; stale entities are plain grey.
 */
export function entityColor(entity) {
  if (isStaleEntity(entity)) return STALE_COLOR.slice();
  const c = kindColor(entity.kind);
  const h = Math.min(1, Math.max(0, Number.isFinite(entity.health) ? entity.health : 1));
  const keep = 1 / 3 + (2 / 3) * h;
  const grey = 0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2];
  // Darken a little with the saturation too: a washed-out bright colour
  // would read as "selected" rather than "ill".
  const dim = 0.7 + 0.3 * h;
  return c.map((v) => (grey + (v - grey) * keep) * dim);
}

/** Flag bits the shader animates. */
export const FLAGS = Object.freeze({ spin: 1, unhealthy: 2, stale: 4 });

/**
 * Bit flags: 1 spin (status processing), 2 red pulse (health < 0.5, not
 * stale: a stale value is old news), 4 stale (drawn translucent).
 */
export function entityFlags(entity) {
  const stale = isStaleEntity(entity);
  return (entity.status === 'processing' && !stale ? FLAGS.spin : 0)
    | ((entity.health ?? 1) < 0.5 && !stale ? FLAGS.unhealthy : 0)
    | (stale ? FLAGS.stale : 0);
}

/**
 * Connection styles from the plan's edge table. `dash` is the dash length in
 * world units (0 = solid); `particles` the particle speed factor (0 = none).
 */
export const EDGE_STYLES = Object.freeze({
  network: { color: [0.55, 0.58, 0.64], alpha: 0.45, dash: 0, particles: 0 },
  http: { color: [0.3, 0.55, 1.0], alpha: 0.7, dash: 0, particles: 1 },
  grpc: { color: [0.2, 0.88, 0.92], alpha: 0.7, dash: 0.6, particles: 1.8 },
  nats: { color: [0.68, 0.42, 1.0], alpha: 0.7, dash: 0, particles: 1.2 },
  volume: { color: [1.0, 0.6, 0.2], alpha: 0.6, dash: 0, particles: 0 },
  depends: { color: [0.55, 0.55, 0.6], alpha: 0.45, dash: 0.9, particles: 0 },
  owns: { color: [0.9, 0.9, 0.95], alpha: 0.22, dash: 0, particles: 0 },
});

export const EDGE_KIND_INDEX = Object.freeze(Object.fromEntries(Object.keys(EDGE_STYLES).map((k, i) => [k, i])));

/** Particles per edge (0..4) for a request rate: none when idle, more as traffic grows. */
export function particleCount(kind, requestsPerSec) {
  if (!EDGE_STYLES[kind]?.particles || !(requestsPerSec > 0)) return 0;
  return clamp(Math.ceil(Math.log10(requestsPerSec + 1) * 1.5), 1, 4);
}
