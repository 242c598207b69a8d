// High-churn namespaces (PROTOCOL.md `namespace_summary`, `high_churn_warning`;
// docs/CHURN.md). While a namespace churns, the view shows a per-service pod
// count for it instead of its individual pods. Pure: no DOM.

/** Namespaces currently churning: name → { rate, services, summary }. */
export function createChurnState() {
  return new Map();
}

/**
 * Applies one server notice. A `namespace_summary` with `churning: false`
 * (the "calmed" notice) ends the namespace's churn; any other notice starts
 * or refreshes it. Returns true when the set of churning namespaces changed.
 */
export function applyChurnNotice(churn, type, payload) {
  if (!payload || typeof payload.namespace !== 'string') return false;
  const ns = payload.namespace;
  const known = churn.has(ns);
  if (type === 'namespace_summary' && payload.churning === false) {
    churn.delete(ns);
    return known;
  }
  if (type !== 'namespace_summary' && type !== 'high_churn_warning') return false;
  const entry = churn.get(ns) ?? { namespace: ns, rate: 0, services: [], summary: null };
  if (typeof payload.churn_rate_pods_per_minute === 'number') entry.rate = payload.churn_rate_pods_per_minute;
  if (Array.isArray(payload.affected_services)) entry.services = payload.affected_services;
  if (type === 'namespace_summary') entry.summary = payload;
  churn.set(ns, entry);
  return !known;
}

/** True when the entity is a pod of a churning namespace: it is summarised, not drawn. */
export function isSummarised(churn, entity) {
  return entity.kind === 'pod' && churn.has(entity.namespace ?? '');
}

/**
 * Pods of `namespace` counted per service (their `app` label, as the server
 * names affected services), busiest first:
 * [{ service, total, running, pending, terminating, failed }].
 */
export function podCountsByService(entities, namespace) {
  const counts = new Map();
  for (const e of entities) {
    if (e.kind !== 'pod' || e.namespace !== namespace) continue;
    const service = e.labels?.app ?? '(no app label)';
    const c = counts.get(service) ?? { service, total: 0, running: 0, pending: 0, terminating: 0, failed: 0 };
    c.total += 1;
    if (e.status in c) c[e.status] += 1;
    counts.set(service, c);
  }
  return [...counts.values()].sort((a, b) => b.total - a.total || a.service.localeCompare(b.service));
}
