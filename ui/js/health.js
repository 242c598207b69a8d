// Health bands and the green→red colour ramp. Pure: used by state, panels and renderer.
import { HEALTH } from './config.js';

/** 'healthy' | 'warning' | 'critical' for a health score in 0..1. */
export function healthBand(health) {
  const h = Number.isFinite(health) ? health : 0;
  if (h >= HEALTH.healthy) return 'healthy';
  if (h >= HEALTH.warning) return 'warning';
  return 'critical';
}

// Three stops rather than a straight red↔green mix, so mid health reads as amber
// instead of a muddy brown.
const STOPS = [
  [0.0, [0.92, 0.22, 0.2]],
  [0.5, [0.98, 0.68, 0.16]],
  [0.8, [0.55, 0.85, 0.3]],
  [1.0, [0.2, 0.82, 0.45]],
];

/** Linear RGB triple (0..1) for a health score; 0 is red, 1 is green. */
export function healthColor(health) {
  const h = Math.min(1, Math.max(0, Number.isFinite(health) ? health : 0));
  for (let i = 1; i < STOPS.length; i++) {
    const [t1, c1] = STOPS[i];
    if (h <= t1) {
      const [t0, c0] = STOPS[i - 1];
      const f = (h - t0) / (t1 - t0);
      return [c0[0] + (c1[0] - c0[0]) * f, c0[1] + (c1[1] - c0[1]) * f, c0[2] + (c1[2] - c0[2]) * f];
    }
  }
  return STOPS[STOPS.length - 1][1].slice();
}

/** CSS colour string for the same ramp (panels, bars). */
export function healthCss(health) {
  const [r, g, b] = healthColor(health);
  return `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;
}
