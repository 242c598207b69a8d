// Where an entity is drawn. The server's layout engine owns x, y, z; this
// module supplies the client-side grouping presets and the fallback used
// while an entity still sits at the origin (no layout yet), so the picture
// is never one blob. Pure: positions are plain [x, y, z] arrays.
//
// Presets (client-side grouping: positions are computed here from the
// entity alone, so a preset switch costs one pass and needs no server):
//   namespace  the server's layout (namespaces on rings), the default
//   kind       one cluster per kind on a ring of radius 70, in ENTITY_KINDS order
//   source     one cluster per source instance (`docker@build-host`, `kubernetes`)
//              on a ring, each holding its namespaces as sub-clusters
//   cluster    one group per cluster (the `@name` in ids, cluster.js) on an outer
//              ring, each holding its namespaces, as an edge merging clusters shows them
import { hash3 } from './hash.js';
import { ENTITY_KINDS } from './config.js';
import { clusterOf } from './cluster.js';

export const PRESETS = Object.freeze(['namespace', 'kind', 'source', 'cluster']);

/** 'type' was the first name of the by-kind preset; old links keep working. */
export function normalizePreset(preset) {
  return preset === 'type' ? 'kind' : preset;
}

// Scale matched to the server layout (namespace rings about 40 apart, link
// distance 5) so fallback and server positions mix without a jump in size.
const RING_SPACING = 40;
const CLUSTER_RADIUS = 14;

/** The cluster an entity belongs to: its namespace, or itself for a namespace entity. */
export function clusterKey(entity) {
  if (entity.kind === 'namespace') return entity.name ?? entity.id;
  return entity.namespace || '';
}

/** Centre of a namespace cluster: cluster-scoped entities at the origin, namespaces on rings around it. */
export function clusterCenter(key) {
  if (!key) return [0, 0, 0];
  const [a, r] = hash3(`ns:${key}`);
  const ring = 1 + Math.floor(r * 2);
  const angle = a * Math.PI * 2;
  return [Math.cos(angle) * ring * RING_SPACING, 0, Math.sin(angle) * ring * RING_SPACING];
}

// A point in a ball around `center`, chosen by the id's hash; the cube root
// spreads points evenly through the volume rather than bunching at the middle.
function scatter(center, id, radius) {
  const [u, v, w] = hash3(id);
  const theta = u * Math.PI * 2;
  const phi = Math.acos(2 * v - 1);
  const r = radius * (0.35 + 0.65 * Math.cbrt(w));
  return [
    center[0] + r * Math.sin(phi) * Math.cos(theta),
    center[1] + r * Math.cos(phi) * 0.6,
    center[2] + r * Math.sin(phi) * Math.sin(theta),
  ];
}

/** True when the server has placed the entity (anything but exactly the origin). */
export function hasServerPosition(entity) {
  return !!(entity.x || entity.y || entity.z);
}

/** Deterministic stand-in position around the entity's namespace cluster. */
export function fallbackPosition(entity) {
  const center = clusterCenter(clusterKey(entity));
  if (entity.kind === 'namespace') return center;
  return scatter(center, entity.id, CLUSTER_RADIUS);
}

const KIND_RING = 70;
const SOURCE_RING = 190;

/** Centre of a kind's cluster in the by-kind preset. */
export function kindCenter(kind) {
  const index = Math.max(0, ENTITY_KINDS.indexOf(kind));
  const angle = (index / ENTITY_KINDS.length) * Math.PI * 2;
  return [Math.cos(angle) * KIND_RING, 0, Math.sin(angle) * KIND_RING];
}

/** "By kind" preset: one cluster per kind on a ring. */
export function typePosition(entity) {
  return scatter(kindCenter(entity.kind), entity.id, CLUSTER_RADIUS);
}

/**
 * Centre of a source's cluster in the by-source preset: a point on a ring
 * chosen by the source's hash, so it never moves when other sources come
 * and go (a second ring keeps two hashes that land close from overlapping much).
 */
export function sourceCenter(source) {
  const [a, r] = hash3(`src:${source}`);
  const ring = SOURCE_RING * (1 + Math.floor(r * 2) * 0.6);
  const angle = a * Math.PI * 2;
  return [Math.cos(angle) * ring, 0, Math.sin(angle) * ring];
}

const sourceKey = (entity) => (typeof entity.source === 'string' && entity.source ? entity.source : 'unknown');

/** "By source" preset: the source's cluster, its namespaces as sub-clusters a little closer than usual. */
export function sourcePosition(entity) {
  const base = sourceCenter(sourceKey(entity));
  const ns = clusterCenter(clusterKey(entity)).map((v) => v * 0.8);
  const center = [base[0] + ns[0], base[1], base[2] + ns[2]];
  return entity.kind === 'namespace' ? center : scatter(center, entity.id, CLUSTER_RADIUS * 0.8);
}

const CLUSTER_RING = 240;

/** Centre of a cluster's group in the by-cluster preset: on a ring, by the name's hash, like a source's. */
export function instanceCenter(cluster) {
  const [a, r] = hash3(`cl:${cluster}`);
  const ring = CLUSTER_RING * (1 + Math.floor(r * 2) * 0.6);
  const angle = a * Math.PI * 2;
  return [Math.cos(angle) * ring, 0, Math.sin(angle) * ring];
}

/** "By cluster" preset: the cluster's group, its namespaces as sub-clusters. */
export function clusterPosition(entity) {
  const base = instanceCenter(clusterOf(entity));
  const ns = clusterCenter(clusterKey(entity)).map((v) => v * 0.8);
  const center = [base[0] + ns[0], base[1], base[2] + ns[2]];
  return entity.kind === 'namespace' ? center : scatter(center, entity.id, CLUSTER_RADIUS * 0.8);
}

/** The group an entity belongs to under `preset` (what the scene labels). */
export function groupKey(entity, preset = 'namespace') {
  switch (normalizePreset(preset)) {
    case 'kind': return entity.kind;
    case 'source': return sourceKey(entity);
    case 'cluster': return clusterOf(entity);
    default: return clusterKey(entity);
  }
}

/**
 * Where a group's label goes under the client-side presets, or null for the
 * namespace preset (there the namespace rings carry their own labels).
 */
export function groupCenter(preset, key) {
  switch (normalizePreset(preset)) {
    case 'kind': return kindCenter(key);
    case 'source': return sourceCenter(key);
    case 'cluster': return instanceCenter(key);
    default: return null;
  }
}

/** The position the view should move `entity` to under `preset`. */
export function targetPosition(entity, preset = 'namespace') {
  switch (normalizePreset(preset)) {
    case 'kind': return typePosition(entity);
    case 'source': return sourcePosition(entity);
    case 'cluster': return clusterPosition(entity);
    default: return hasServerPosition(entity) ? [entity.x, entity.y, entity.z] : fallbackPosition(entity);
  }
}
