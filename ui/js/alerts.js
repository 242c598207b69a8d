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

// The server's alerts (GET /api/infra/alerts, and `event: alert` on its
// stream): firing ones by id, resolved ones newest first. The server decides
// what fires; the page only keeps the list.
const RANK = { critical: 3, error: 2, warning: 1, info: 0 };

export function createAlertBook() {
  return { active: new Map(), resolved: [] };
}

/** Replaces the book's contents with a `/api/infra/alerts` answer. */
export function loadAlerts(book, list) {
  book.active = new Map((list.active ?? []).map((a) => [a.id, a]));
  book.resolved = [...(list.resolved ?? [])];
}

/** Applies one fired or resolved alert; a repeat changes nothing. */
export function applyAlert(book, alert, keepResolved = 100) {
  if (alert.state === 'resolved') {
    book.active.delete(alert.id);
    if (book.resolved.some((a) => a.id === alert.id && a.resolved_at === alert.resolved_at)) return;
    book.resolved.unshift(alert);
    if (book.resolved.length > keepResolved) book.resolved.length = keepResolved;
  } else if (alert.state === 'firing') {
    book.active.set(alert.id, alert);
  }
}

/** Firing alerts, most severe first, then by id (the server's order). */
export function activeAlerts(book) {
  return [...book.active.values()].sort((a, b) => (RANK[b.severity] ?? 0) - (RANK[a.severity] ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
