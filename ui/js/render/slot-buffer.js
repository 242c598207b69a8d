// A growable array of fixed-size records mirrored in one GL buffer. Records
// are kept dense (removal swaps the last record into the hole) so a draw
// call covers slots 0..count-1, and only the range touched since the last
// frame is uploaded.

export class SlotBuffer {
  constructor(gl, stride, initialCapacity = 256) {
    this.gl = gl;
    this.stride = stride;
    this.capacity = initialCapacity;
    this.data = new Float32Array(stride * initialCapacity);
    this.ids = [];
    this.slots = new Map();
    this.buffer = gl ? gl.createBuffer() : null;
    this.dirtyFrom = Infinity;
    this.dirtyTo = -1;
    this.resized = true;
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
    if (slot < this.dirtyFrom) this.dirtyFrom = slot;
    if (slot > this.dirtyTo) this.dirtyTo = slot;
  }

  /** Uploads what changed since the last call. */
  sync() {
    const gl = this.gl;
    if (this.resized) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
      gl.bufferData(gl.ARRAY_BUFFER, this.data, gl.DYNAMIC_DRAW);
      this.resized = false;
    } else if (this.dirtyTo >= this.dirtyFrom) {
      const to = Math.min(this.dirtyTo, this.count - 1);
      if (to >= this.dirtyFrom) {
        gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
        gl.bufferSubData(gl.ARRAY_BUFFER, this.dirtyFrom * this.stride * 4, this.data, this.dirtyFrom * this.stride, (to - this.dirtyFrom + 1) * this.stride);
      }
    }
    this.dirtyFrom = Infinity;
    this.dirtyTo = -1;
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
