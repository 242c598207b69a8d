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
