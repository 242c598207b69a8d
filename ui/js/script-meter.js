// Main-thread script time per animation frame, for the benchmark and for
// people's own scripts (window.gestalt.scriptTimePerFrame). Wrapped work (the
// frame callback, stream message handling, batch application) is timed and
// summed; at each frame boundary the sum is attributed to that frame. Pure:
// the clock is injected.

export function createScriptMeter({ clock = () => performance.now(), windowMs = 1000 } = {}) {
  let busy = 0;        // ms of wrapped work in the current window
  let frames = 0;      // frames in the current window
  let windowStart = clock();
  let last = { msPerFrame: 0, msPerSecond: 0, frames: 0 };
  let depth = 0;       // nested measure() calls count once
  return {
    /** Runs fn, adding its duration to the current window. */
    measure(fn) {
      if (depth) return fn();
      depth++;
      const t0 = clock();
      try { return fn(); } finally { busy += clock() - t0; depth--; }
    },
    /** Marks the end of a frame; rolls the window when it is full. */
    frame() {
      frames++;
      const now = clock();
      const span = now - windowStart;
      if (span >= windowMs) {
        last = { msPerFrame: busy / frames, msPerSecond: (busy * 1000) / span, frames };
        busy = 0;
        frames = 0;
        windowStart = now;
      }
    },
    /** The last full window: { msPerFrame, msPerSecond, frames }. */
    get last() { return { ...last }; },
  };
}
