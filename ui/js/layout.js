// Where an entity is drawn. The server's layout engine owns x, y, z; this
// module supplies the two client-side presets and the fallback used while an
// entity still sits at the origin (no layout yet), so the picture is never
// one blob. Pure: positions are plain [x, y, z] arrays.
import { hash3 } from './hash.js';
import { ENTITY_KINDS } from './config.js';

export const PRESETS = Object.freeze(['namespace', 'type']);

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

/** "By type" preset: one cluster per kind on a ring. */
export function typePosition(entity) {
  const index = Math.max(0, ENTITY_KINDS.indexOf(entity.kind));
  const angle = (index / ENTITY_KINDS.length) * Math.PI * 2;
  const center = [Math.cos(angle) * 70, 0, Math.sin(angle) * 70];
  return scatter(center, entity.id, CLUSTER_RADIUS);
}

/** The position the view should move `entity` to under `preset`. */
export function targetPosition(entity, preset = 'namespace') {
  if (preset === 'type') return typePosition(entity);
  return hasServerPosition(entity) ? [entity.x, entity.y, entity.z] : fallbackPosition(entity);
}
