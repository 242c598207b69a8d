// Which parts of a record buffer to upload. A buffer's touched records are
// scattered (the layout moves entities all over the graph), so one range from
// the lowest to the highest touched record re-uploads nearly the whole buffer
// every frame. Runs of touched records are uploaded instead, nearby runs
// merged so a handful of calls carry them. Pure: the renderer's SlotBuffer
// feeds it slot numbers.

/**
 * Plans uploads for the touched slots `slots` (unsorted, distinct, any of them
 * may be >= `count`, those are dropped). Returns [from, to] inclusive slot
 * ranges, ascending. Runs separated by at most `maxGap` untouched slots are
 * merged (a gap is cheaper to send than another call); when more than
 * `maxRanges` ranges remain, the closest ones are merged until it fits.
 */
export function planUploads(slots, count, { maxGap = 16, maxRanges = 32 } = {}) {
  const live = [];
  for (const s of slots) if (s < count) live.push(s);
  if (!live.length) return [];
  live.sort((a, b) => a - b);
  const ranges = [];
  let from = live[0];
  let to = live[0];
  for (let i = 1; i < live.length; i++) {
    const s = live[i];
    if (s - to - 1 <= maxGap) to = s;
    else { ranges.push([from, to]); from = s; to = s; }
  }
  ranges.push([from, to]);
  if (ranges.length <= maxRanges) return ranges;
  // Too many calls: close the smallest gaps first, until maxRanges remain.
  const gaps = [];
  for (let i = 1; i < ranges.length; i++) gaps.push([ranges[i][0] - ranges[i - 1][1], i]);
  gaps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const joinPrev = new Uint8Array(ranges.length);
  for (let k = 0; k < ranges.length - maxRanges; k++) joinPrev[gaps[k][1]] = 1;
  const out = [];
  for (let i = 0; i < ranges.length; i++) {
    if (joinPrev[i]) out[out.length - 1][1] = ranges[i][1];
    else out.push([ranges[i][0], ranges[i][1]]);
  }
  return out;
}

/** Slots covered by `ranges`. */
export function rangeSlots(ranges) {
  let n = 0;
  for (const [from, to] of ranges) n += to - from + 1;
  return n;
}
