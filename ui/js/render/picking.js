// Ray tests for picking. Every mesh fits its unit ball, so a sphere of the
// instance's radius is a faithful target; the flat namespace ring is tested
// as an annulus so clicks inside the ring reach its members.

/** Distance along the ray to the sphere, or null. */
export function raySphere(ray, center, radius) {
  const ox = ray.origin[0] - center[0];
  const oy = ray.origin[1] - center[1];
  const oz = ray.origin[2] - center[2];
  const b = ox * ray.dir[0] + oy * ray.dir[1] + oz * ray.dir[2];
  const c = ox * ox + oy * oy + oz * oz - radius * radius;
  const disc = b * b - c;
  if (disc < 0) return null;
  const t = -b - Math.sqrt(disc);
  return t > 0 ? t : null;
}

/** Distance along the ray to a flat ring of `radius` ± `width` around `center` in its x-z plane, or null. */
export function rayRing(ray, center, radius, width) {
  if (Math.abs(ray.dir[1]) < 1e-4) return null;
  const t = (center[1] - ray.origin[1]) / ray.dir[1];
  if (t <= 0) return null;
  const x = ray.origin[0] + ray.dir[0] * t - center[0];
  const z = ray.origin[2] + ray.dir[2] * t - center[2];
  return Math.abs(Math.hypot(x, z) - radius) <= width ? t : null;
}

/**
 * How near the ray passes a segment a–b: `{ t, distance }` at the closest
 * approach (t along the ray, distance in world units), or null when that
 * point is behind the ray's origin. Used to pick a connection near its line.
 */
export function raySegment(ray, a, b) {
  const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const w = [ray.origin[0] - a[0], ray.origin[1] - a[1], ray.origin[2] - a[2]];
  const d = ray.dir;
  const dot = (p, q) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
  const uu = dot(u, u), ud = dot(u, d), dd = dot(d, d), uw = dot(u, w), dw = dot(d, w);
  const denom = uu * dd - ud * ud;
  // s along the segment (clamped to it), then t along the ray for that s.
  let s = uu === 0 ? 0 : denom > 1e-12 ? (uw * dd - ud * dw) / denom : 0;
  s = Math.min(1, Math.max(0, s));
  const t = (s * ud - dw) / dd;
  if (t <= 0) return null;
  const p = [a[0] + u[0] * s, a[1] + u[1] * s, a[2] + u[2] * s];
  const q = [ray.origin[0] + d[0] * t, ray.origin[1] + d[1] * t, ray.origin[2] + d[2] * t];
  return { t, distance: Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) };
}

/**
 * The segment the ray passes nearest, within `slope` × its distance along
 * the ray (so the tolerance is a constant angle: a few pixels on screen
 * at any zoom), nearest to the eye among those; null when none is that
 * close. `segments` yields `[key, a, b]`.
 */
export function nearestSegment(ray, segments, slope) {
  let best = null;
  let bestT = Infinity;
  for (const [key, a, b] of segments) {
    const hit = raySegment(ray, a, b);
    if (hit && hit.distance <= hit.t * slope && hit.t < bestT) { bestT = hit.t; best = key; }
  }
  return best;
}
