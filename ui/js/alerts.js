// The Alerts tab: entities in the warning and critical bands, worst first.
import { HEALTH } from './config.js';

const byName = (a, b) => {
  const x = String(a.name);
  const y = String(b.name);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Entities with health below the healthy band, sorted by health then name
 * (code-point order: Kubernetes names are ASCII, and localeCompare costs
 * ~100x more in a sort of thousands).
 */
export function alertEntities(entities, limit = 200) {
  const out = [];
  for (const e of entities) if ((e.health ?? 0) < HEALTH.healthy) out.push(e);
  out.sort((a, b) => (a.health ?? 0) - (b.health ?? 0) || byName(a, b));
  return out.length > limit ? out.slice(0, limit) : out;
}
