// The Alerts tab: entities in the warning and critical bands, worst first.
import { HEALTH } from './config.js';

/** Entities with health below the healthy band, sorted by health then name. */
export function alertEntities(entities, limit = 200) {
  const out = [];
  for (const e of entities) if ((e.health ?? 0) < HEALTH.healthy) out.push(e);
  out.sort((a, b) => (a.health ?? 0) - (b.health ?? 0) || String(a.name).localeCompare(String(b.name)));
  return out.slice(0, limit);
}
