// Connections as lines, and their traffic as points. Both passes read the
// same per-connection record, which holds each end's move so
// a line stays attached to entities that are mid-lerp.
import { createProgram, vertexAttributes } from './gl.js';
import { EDGE_FS, EDGE_VS, PARTICLE_FS, PARTICLE_VS } from './shaders.js';
import { SlotBuffer } from './slot-buffer.js';
import { EDGE_STYLES } from '../appearance.js';

const STRIDE = 18;
const VSTRIDE = STRIDE + 1; // vertex index, then the record
const PARTICLES = 4; // particle vertices per connection (the shader shows 1..4 by rate)
// Record layout: A from xyz, A t0 | A to xyz | B from xyz, B t0 | B to xyz | kind, rate, highlight, fade t0
const END_OFFSET = [0, 7];

export class EdgeLayer {
  constructor(gl) {
    this.gl = gl;
    // `slots` holds one record per connection (the CPU-side truth). The GPU
    // gets expanded copies, one vertex per line end or particle, each vertex
    // carrying its index and the whole record: plain drawArrays, no
    // instancing, because a software rasteriser (SwiftShader) runs every
    // instance as a draw of its own and thousands of 2-vertex instances
    // cost far more than the same vertices in one draw. Only connections of
    // a kind that carries traffic (http, grpc, nats) get particle vertices.
    this.slots = new SlotBuffer(null, STRIDE);
    this.lineVerts = new SlotBuffer(gl, 2 * VSTRIDE);
    this.particleVerts = new SlotBuffer(gl, PARTICLES * VSTRIDE);
    this.lines = this.createPass(EDGE_VS, EDGE_FS);
    this.particles = this.createPass(PARTICLE_VS, PARTICLE_FS);
    const vaoFor = (slots) => {
      const vao = gl.createVertexArray();
      gl.bindVertexArray(vao);
      slots.sync();
      vertexAttributes(gl, slots.buffer, VSTRIDE, [
        { location: 0, size: 1, offset: 0 },
        { location: 1, size: 4, offset: 1 }, { location: 2, size: 3, offset: 5 },
        { location: 3, size: 4, offset: 8 }, { location: 4, size: 3, offset: 12 },
        { location: 5, size: 4, offset: 15 },
      ]);
      gl.bindVertexArray(null);
      return vao;
    };
    this.lineVao = vaoFor(this.lineVerts);
    this.particleVao = vaoFor(this.particleVerts);
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
    this.lineVerts.alloc(id);
    if (this.carriesTraffic[kindIndex]) this.particleVerts.alloc(id);
    else this.particleVerts.free(id);
    this.mirror(id, off);
  }

  /** Copies `id`'s record (at `off` in slots) into its line and particle vertices. */
  mirror(id, off) {
    const record = this.slots.data.subarray(off, off + STRIDE);
    for (const verts of [this.lineVerts, this.particleVerts]) {
      const to = verts.offsetOf(id);
      if (to < 0) continue;
      const d = verts.data;
      for (let v = 0, o = to; o < to + verts.stride; v++, o += VSTRIDE) {
        d[o] = v;
        d.set(record, o + 1);
      }
      verts.touchId(id);
    }
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
    this.mirror(id, off);
  }

  setRate(id, rate) {
    const off = this.slots.offsetOf(id);
    if (off < 0 || this.slots.data[off + 15] === rate) return;
    this.slots.data[off + 15] = rate;
    this.mirror(id, off);
  }

  /** The highlight drawn for `id` (0 none, 1 dim, 2 traced), or null when it is not drawn. */
  highlightOf(id) {
    const off = this.slots.offsetOf(id);
    return off < 0 ? null : this.slots.data[off + 16];
  }

  setHighlight(id, value) {
    const off = this.slots.offsetOf(id);
    if (off < 0 || this.slots.data[off + 16] === value) return;
    this.slots.data[off + 16] = value;
    this.mirror(id, off);
  }

  hide(id) { this.slots.free(id); this.lineVerts.free(id); this.particleVerts.free(id); }

  /**
   * `detail`: 2 lines and particles, 1 lines only, 0 nothing (render/lod.js
   * edgeDetail). A pass that is not drawn is not uploaded either: its touched
   * records wait, marked, until it is drawn again.
   */
  draw(viewProj, now, detail = 2) {
    const gl = this.gl;
    if (detail >= 1) this.lineVerts.sync();
    if (detail >= 2) this.particleVerts.sync();
    const passes = [
      [this.lines, this.lineVao, gl.LINES, detail >= 1 ? this.lineVerts.count * 2 : 0],
      [this.particles, this.particleVao, gl.POINTS, detail >= 2 ? this.particleVerts.count * PARTICLES : 0],
    ];
    for (const [pass, vao, mode, vertices] of passes) {
      if (!vertices) continue;
      gl.bindVertexArray(vao);
      gl.useProgram(pass.program);
      gl.uniformMatrix4fv(pass.uViewProj, false, viewProj);
      gl.uniform1f(pass.uTime, now);
      gl.uniform4fv(pass.uKindColor, this.kindColor);
      gl.uniform2fv(pass.uKindStyle, this.kindStyle);
      gl.drawArrays(mode, 0, vertices);
    }
    gl.bindVertexArray(null);
  }
}
