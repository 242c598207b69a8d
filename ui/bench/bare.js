// The floor for the UI benchmark: the main page's entities drawn with the
// same meshes (or, far away, the same points: render/lod.js), sizes,
// positions, camera framing, canvas size and context attributes, one draw per
// kind, and nothing else: no edges, no
// particles, no animation, no blending, no panels, no stream. The fps it
// reports is what the rasteriser allows for this picture; the main page's fps
// divided by it is our overhead (docs/BENCHMARKS-UI.md).
import { createProgram, instanceAttributes, staticBuffer, vertexAttributes } from '../js/render/gl.js';
import { meshFor } from '../js/render/meshes.js';
import { createCamera, fit, matrices } from '../js/render/camera.js';
import { meshDetail } from '../js/render/lod.js';
import { entityColor, entitySize } from '../js/appearance.js';
import { targetPosition } from '../js/layout.js';
import { fetchJson } from '../js/stream/fetch-json.js';

const VS = `#version 300 es
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec3 aNormal;
layout(location = 2) in vec4 aAt;     // xyz centre, w radius
layout(location = 3) in vec3 aColor;
uniform mat4 uViewProj;
out vec3 vColor;
out vec3 vNormal;
void main() {
  vColor = aColor;
  vNormal = aNormal;
  gl_Position = uViewProj * vec4(aAt.xyz + aPos * aAt.w, 1.0);
}`;
const FS = `#version 300 es
precision highp float;
in vec3 vColor;
in vec3 vNormal;
out vec4 outColor;
void main() {
  float key = max(dot(normalize(vNormal), normalize(vec3(0.4, 0.85, 0.35))), 0.0);
  outColor = vec4(vColor * (0.35 + 0.6 * key), 1.0);
}`;

// Points, for the same far-away level of detail as the main page (render/lod.js).
const POINT_VS = `#version 300 es
layout(location = 2) in vec4 aAt;
layout(location = 3) in vec3 aColor;
uniform mat4 uViewProj;
uniform float uPointScale;
out vec3 vColor;
void main() {
  vColor = aColor;
  gl_Position = uViewProj * vec4(aAt.xyz, 1.0);
  gl_PointSize = clamp(2.0 * aAt.w * uPointScale / max(gl_Position.w, 1e-3), 2.0, 64.0);
}`;
const POINT_FS = `#version 300 es
precision highp float;
in vec3 vColor;
out vec4 outColor;
void main() {
  vec2 d = gl_PointCoord * 2.0 - 1.0;
  float r2 = dot(d, d);
  if (r2 > 1.0) discard;
  outColor = vec4(vColor * (0.35 + 0.7 * sqrt(1.0 - r2)), 1.0);
}`;

const params = new URLSearchParams(location.search);
const canvas = document.getElementById('canvas');
const stats = document.getElementById('stats');
const cssW = Number(params.get('w')) || innerWidth;
const cssH = Number(params.get('h')) || innerHeight;
const dpr = Math.min(window.devicePixelRatio || 1, 2);
canvas.style.width = `${cssW}px`;
canvas.style.height = `${cssH}px`;
canvas.width = Math.round(cssW * dpr);
canvas.height = Math.round(cssH * dpr);

// Same context attributes as render/renderer.js.
const gl = canvas.getContext('webgl2', { antialias: true, alpha: false, powerPreference: 'high-performance' });
const program = createProgram(gl, VS, FS);
const uViewProj = gl.getUniformLocation(program, 'uViewProj');
const pointProgram = createProgram(gl, POINT_VS, POINT_FS);
const pViewProj = gl.getUniformLocation(pointProgram, 'uViewProj');
const pPointScale = gl.getUniformLocation(pointProgram, 'uPointScale');
gl.clearColor(0.043, 0.055, 0.078, 1);
gl.enable(gl.DEPTH_TEST);

let frames = 0;
let windowStart = performance.now();
let fps = 0;
let totalFrames = 0;
let instances = 0;
let ready = false;
let detail = 1;
const draws = [];

