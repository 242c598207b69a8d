// Connections as instanced lines, and their traffic as instanced points. Both
// passes read the same per-connection record, which holds each end's move so
// a line stays attached to entities that are mid-lerp.
import { createProgram, instanceAttributes, staticBuffer } from './gl.js';
import { EDGE_FS, EDGE_VS, PARTICLE_FS, PARTICLE_VS } from './shaders.js';
import { SlotBuffer } from './slot-buffer.js';
import { EDGE_STYLES } from '../appearance.js';

const STRIDE = 18;
// Record layout: A from xyz, A t0 | A to xyz | B from xyz, B t0 | B to xyz | kind, rate, highlight, fade t0
const END_OFFSET = [0, 7];

export class EdgeLayer {
  constructor(gl) {
    this.gl = gl;
    // Every connection has a record in `slots` (lines); those of a kind that
    // carries traffic (http, grpc, nats) have a copy in `traffic` too, so the
    // particle pass never visits the many connections that cannot have any.
    this.slots = new SlotBuffer(gl, STRIDE);
    this.traffic = new SlotBuffer(gl, STRIDE);
    this.lines = this.createPass(EDGE_VS, EDGE_FS);
    this.particles = this.createPass(PARTICLE_VS, PARTICLE_FS);
    const vertices = staticBuffer(gl, new Float32Array([0, 1, 2, 3]));
    const vaoFor = (slots) => {
      const vao = gl.createVertexArray();
      gl.bindVertexArray(vao);
      gl.bindBuffer(gl.ARRAY_BUFFER, vertices);
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 1, gl.FLOAT, false, 0, 0);
      slots.sync();
      instanceAttributes(gl, slots.buffer, STRIDE, [
        { location: 1, size: 4, offset: 0 }, { location: 2, size: 3, offset: 4 },
        { location: 3, size: 4, offset: 7 }, { location: 4, size: 3, offset: 11 },
        { location: 5, size: 4, offset: 14 },
      ]);
      gl.bindVertexArray(null);
      return vao;
    };
    this.vao = vaoFor(this.slots);
    this.trafficVao = vaoFor(this.traffic);
    const styles = Object.values(EDGE_STYLES);
    this.kindColor = new Float32Array(styles.flatMap((s) => [...s.color, s.alpha]));
    this.kindStyle = new Float32Array(styles.flatMap((s) => [s.dash, s.particles]));
    this.carriesTraffic = styles.map((s) => s.particles > 0);
  }

  createPass(vs, fs) {
    const gl = this.gl;
    const program = createProgram(gl, vs, fs);
    return {
      program,
      uViewProj: gl.getUniformLocation(program, 'uViewProj'),
      uTime: gl.getUniformLocation(program, 'uTime'),
      uKindColor: gl.getUniformLocation(program, 'uKindColor'),
      uKindStyle: gl.getUniformLocation(program, 'uKindStyle'),
    };
  }

  has(id) { return this.slots.has(id); }

  get count() { return this.slots.count; }

  show(id, kindIndex, rate, a, b, now, highlight = 0) {
    const fresh = !this.slots.has(id);
    const off = this.slots.alloc(id);
    const d = this.slots.data;
    this.writeEnd(d, off, 0, a);
    this.writeEnd(d, off, 1, b);
    d[off + 14] = kindIndex; d[off + 15] = rate; d[off + 16] = highlight;
    if (fresh) d[off + 17] = now;
    this.slots.touchId(id);
    if (this.carriesTraffic[kindIndex]) this.traffic.alloc(id);
    else this.traffic.free(id);
    this.mirror(id, off);
  }

  /** Copies `id`'s record (at `off` in slots) to the traffic buffer when it has one there. */
  mirror(id, off) {
    const to = this.traffic.offsetOf(id);
    if (to < 0) return;
    this.traffic.data.set(this.slots.data.subarray(off, off + STRIDE), to);
    this.traffic.touchId(id);
  }

  writeEnd(d, off, end, motion) {
    const o = off + END_OFFSET[end];
    d.set(motion.from, o); d[o + 3] = motion.t0; d.set(motion.to, o + 4);
  }

  /** Re-attaches one end (0 source, 1 target) after its entity moved. */
  setEnd(id, end, motion) {
    const off = this.slots.offsetOf(id);
    if (off < 0) return;
    this.writeEnd(this.slots.data, off, end, motion);
    this.slots.touchId(id);
    this.mirror(id, off);
  }

  setRate(id, rate) {
    const off = this.slots.offsetOf(id);
    if (off < 0 || this.slots.data[off + 15] === rate) return;
    this.slots.data[off + 15] = rate;
    this.slots.touchId(id);
    this.mirror(id, off);
  }

  setHighlight(id, value) {
    const off = this.slots.offsetOf(id);
    if (off < 0 || this.slots.data[off + 16] === value) return;
    this.slots.data[off + 16] = value;
    this.slots.touchId(id);
    this.mirror(id, off);
  }

  hide(id) { this.slots.free(id); this.traffic.free(id); }

  draw(viewProj, now) {
    const gl = this.gl;
    this.slots.sync();
    this.traffic.sync();
    const passes = [[this.lines, this.vao, gl.LINES, 2, this.slots.count], [this.particles, this.trafficVao, gl.POINTS, 4, this.traffic.count]];
    for (const [pass, vao, mode, vertices, count] of passes) {
      if (!count) continue;
      gl.bindVertexArray(vao);
      gl.useProgram(pass.program);
      gl.uniformMatrix4fv(pass.uViewProj, false, viewProj);
      gl.uniform1f(pass.uTime, now);
      gl.uniform4fv(pass.uKindColor, this.kindColor);
      gl.uniform2fv(pass.uKindStyle, this.kindStyle);
      gl.drawArraysInstanced(mode, 0, vertices, count);
    }
    gl.bindVertexArray(null);
  }
}
