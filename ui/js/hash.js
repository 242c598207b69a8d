// Stable string hashing (FNV-1a, 32 bit): the same id lands in the same
// place on every page load, so fallback placement never jumps around.

export function hash32(text, seed = 0x811c9dc5) {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Three independent numbers in [0, 1) derived from `text`. */
export function hash3(text) {
  return [hash32(text) / 4294967296, hash32(text, 0x9747b28c) / 4294967296, hash32(text, 0x1b873593) / 4294967296];
}