async function load() {
  const topology = await fetchJson('../api/infra/topology');
  const limit = Number(params.get('n')) || Infinity;
  const entities = (topology.entities ?? []).slice(0, limit);
  const degree = new Map();
  for (const c of topology.connections ?? []) {
    degree.set(c.source_id, (degree.get(c.source_id) ?? 0) + 1);
    degree.set(c.target_id, (degree.get(c.target_id) ?? 0) + 1);
  }
  const byKind = new Map();
  for (const e of entities) {
    if (!byKind.has(e.kind)) byKind.set(e.kind, []);
    byKind.get(e.kind).push(e);
  }
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const placed = [];
  const records = new Map();
  for (const [kind, list] of byKind) {
    const data = new Float32Array(list.length * 7);
    list.forEach((e, i) => {
      const p = targetPosition(e, 'namespace');
      const r = entitySize(e, degree.get(e.id) ?? 0);
      data.set(p, i * 7); data[i * 7 + 3] = r; data.set(entityColor(e), i * 7 + 4);
      placed.push([p, r]);
      for (let k = 0; k < 3; k++) { lo[k] = Math.min(lo[k], p[k]); hi[k] = Math.max(hi[k], p[k]); }
    });
    records.set(kind, data);
  }
  // Framed as render/renderer.js fitView does: box centre, farthest point plus its radius.
  const camera = createCamera();
  camera.width = cssW; camera.height = cssH; camera.aspect = cssW / cssH;
  const center = lo.map((v, i) => (Number.isFinite(v) ? (v + hi[i]) / 2 : 0));
  let radius = 10;
  for (const [p, r] of placed) radius = Math.max(radius, Math.hypot(p[0] - center[0], p[1] - center[1], p[2] - center[2]) + r);
  fit(camera, center, radius);
  const viewProj = matrices(camera).viewProj;
  // The same mesh detail rule as the main page (render/lod.js), unless ?detail= pins it.
  detail = params.has('detail') ? Number(params.get('detail')) : meshDetail(camera, canvas.height);
  for (const [kind, data] of records) {
    if (detail === 0 && kind !== 'namespace') {
      // As the main page at detail 0: a plain draw of points per kind.
      const vao = gl.createVertexArray();
      gl.bindVertexArray(vao);
      vertexAttributes(gl, staticBuffer(gl, data), 7, [{ location: 2, size: 4, offset: 0 }, { location: 3, size: 3, offset: 4 }]);
      gl.bindVertexArray(null);
      draws.push({ kind, vao, vertexCount: 0, count: data.length / 7 });
      instances += data.length / 7;
      continue;
    }
    const mesh = meshFor(kind, detail);
    const vao = gl.createVertexArray();
    gl.bindVertexArray(vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, staticBuffer(gl, mesh.positions));
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, staticBuffer(gl, mesh.normals));
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 3, gl.FLOAT, false, 0, 0);
    instanceAttributes(gl, staticBuffer(gl, data), 7, [{ location: 2, size: 4, offset: 0 }, { location: 3, size: 3, offset: 4 }]);
    gl.bindVertexArray(null);
    draws.push({ kind, vao, vertexCount: mesh.positions.length / 3, count: data.length / 7 });
    instances += data.length / 7;
  }
  gl.useProgram(program);
  gl.uniformMatrix4fv(uViewProj, false, viewProj);
  gl.useProgram(pointProgram);
  gl.uniformMatrix4fv(pViewProj, false, viewProj);
  gl.uniform1f(pPointScale, canvas.height / Math.tan(camera.fovY / 2) / 2);
  ready = true;
}

function frame() {
  gl.viewport(0, 0, canvas.width, canvas.height);
  gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
  gl.useProgram(program);
  for (const { vao, vertexCount, count } of draws) {
    if (!vertexCount) continue;
    gl.bindVertexArray(vao);
    gl.drawArraysInstanced(gl.TRIANGLES, 0, vertexCount, count);
  }
  gl.useProgram(pointProgram);
  for (const { vao, vertexCount, count } of draws) {
    if (vertexCount) continue;
    gl.bindVertexArray(vao);
    gl.drawArrays(gl.POINTS, 0, count);
  }
  frames++;
  totalFrames++;
  const now = performance.now();
  if (now - windowStart >= 1000) {
    fps = (frames * 1000) / (now - windowStart);
    frames = 0;
    windowStart = now;
    stats.textContent = `${instances} instances · ${draws.length} draws · ${fps.toFixed(1)} fps`;
  }
  requestAnimationFrame(frame);
}

load().then(() => requestAnimationFrame(frame), (err) => { stats.textContent = `error: ${err.message}`; });

window.bare = Object.freeze({
  ready: () => ready,
  fps: () => fps,
  frames: () => totalFrames,
  instances: () => instances,
  meshDetail: () => detail,
  draws: () => draws.map(({ kind, vertexCount, count }) => ({ kind, triangles: vertexCount / 3, count, as: vertexCount ? 'instanced mesh' : 'points' })),
});
