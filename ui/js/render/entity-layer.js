// Entities as instanced meshes: one draw call per kind. The layer is told
// what to show, move, pulse or fade; it never looks at the topology itself.
import { createProgram, instanceAttributes, staticBuffer, vertexAttributes } from './gl.js';
import { ENTITY_FS, ENTITY_POINT_FS, ENTITY_POINT_VS, ENTITY_VS } from './shaders.js';
import { MESH_DETAILS, MESH_KINDS, meshFor } from './meshes.js';
import { SlotBuffer } from './slot-buffer.js';
import { ANIM } from '../config.js';

export const STRIDE = 16;
// Record layout (floats): from xyz, move t0 | to xyz, radius | rgb, pulse t0 | fade t0, fade dir, flags, highlight
const SMOOTH = (k) => k * k * (3 - 2 * k);

export const HIGHLIGHT = Object.freeze({ none: 0, dim: 1, selected: 2, hover: 3, traced: 4 });

export class EntityLayer {
  constructor(gl) {
    this.gl = gl;
    this.program = createProgram(gl, ENTITY_VS, ENTITY_FS);
    this.uViewProj = gl.getUniformLocation(this.program, 'uViewProj');
    this.uTime = gl.getUniformLocation(this.program, 'uTime');
    this.uEye = gl.getUniformLocation(this.program, 'uEye');
    this.pointProgram = createProgram(gl, ENTITY_POINT_VS, ENTITY_POINT_FS);
    this.pViewProj = gl.getUniformLocation(this.pointProgram, 'uViewProj');
    this.pTime = gl.getUniformLocation(this.pointProgram, 'uTime');
    this.pPointScale = gl.getUniformLocation(this.pointProgram, 'uPointScale');
    this.kinds = new Map();
    this.kindOf = new Map();
    this.ghosts = [];
    this.ghostSerial = 0;
    for (const kind of MESH_KINDS) this.kinds.set(kind, this.createKind(kind));
  }

