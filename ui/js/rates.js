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
 * container) starts over rather than giving a negative rate; an update with
 * unchanged counters keeps the previous sample and rate (it did not touch
 * the network), so a rate spans the time between two counter changes.
 */
export function observeEntity(tracker, entity, nowMs = Date.now()) {
  const rx = entity.network_rx_bytes;
  const tx = entity.network_tx_bytes;
  if (!Number.isFinite(rx) && !Number.isFinite(tx)) return;
  const prev = tracker.samples.get(entity.id);
  if (!rx && !tx && !prev) return; // nothing to measure; keep the map small
  // Most updates touch health, status or position, not the counters: they
  // keep the last sample (and its rate) and cost no date parsing.
  if (prev && (rx ?? 0) === prev.rx && (tx ?? 0) === prev.tx) return;
  const at = sampleTime(entity, nowMs);
  if (prev && at === prev.at) return; // two readings of one instant: keep the first
  let rate = null; // first sample, a counter reset or time going backwards: measure afresh
  if (prev && at > prev.at) {
    const dt = (at - prev.at) / 1000;
    const drx = (rx ?? 0) - prev.rx;
    const dtx = (tx ?? 0) - prev.tx;
    if (drx >= 0 && dtx >= 0) rate = { rx: drx / dt, tx: dtx / dt };
  }
  tracker.samples.set(entity.id, { at, rx: rx ?? 0, tx: tx ?? 0, rate });
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
