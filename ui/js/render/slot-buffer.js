// A growable array of fixed-size records mirrored in one GL buffer. Records
// are kept dense (removal swaps the last record into the hole) so a draw
// call covers slots 0..count-1, and only the records touched since the last
// upload are sent, as a few merged runs (dirty-ranges.js), not the whole
// span between the lowest and highest touched record.
import { planUploads } from './dirty-ranges.js';

// Above this share of the records touched, one upload of them all is cheaper than planning.
const WHOLE_ABOVE = 0.5;

export class SlotBuffer {
  constructor(gl, stride, initialCapacity = 256) {
    this.gl = gl;
    this.stride = stride;
    this.capacity = initialCapacity;
    this.data = new Float32Array(stride * initialCapacity);
    this.ids = [];
    this.slots = new Map();
    this.buffer = gl ? gl.createBuffer() : null;
    this.dirtyFlags = new Uint8Array(initialCapacity);
    this.dirty = [];
    this.resized = true;
    /** Floats sent by the last sync() (for tests and the curious). */
    this.lastUploadFloats = 0;
  }

  get count() { return this.ids.length; }

  has(id) { return this.slots.has(id); }

  /** Offset of `id`'s record in `data`, or -1. */
  offsetOf(id) {
    const slot = this.slots.get(id);
    return slot === undefined ? -1 : slot * this.stride;
  }

  /** Allocates a record for `id` (or returns its existing one); returns its offset. */
  alloc(id) {
    const existing = this.slots.get(id);
    if (existing !== undefined) return existing * this.stride;
    if (this.ids.length === this.capacity) {
      this.capacity *= 2;
      const data = new Float32Array(this.stride * this.capacity);
      data.set(this.data);
      this.data = data;
      const flags = new Uint8Array(this.capacity);
      flags.set(this.dirtyFlags);
      this.dirtyFlags = flags;
      this.resized = true;
    }
    const slot = this.ids.length;
    this.ids.push(id);
    this.slots.set(id, slot);
    this.touch(slot);
    return slot * this.stride;
  }

  /** Removes `id`'s record, moving the last record into its slot. */
  free(id) {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    const last = this.ids.length - 1;
    if (slot !== last) {
      const movedId = this.ids[last];
      this.data.copyWithin(slot * this.stride, last * this.stride, (last + 1) * this.stride);
      this.ids[slot] = movedId;
      this.slots.set(movedId, slot);
      this.touch(slot);
    }
    this.ids.pop();
    this.slots.delete(id);
  }

  /** Marks `id`'s record for upload after the caller wrote into `data`. */
  touchId(id) {
    const slot = this.slots.get(id);
    if (slot !== undefined) this.touch(slot);
  }

  touch(slot) {
    if (this.dirtyFlags[slot]) return;
    this.dirtyFlags[slot] = 1;
    this.dirty.push(slot);
  }

  /** True when records were touched (or the buffer grew) since the last sync(). */
  get needsSync() { return this.resized || this.dirty.length > 0; }

  /** Uploads what changed since the last call. */
  sync() {
    const gl = this.gl;
    const stride = this.stride;
    this.lastUploadFloats = 0;
    if (this.resized) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
      gl.bufferData(gl.ARRAY_BUFFER, this.data, gl.DYNAMIC_DRAW);
      this.lastUploadFloats = this.data.length;
      this.resized = false;
    } else if (this.dirty.length) {
      const ranges = this.dirty.length >= this.count * WHOLE_ABOVE ? [[0, this.count - 1]] : planUploads(this.dirty, this.count);
      if (ranges.length && ranges[0][1] >= ranges[0][0]) gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
      for (const [from, to] of ranges) {
        if (to < from) continue;
        gl.bufferSubData(gl.ARRAY_BUFFER, from * stride * 4, this.data, from * stride, (to - from + 1) * stride);
        this.lastUploadFloats += (to - from + 1) * stride;
      }
    }
    for (const slot of this.dirty) this.dirtyFlags[slot] = 0;
    this.dirty.length = 0;
  }
}

/** Gives `id`'s record a new id (a removed entity's ghost keeps fading while its id is free again). */
SlotBuffer.prototype.rename = function rename(id, newId) {
  const slot = this.slots.get(id);
  if (slot === undefined) return;
  this.slots.delete(id);
  this.slots.set(newId, slot);
  this.ids[slot] = newId;
};
