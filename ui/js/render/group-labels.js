// Group names in the scene: namespace names on their rings (by-namespace
// preset) or kind / source names over their clusters (client-side presets),
// so a screenshot explains itself. DOM elements placed each frame; the list
// of groups is refreshed with the panels (twice a second), not per frame.
import { eyeOf } from './camera.js';

// Every label the page moves is a repaint and a recomposite of its layer;
// on a software rasteriser 80 labels drifting with the layout cost more than
// the whole scene (ui_bench at 10k: 0.8 fps against 3). So only the largest
// groups are named, and a label is moved only when it drifted 3 px.
const MAX_LABELS = 24;
const MIN_MOVE_PX = 3;
// Above a client-side cluster (its scatter radius is 14 world units; a
// source's cluster holds namespace rings, so it is named higher).
const GROUP_LIFT = 17;
const SOURCE_LIFT = 40;

export function createGroupLabels(container, renderer) {
  const els = new Map(); // key → { el, at }
  let groups = []; // { key, text, id } (ring of a namespace entity) or { key, text, point }

  function element(key, text) {
    let entry = els.get(key);
    if (!entry) {
      const el = document.createElement('div');
      el.className = key.startsWith('ns:') ? 'group-label' : 'group-label group';
      el.dataset.group = key;
      el.hidden = true;
      container.appendChild(el);
      entry = { el, x: NaN, y: NaN };
      els.set(key, entry);
    }
    if (entry.el.textContent !== text) entry.el.textContent = text;
    return entry;
  }

  /** Replaces the groups to label (the first MAX_LABELS: callers put the largest first). */
  function setGroups(list) {
    groups = list.slice(0, MAX_LABELS);
    const keep = new Set(groups.map((g) => g.key));
    for (const [key, { el }] of els) if (!keep.has(key)) { el.remove(); els.delete(key); }
    for (const g of groups) element(g.key, g.text);
  }

  // A namespace label sits on its ring at the point nearest the camera, so
  // it names the ring rather than covering the members inside it.
  function ringPoint(id, eye) {
    const p = renderer.entityPosition(id);
    if (!p) return null;
    const r = renderer.entityRadius(id);
    const dx = eye[0] - p[0];
    const dz = eye[2] - p[2];
    const d = Math.hypot(dx, dz) || 1;
    return [p[0] + (dx / d) * r, p[1], p[2] + (dz / d) * r];
  }

  renderer.onFrame(() => {
    if (!groups.length) return;
    const eye = eyeOf(renderer.camera);
    const { width, height } = renderer.camera; // the container covers the canvas
    for (const g of groups) {
      const entry = els.get(g.key);
      if (!entry) continue;
      const lift = g.key.startsWith('source:') ? SOURCE_LIFT : GROUP_LIFT;
      const world = g.id ? ringPoint(g.id, eye) : [g.point[0], g.point[1] + lift, g.point[2]];
      const s = world ? renderer.projectPoint(world) : null;
      if (!s || s.x < -50 || s.x > width + 50 || s.y < -20 || s.y > height + 20) {
        if (!entry.el.hidden) entry.el.hidden = true;
        continue;
      }
      if (entry.el.hidden) entry.el.hidden = false;
      const x = Math.round(s.x);
      const y = Math.round(s.y);
      if (!(Math.abs(x - entry.x) < MIN_MOVE_PX && Math.abs(y - entry.y) < MIN_MOVE_PX)) {
        entry.x = x; entry.y = y;
        entry.el.style.transform = `translate(${x}px, ${y}px)`;
      }
    }
  });

  return {
    setGroups,
    /** Texts of the labels shown now (for tests). */
    shown: () => [...els.values()].filter(({ el }) => !el.hidden).map(({ el }) => el.textContent),
  };
}