  createKind(kind) {
    const gl = this.gl;
    const slots = new SlotBuffer(gl, STRIDE);
    slots.sync();
    // One VAO per mesh detail (render/lod.js), all reading the same instance buffer.
    const meshes = MESH_DETAILS.map((detail) => {
      const mesh = meshFor(kind, detail);
      const vao = gl.createVertexArray();
      gl.bindVertexArray(vao);
      gl.bindBuffer(gl.ARRAY_BUFFER, staticBuffer(gl, mesh.positions));
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, staticBuffer(gl, mesh.normals));
      gl.enableVertexAttribArray(1);
      gl.vertexAttribPointer(1, 3, gl.FLOAT, false, 0, 0);
      instanceAttributes(gl, slots.buffer, STRIDE, [
        { location: 2, size: 4, offset: 0 }, { location: 3, size: 4, offset: 4 },
        { location: 4, size: 4, offset: 8 }, { location: 5, size: 4, offset: 12 },
      ]);
      gl.bindVertexArray(null);
      return { vao, vertexCount: mesh.positions.length / 3 };
    });
    // Points (detail 0, not for namespaces): the same records read per vertex.
    const pointVao = gl.createVertexArray();
    gl.bindVertexArray(pointVao);
    vertexAttributes(gl, slots.buffer, STRIDE, [
      { location: 2, size: 4, offset: 0 }, { location: 3, size: 4, offset: 4 },
      { location: 4, size: 4, offset: 8 }, { location: 5, size: 4, offset: 12 },
    ]);
    gl.bindVertexArray(null);
    return { meshes, slots, pointVao, points: kind !== 'namespace' };
  }

  meshKind(kind) {
    return this.kinds.has(kind) ? kind : 'custom';
  }

  has(id) { return this.kindOf.has(id); }

  /** Entities drawn, not counting removed ones that are still fading out. */
  get liveCount() { return this.kindOf.size; }

  slotOf(id) {
    const kind = this.kindOf.get(id);
    if (kind === undefined) return null;
    const slots = this.kinds.get(kind).slots;
    return { slots, off: slots.offsetOf(id) };
  }

  /** Starts drawing `id`, fading in from `from` (or appearing at `to`). */
  show(id, kind, { to, radius, color, flags, highlight = 0 }, now, fadeIn = true) {
    const meshKind = this.meshKind(kind);
    if (this.kindOf.has(id) && this.kindOf.get(id) !== meshKind) this.hide(id);
    this.kindOf.set(id, meshKind);
    const slots = this.kinds.get(meshKind).slots;
    const off = slots.alloc(id);
    const d = slots.data;
    d.set(to, off); d[off + 3] = -1e3;
    d.set(to, off + 4); d[off + 7] = radius;
    d.set(color, off + 8); d[off + 11] = -1e3;
    d[off + 12] = fadeIn ? now : -1e3; d[off + 13] = 1; d[off + 14] = flags; d[off + 15] = highlight;
    slots.touchId(id);
  }

  /** Updates looks; pulses when `pulse`; lerps from the current position when `to` moved. */
  update(id, { to, radius, color, flags }, now, pulse) {
    const at = this.slotOf(id);
    if (!at) return;
    const { slots, off } = at;
    const d = slots.data;
    if (d[off + 4] !== to[0] || d[off + 5] !== to[1] || d[off + 6] !== to[2]) {
      const from = this.positionAt(d, off, now);
      d.set(from, off); d[off + 3] = now;
      d.set(to, off + 4);
    }
    d[off + 7] = radius;
    d.set(color, off + 8);
    if (pulse) d[off + 11] = now;
    d[off + 14] = flags;
    slots.touchId(id);
  }

  /** The highlight drawn for `id` (HIGHLIGHT), or null when it is not drawn. */
  highlightOf(id) {
    const at = this.slotOf(id);
    return at ? at.slots.data[at.off + 15] : null;
  }

  setHighlight(id, value) {
    const at = this.slotOf(id);
    if (!at || at.slots.data[at.off + 15] === value) return;
    at.slots.data[at.off + 15] = value;
    at.slots.touchId(id);
  }

  /** Stops drawing `id` at once (filtered out). */
  hide(id) {
    const kind = this.kindOf.get(id);
    if (kind === undefined) return;
    this.kinds.get(kind).slots.free(id);
    this.kindOf.delete(id);
  }

  /** Removed entities fade out under a ghost id, so the real id is free at once. */
  fadeOut(id, now) {
    const at = this.slotOf(id);
    if (!at) return;
    const kind = this.kindOf.get(id);
    const ghost = `\u0000ghost${this.ghostSerial++}`;
    const d = at.slots.data;
    d.set(this.positionAt(d, at.off, now), at.off); d[at.off + 3] = -1e3;
    d.set(d.subarray(at.off, at.off + 3), at.off + 4);
    d[at.off + 12] = now; d[at.off + 13] = -1; d[at.off + 15] = 0;
    at.slots.touchId(id);
    at.slots.rename(id, ghost);
    this.kindOf.delete(id);
    this.ghosts.push({ ghost, kind, until: now + ANIM.fadeMs / 1000 });
  }

  positionAt(d, off, now) {
    const k = Math.min(1, Math.max(0, (now - d[off + 3]) / (ANIM.moveMs / 1000)));
    const s = SMOOTH(k);
    return [d[off] + (d[off + 4] - d[off]) * s, d[off + 1] + (d[off + 5] - d[off + 1]) * s, d[off + 2] + (d[off + 6] - d[off + 2]) * s];
  }

  /** Where `id` is drawn right now (mid-lerp included), or null. */
  position(id, now) {
    const at = this.slotOf(id);
    return at ? this.positionAt(at.slots.data, at.off, now) : null;
  }

  /** The end of `id`'s current move and its start, for edges that must follow it. */
  motion(id) {
    const at = this.slotOf(id);
    if (!at) return null;
    const d = at.slots.data;
    return { from: [d[at.off], d[at.off + 1], d[at.off + 2]], t0: d[at.off + 3], to: [d[at.off + 4], d[at.off + 5], d[at.off + 6]] };
  }

  radius(id) {
    const at = this.slotOf(id);
    return at ? at.slots.data[at.off + 7] : 0;
  }

  /** Calls fn(id, kind, position, radius) for every live instance. */
  forEach(now, fn) {
    for (const [kind, { slots }] of this.kinds) {
      const d = slots.data;
      for (let i = 0; i < slots.count; i++) {
        const id = slots.ids[i];
        if (id.charCodeAt(0) === 0) continue; // ghost
        const off = i * STRIDE;
        fn(id, kind, this.positionAt(d, off, now), d[off + 7]);
      }
    }
  }

  /**
   * Draws every kind: detail 1 full meshes, detail 0 low-detail namespace
   * rings and every other kind as points (render/lod.js). `pointScale` is
   * device pixels per world unit at clip w = 1 (canvas height / tan(fovY / 2) / 2);
   * `eye` the camera position (for the unhealthy rim light).
   */
  draw(viewProj, now, detail = 1, pointScale = 1, eye = [0, 0, 0]) {
    const gl = this.gl;
    while (this.ghosts.length && this.ghosts[0].until <= now) {
      const { ghost, kind } = this.ghosts.shift();
      this.kinds.get(kind).slots.free(ghost);
    }
    const asPoints = detail === 0;
    for (const { slots } of this.kinds.values()) slots.sync();
    gl.useProgram(this.program);
    gl.uniformMatrix4fv(this.uViewProj, false, viewProj);
    gl.uniform1f(this.uTime, now);
    gl.uniform3fv(this.uEye, eye);
    for (const { meshes, slots, points } of this.kinds.values()) {
      if (!slots.count || (asPoints && points)) continue;
      const { vao, vertexCount } = meshes[detail] ?? meshes[meshes.length - 1];
      gl.bindVertexArray(vao);
      gl.drawArraysInstanced(gl.TRIANGLES, 0, vertexCount, slots.count);
    }
    if (asPoints) {
      gl.useProgram(this.pointProgram);
      gl.uniformMatrix4fv(this.pViewProj, false, viewProj);
      gl.uniform1f(this.pTime, now);
      gl.uniform1f(this.pPointScale, pointScale);
      for (const { slots, pointVao, points } of this.kinds.values()) {
        if (!slots.count || !points) continue;
        gl.bindVertexArray(pointVao);
        gl.drawArrays(gl.POINTS, 0, slots.count);
      }
    }
    gl.bindVertexArray(null);
  }
}
