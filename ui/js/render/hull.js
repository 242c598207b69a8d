// Convex hull of a small point set, as flat-shaded triangles. Every kind's
// shape except the torus is a hull (or a union of hulls), which keeps the
// mesh table to a few lines of vertex lists instead of hand-written faces.
// Brute force is fine: meshes are built once, from at most a few dozen points.

const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const norm = (a) => { const l = Math.hypot(a[0], a[1], a[2]) || 1; return [a[0] / l, a[1] / l, a[2] / l]; };

/** Appends the hull of `points` to `out` ({ positions: [], normals: [] }). */
export function appendHull(points, out) {
  const eps = 1e-6;
  const planes = [];
  const n = points.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let k = j + 1; k < n; k++) {
        let normal = cross(sub(points[j], points[i]), sub(points[k], points[i]));
        if (Math.hypot(...normal) < eps) continue;
        normal = norm(normal);
        let d = dot(normal, points[i]);
        let above = 0;
        let below = 0;
        for (const p of points) {
          const s = dot(normal, p) - d;
          if (s > eps) above++;
          else if (s < -eps) below++;
        }
        if (above && below) continue;
        if (above) { normal = normal.map((v) => -v); d = -d; } // outward normal
        if (!planes.some((pl) => dot(pl.normal, normal) > 1 - 1e-5 && Math.abs(pl.d - d) < 1e-4)) planes.push({ normal, d });
      }
    }
  }
  for (const { normal, d } of planes) {
    const face = points.filter((p) => Math.abs(dot(normal, p) - d) < 1e-4);
    const c = face.reduce((acc, p) => [acc[0] + p[0] / face.length, acc[1] + p[1] / face.length, acc[2] + p[2] / face.length], [0, 0, 0]);
    // Order the face's points by angle around its centre, then fan-triangulate.
    const u = norm(sub(face[0], c));
    const v = cross(normal, u);
    face.sort((a, b) => Math.atan2(dot(sub(a, c), v), dot(sub(a, c), u)) - Math.atan2(dot(sub(b, c), v), dot(sub(b, c), u)));
    for (let i = 1; i + 1 < face.length; i++) {
      for (const p of [face[0], face[i], face[i + 1]]) {
        out.positions.push(p[0], p[1], p[2]);
        out.normals.push(normal[0], normal[1], normal[2]);
      }
    }
  }
  return out;
}
