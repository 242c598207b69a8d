// One mesh per entity kind (the plan's shape table, plus distinct shapes for
// the kinds it leaves open). Every mesh fits in a unit ball, so an
// instance's scale is its radius and picking can test a sphere.
import { appendHull } from './hull.js';

const PHI = (1 + Math.sqrt(5)) / 2;

function normalize(points) {
  const r = Math.max(...points.map((p) => Math.hypot(p[0], p[1], p[2])));
  return points.map((p) => p.map((v) => v / r));
}

function ring(count, radius, y, phase = 0) {
  return Array.from({ length: count }, (_, i) => {
    const a = phase + (i / count) * Math.PI * 2;
    return [Math.cos(a) * radius, y, Math.sin(a) * radius];
  });
}

const box = (x, y, z) => [-1, 1].flatMap((a) => [-1, 1].flatMap((b) => [-1, 1].map((c) => [a * x, b * y, c * z])));
const prism = (sides, radius, half, phase = 0) => [...ring(sides, radius, -half, phase), ...ring(sides, radius, half, phase)];

function sphere(rings, segments) {
  const pts = [[0, 1, 0], [0, -1, 0]];
  for (let i = 1; i < rings; i++) {
    const phi = (i / rings) * Math.PI;
    pts.push(...ring(segments, Math.sin(phi), Math.cos(phi), i % 2 ? 0 : Math.PI / segments));
  }
  return pts;
}

const ICOSAHEDRON = [
  [0, 1, PHI], [0, -1, PHI], [0, 1, -PHI], [0, -1, -PHI],
  [1, PHI, 0], [-1, PHI, 0], [1, -PHI, 0], [-1, -PHI, 0],
  [PHI, 0, 1], [-PHI, 0, 1], [PHI, 0, -1], [-PHI, 0, -1],
];
const DODECAHEDRON = [
  ...box(1, 1, 1),
  ...[-1, 1].flatMap((a) => [-1, 1].flatMap((b) => [[0, a / PHI, b * PHI], [a / PHI, b * PHI, 0], [a * PHI, 0, b / PHI]])),
];
const TETRAHEDRON = [[1, 1, 1], [-1, -1, 1], [-1, 1, -1], [1, -1, -1]];
const OCTAHEDRON = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];

// Convex parts per kind; a kind with several parts is their union.
const SHAPES = {
  pod: [sphere(6, 10)],
  service: [OCTAHEDRON],
  deployment: [DODECAHEDRON],
  container: [box(1, 1, 1)],
  nats_subject: [[[0, 1, 0], ...ring(14, 0.75, -0.7)]],
  database: [prism(16, 0.8, 0.6)],
  volume: [box(0.55, 0.95, 0.55)],
  configmap: [ICOSAHEDRON],
  secret: [TETRAHEDRON],
  node: [box(1, 0.3, 0.75)],
  nats_stream: [prism(8, 0.45, 1).map(([x, y, z]) => [y, x, z])], // a pipe lying along x
  ingress: [[[0, -1, 0], ...ring(4, 0.9, 0.6)]], // an upturned square funnel
  replicaset: [prism(3, 0.9, 0.55, Math.PI / 2)],
  statefulset: [[[0, 1, 0], [0, -1, 0], ...ring(5, 0.8, 0)]], // pentagonal bipyramid
  daemonset: [box(1, 0.28, 0.28), box(0.28, 1, 0.28), box(0.28, 0.28, 1)], // a jack: one per node
  job: [prism(6, 0.85, 0.35)],
  cronjob: [prism(16, 0.95, 0.14).map(([x, y, z]) => [x, z, y])], // a clock face standing up
  custom: [TETRAHEDRON, TETRAHEDRON.map((p) => p.map((v) => -v))], // star tetrahedron
};

// Low-detail stand-ins for the kinds whose full mesh is expensive, used when
// entities are a few pixels across (render/lod.js): same silhouette, fewer
// triangles. Kinds not listed here are already cheap and keep their mesh.
const LOW_SHAPES = {
  pod: [sphere(3, 8)],
  database: [prism(8, 0.8, 0.6)],
  nats_subject: [[[0, 1, 0], ...ring(8, 0.75, -0.7)]],
  cronjob: [prism(8, 0.95, 0.14).map(([x, y, z]) => [x, z, y])],
};

// The namespace torus lies flat (x-z plane), ringing its members like the
// plan's namespace rings; a thin tube keeps what is inside visible.
function torus(major = 1, minor = 0.045, rings = 48, sides = 6) {
  const positions = [];
  const normals = [];
  const at = (i, j) => {
    const u = (i / rings) * Math.PI * 2;
    const v = (j / sides) * Math.PI * 2;
    const n = [Math.cos(v) * Math.cos(u), Math.sin(v), Math.cos(v) * Math.sin(u)];
    return { p: [(major + minor * Math.cos(v)) * Math.cos(u), minor * Math.sin(v), (major + minor * Math.cos(v)) * Math.sin(u)], n };
  };
  for (let i = 0; i < rings; i++) {
    for (let j = 0; j < sides; j++) {
      const a = at(i, j); const b = at(i + 1, j); const c = at(i + 1, j + 1); const d = at(i, j + 1);
      for (const q of [a, b, c, a, c, d]) { positions.push(...q.p); normals.push(...q.n); }
    }
  }
  return { positions: new Float32Array(positions), normals: new Float32Array(normals) };
}

/**
 * { positions, normals } (Float32Array, triangle list) for `kind`; unknown
 * kinds get the custom shape. `detail` 0 is the low-detail mesh (see LOW_SHAPES).
 */
export function meshFor(kind, detail = 1) {
  if (kind === 'namespace') return detail ? torus() : torus(1, 0.045, 32, 3);
  const parts = (detail ? null : LOW_SHAPES[kind]) ?? SHAPES[kind] ?? SHAPES.custom;
  const all = normalize(parts.flat());
  const out = { positions: [], normals: [] };
  let offset = 0;
  for (const part of parts) {
    appendHull(all.slice(offset, offset + part.length), out);
    offset += part.length;
  }
  return { positions: new Float32Array(out.positions), normals: new Float32Array(out.normals) };
}

/** Mesh details: 0 low, 1 full. */
export const MESH_DETAILS = Object.freeze([0, 1]);

/** Kinds with a mesh of their own. */
export const MESH_KINDS = Object.freeze(['namespace', ...Object.keys(SHAPES)]);
