// Times entity changes from the stream to the screen, for the watch event →
// screen benchmark (tests/bench/k8s_to_screen.py). Disarmed it costs one
// branch per update. Armed with a label key, it records for each new value
// of that label on an entity: when the update arrived, when its batch was
// applied and when the frame that draws it finished, as wall-clock epoch ms
// (performance.timeOrigin + performance.now(), comparable with the server's
// and the benchmark's own clock on the same machine).

const wall = () => performance.timeOrigin + performance.now();

export function createLatencyProbe() {
  let key = null;
  const received = new Map(); // label value → ms
  let pending = []; // { value, id, received, applied }
  let done = [];
  const labelOf = (u) => (u && (u.kind === 'add' || u.kind === 'update') ? u.entity?.labels?.[key] : undefined);
  return {
    /** Starts recording changes of label `labelKey` (clears earlier records). */
    arm(labelKey) { key = labelKey; received.clear(); pending = []; done = []; },
    received(update) {
      if (key === null) return;
      const v = labelOf(update);
      if (v !== undefined && !received.has(v)) received.set(v, wall());
    },
    applied(updates) {
      if (key === null) return;
      const t = wall();
      for (const u of updates) {
        const v = labelOf(u);
        if (v === undefined || !received.has(v)) continue;
        pending.push({ value: v, id: u.entity.id, received: received.get(v), applied: t });
        received.delete(v);
      }
    },
    /** Called after each frame is drawn. */
    frame() {
      if (!pending.length) return;
      const t = wall();
      for (const p of pending) done.push({ ...p, drawn: t });
      pending = [];
    },
    /** Records so far, oldest first; `drain` empties them. */
    records(drain = false) {
      const out = done;
      if (drain) done = [];
      return out;
    },
  };
}
