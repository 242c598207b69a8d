// Pure timeline logic: mapping times to scrubber positions, the playback
// clock, and the queue of live updates held back while the map shows the past.
// No DOM and no timers here, so node --test covers it (ui/test/timeline.test.mjs).

export const SPEEDS = [1, 2, 5, 10, 30, 60];
// Past this many held-back updates the queue is dropped and the return to
// live refetches the topology instead: a long look at the past must not grow
// memory without bound, and a refetch is what the queue would amount to.
export const QUEUE_LIMIT = 10000;

/** Position in [0, 1] of time `t` (ms) on the range {oldest, newest}; clamped. */
export function timeToPosition(t, range) {
  const span = range.newest - range.oldest;
  if (!(span > 0)) return 1;
  return Math.min(1, Math.max(0, (t - range.oldest) / span));
}

/**
 * Where the scrubber starts (ms): the oldest moment history rebuilds, from
 * `GET /api/infra/history`'s `oldest_time`; `fallback` (the page's load time)
 * when history holds nothing yet or is off (`body` null). Never after `fallback`:
 * the map has been live since then.
 */
export function historyStart(body, fallback) {
  const t = Date.parse(body?.oldest_time ?? '');
  return Number.isFinite(t) ? Math.min(t, fallback) : fallback;
}

/** Time (ms, whole) at position `p` in [0, 1] of the range; clamped. */
export function positionToTime(p, range) {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(p) ? p : 1));
  return Math.round(range.oldest + clamped * (range.newest - range.oldest));
}

/**
 * A playback clock over history time. `now` is an injected wall clock (ms).
 * While playing, history time advances `speed` times as fast as the wall
 * clock; it stops at `limit()` (the present), where the caller goes live.
 */
export function createPlaybackClock({ now, limit = () => Infinity }) {
  let base = 0;
  let wallBase = 0;
  let playing = false;
  let speed = 1;
  const clamp = (t) => Math.min(limit(), t);
  const clock = {
    get playing() { return playing; },
    get speed() { return speed; },
    time() { return clamp(playing ? base + (now() - wallBase) * speed : base); },
    seek(t) { base = clamp(t); wallBase = now(); },
    play() { if (!playing) { base = clock.time(); wallBase = now(); playing = true; } },
    pause() { if (playing) { base = clock.time(); playing = false; } },
    setSpeed(s) {
      if (!SPEEDS.includes(s)) throw new RangeError(`speed ${s} is not one of ${SPEEDS.join(', ')}`);
      base = clock.time(); wallBase = now(); speed = s;
    },
    /** True once playback has reached the present. */
    atLimit() { return clock.time() >= limit(); },
  };
  return clock;
}

/**
 * Holds live updates while the map is not live. `take()` on the return to
 * live gives the held updates, or `overflowed: true` when there were too many
 * and they were dropped (the caller then relies on its refetch alone).
 */
export function createLiveQueue(limit = QUEUE_LIMIT) {
  let items = [];
  let overflowed = false;
  return {
    get size() { return items.length; },
    get overflowed() { return overflowed; },
    /** The held updates, oldest first, without taking them. */
    peek() { return items.slice(); },
    push(update) {
      if (overflowed) return;
      if (items.length >= limit) { items = []; overflowed = true; return; }
      items.push(update);
    },
    take() {
      const result = { updates: items, overflowed };
      items = []; overflowed = false;
      return result;
    },
  };
}

/** Sparkline path (SVG `d`) of points [{time, avg}] in a w×h box; '' when empty. */
export function sparklinePath(points, w, h) {
  const usable = points.filter((p) => Number.isFinite(p.avg));
  if (usable.length === 0) return '';
  const t0 = usable[0].time, t1 = usable[usable.length - 1].time;
  let lo = Infinity, hi = -Infinity;
  for (const p of usable) { lo = Math.min(lo, p.avg); hi = Math.max(hi, p.avg); }
  const x = (t) => (t1 > t0 ? ((t - t0) / (t1 - t0)) * w : w);
  const y = (v) => (hi > lo ? h - ((v - lo) / (hi - lo)) * h : h / 2);
  return usable.map((p, i) => `${i ? 'L' : 'M'}${x(p.time).toFixed(1)},${y(p.avg).toFixed(1)}`).join('');
}

/** Events in [since, until] (ms), by their `timestamp`. */
export function eventsInWindow(events, since, until) {
  return events.filter((ev) => {
    const t = Date.parse(ev.timestamp);
    return Number.isFinite(t) && t >= since && t <= until;
  });
}
