// Network traffic as a rate (bytes/s), not as the cumulative counters the
// protocol carries. Docker sources send the rate themselves
// (custom_metrics.network_rx_bytes_per_second / network_tx_bytes_per_second);
// for every other source the rate is computed here from successive samples
// of an entity's network_rx_bytes / network_tx_bytes. Pure: time is passed in.

const FIELDS = Object.freeze([
  ['rx', 'network_rx_bytes', 'network_rx_bytes_per_second'],
  ['tx', 'network_tx_bytes', 'network_tx_bytes_per_second'],
]);

/** Samples per entity id: { at (ms), rx, tx } of the last change, and the rate it gave. */
export function createRateTracker() {
  return { samples: new Map() };
}

// The sample's time: the entity's updated_at when the server sent one (the
// counters were read then), else when the client saw it.
function sampleTime(entity, nowMs) {
  const t = typeof entity.updated_at === 'string' ? Date.parse(entity.updated_at) : NaN;
  return Number.isFinite(t) ? t : nowMs;
}

/**
 * Records `entity`'s counters. A counter that went backwards (a restarted
 * container) starts over rather than giving a negative rate; a sample with
 * unchanged counters and time keeps the previous rate (an update that did
 * not touch the network).
 */
export function observeEntity(tracker, entity, nowMs = Date.now()) {
  const rx = entity.network_rx_bytes;
  const tx = entity.network_tx_bytes;
  if (!Number.isFinite(rx) && !Number.isFinite(tx)) return;
  if (!rx && !tx && !tracker.samples.has(entity.id)) return; // nothing to measure; keep the map small
  const at = sampleTime(entity, nowMs);
  const prev = tracker.samples.get(entity.id);
  const next = { at, rx: rx ?? 0, tx: tx ?? 0, rate: prev?.rate ?? null };
  if (prev && at > prev.at && (next.rx !== prev.rx || next.tx !== prev.tx)) {
    const dt = (at - prev.at) / 1000;
    const drx = next.rx - prev.rx;
    const dtx = next.tx - prev.tx;
    next.rate = drx < 0 || dtx < 0 ? null : { rx: drx / dt, tx: dtx / dt };
  } else if (prev && (at < prev.at || next.rx < prev.rx || next.tx < prev.tx)) {
    next.rate = null;
  } else if (prev && at === prev.at) {
    return;
  }
  tracker.samples.set(entity.id, next);
}

/** Forgets a removed entity. */
export function forgetEntity(tracker, id) {
  tracker.samples.delete(id);
}

/**
 * { rx, tx, measured } bytes/s for `entity`: the source's own rate when it
 * sends one, else the tracker's, else null for each (no second sample yet).
 * `measured` says where the figure came from: 'source', 'computed' or null.
 */
export function networkRates(entity, tracker) {
  const m = entity.custom_metrics ?? {};
  const out = { rx: null, tx: null, measured: null };
  for (const [key, , metric] of FIELDS) {
    if (Number.isFinite(m[metric])) { out[key] = m[metric]; out.measured = 'source'; }
  }
  if (out.measured) return out;
  const rate = tracker?.samples.get(entity.id)?.rate;
  if (rate) return { rx: rate.rx, tx: rate.tx, measured: 'computed' };
  return out;
}
