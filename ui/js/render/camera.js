// Orbit camera: a target point, yaw/pitch around it and a distance. Pure
// state plus math; controls.js turns pointer input into calls on it.
import { lookAt, multiply, perspective, transform } from './math.js';

export function createCamera() {
  return { target: [0, 0, 0], yaw: 0.6, pitch: 0.55, distance: 160, fovY: Math.PI / 4, aspect: 1, width: 1, height: 1 };
}

export function eyeOf(cam) {
  const cp = Math.cos(cam.pitch);
  return [
    cam.target[0] + cam.distance * cp * Math.sin(cam.yaw),
    cam.target[1] + cam.distance * Math.sin(cam.pitch),
    cam.target[2] + cam.distance * cp * Math.cos(cam.yaw),
  ];
}

/** { view, proj, viewProj } for the camera's current pose. */
export function matrices(cam) {
  const view = lookAt(eyeOf(cam), cam.target, [0, 1, 0]);
  const proj = perspective(cam.fovY, cam.aspect, Math.max(0.1, cam.distance / 500), cam.distance * 20 + 1000);
  return { view, proj, viewProj: multiply(proj, view) };
}

export function orbit(cam, dx, dy) {
  cam.yaw -= dx * 0.006;
  cam.pitch = Math.min(1.5, Math.max(-1.5, cam.pitch + dy * 0.006));
}

export function zoom(cam, factor) {
  cam.distance = Math.min(5000, Math.max(3, cam.distance * factor));
}

/** Moves the target in the screen plane, scaled so the scene follows the pointer. */
export function pan(cam, dx, dy) {
  const s = (cam.distance * Math.tan(cam.fovY / 2) * 2) / Math.max(1, cam.height);
  const right = [Math.cos(cam.yaw), 0, -Math.sin(cam.yaw)];
  const up = [-Math.sin(cam.pitch) * Math.sin(cam.yaw), Math.cos(cam.pitch), -Math.sin(cam.pitch) * Math.cos(cam.yaw)];
  for (let i = 0; i < 3; i++) cam.target[i] += (-dx * right[i] + dy * up[i]) * s;
}

/** Frames a bounding sphere. */
export function fit(cam, center, radius) {
  cam.target = center.slice();
  // The narrower of the two fields of view decides, so a tall phone frames as well as a wide screen.
  const half = Math.min(cam.fovY / 2, Math.atan(Math.tan(cam.fovY / 2) * cam.aspect));
  // 0.95: a bounding sphere slightly overstates a flat graph seen from above.
  cam.distance = Math.max(20, (radius * 0.95) / Math.sin(half));
}

/** CSS pixel position of a world point in the canvas, or null when behind the camera. */
export function project(viewProj, cam, p) {
  const [x, y, , w] = transform(viewProj, p);
  if (w <= 0) return null;
  return { x: ((x / w) * 0.5 + 0.5) * cam.width, y: (1 - ((y / w) * 0.5 + 0.5)) * cam.height, depth: w };
}

/** World-space ray { origin, dir } through CSS pixel (px, py) of the canvas. */
export function rayThrough(cam, px, py) {
  const eye = eyeOf(cam);
  const f = [cam.target[0] - eye[0], cam.target[1] - eye[1], cam.target[2] - eye[2]];
  const fl = Math.hypot(...f);
  const fwd = f.map((v) => v / fl);
  // right = forward × world-up, up = right × forward (matches lookAt).
  const rl = Math.hypot(fwd[2], fwd[0]) || 1;
  const right = [-fwd[2] / rl, 0, fwd[0] / rl];
  const up = [right[1] * fwd[2] - right[2] * fwd[1], right[2] * fwd[0] - right[0] * fwd[2], right[0] * fwd[1] - right[1] * fwd[0]];
  const t = Math.tan(cam.fovY / 2);
  const nx = ((px / cam.width) * 2 - 1) * t * cam.aspect;
  const ny = (1 - (py / cam.height) * 2) * t;
  const dir = [0, 1, 2].map((i) => fwd[i] + right[i] * nx + up[i] * ny);
  const dl = Math.hypot(...dir);
  return { origin: eye, dir: dir.map((v) => v / dl) };
}
