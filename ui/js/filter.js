// Which entities the view shows. Pure: the renderer and panels call matches().
import { clusterOf } from './cluster.js';
import { healthBand } from './health.js';
import { sourceOf } from './state.js';

/** No filter: every entity matches. Empty sets mean "any". */
export function createFilter() {
  return { kinds: new Set(), namespaces: new Set(), bands: new Set(), sources: new Set(), clusters: new Set(), search: '' };
}

/** True when the filter restricts nothing. */
export function isFilterEmpty(filter) {
  return !filter.kinds.size && !filter.namespaces.size && !filter.bands.size && !filter.sources?.size && !filter.clusters?.size && !filter.search.trim();
}

/**
 * True when `entity` passes every part of `filter` (like PROTOCOL.md's
 * filtered views: an entity is visible when it matches every filter given).
 * The search matches name, id, namespace or a label value, case-insensitively.
 */
export function matchesFilter(entity, filter) {
  if (filter.kinds.size && !filter.kinds.has(entity.kind)) return false;
  if (filter.namespaces.size && !filter.namespaces.has(entity.namespace ?? '')) return false;
  if (filter.bands.size && !filter.bands.has(healthBand(entity.health))) return false;
  if (filter.sources?.size && !filter.sources.has(sourceOf(entity))) return false;
  if (filter.clusters?.size && !filter.clusters.has(clusterOf(entity))) return false;
  const q = filter.search.trim().toLowerCase();
  if (q) {
    const hay = [entity.name, entity.id, entity.namespace, ...Object.values(entity.labels ?? {})];
    if (!hay.some((s) => typeof s === 'string' && s.toLowerCase().includes(q))) return false;
  }
  return true;
}

/** The entities of `entities` (an iterable) that match, up to `limit`. */
export function filterEntities(entities, filter, limit = Infinity) {
  const out = [];
  for (const e of entities) {
    if (out.length >= limit) break;
    if (matchesFilter(e, filter)) out.push(e);
  }
  return out;
}

/** Sorted namespace names present in the state (for the filter checkboxes). */
export function namespacesOf(entities) {
  const set = new Set();
  for (const e of entities) if (e.namespace) set.add(e.namespace);
  return [...set].sort();
}
