// Mouse and touch input for the orbit camera. One finger or left drag
// orbits, right/middle/shift drag or two fingers pan, wheel or pinch zooms;
// a press that barely moves is a click (select), a bare move is a hover.
import { orbit, pan, zoom } from './camera.js';

const CLICK_SLOP_PX = 6;

export function attachControls(canvas, camera, { onClick, onHover }) {
  const pointers = new Map();
  let press = null;
  let pinch = null;
  let hoverQueued = null;

  const local = (e) => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const pinchState = () => {
    const [a, b] = [...pointers.values()];
    return { dist: Math.hypot(a.x - b.x, a.y - b.y), mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
  };

  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture?.(e.pointerId);
    const p = local(e);
    pointers.set(e.pointerId, p);
    if (pointers.size === 1) press = { ...p, time: performance.now(), moved: 0, button: e.button, shift: e.shiftKey };
    if (pointers.size === 2) { pinch = pinchState(); press = null; }
  });

  canvas.addEventListener('pointermove', (e) => {
    const p = local(e);
    const prev = pointers.get(e.pointerId);
    if (!prev) {
      if (e.pointerType === 'mouse') {
        // Hover picking is throttled to one pick per animation frame.
        if (hoverQueued === null) requestAnimationFrame(() => { onHover(hoverQueued); hoverQueued = null; });
        hoverQueued = p;
      }
      return;
    }
    const dx = p.x - prev.x;
    const dy = p.y - prev.y;
    pointers.set(e.pointerId, p);
    if (pointers.size === 2 && pinch) {
      const next = pinchState();
      if (next.dist > 0 && pinch.dist > 0) zoom(camera, pinch.dist / next.dist);
      pan(camera, next.mid.x - pinch.mid.x, next.mid.y - pinch.mid.y);
      pinch = next;
      return;
    }
    if (press) press.moved += Math.abs(dx) + Math.abs(dy);
    if (press && (press.button === 2 || press.button === 1 || press.shift)) pan(camera, dx, dy);
    else orbit(camera, dx, dy);
  });

  const release = (e) => {
    const p = local(e);
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    if (press && pointers.size === 0 && press.moved < CLICK_SLOP_PX && e.type === 'pointerup' && press.button === 0) onClick(p);
    if (pointers.size === 0) press = null;
  };
  canvas.addEventListener('pointerup', release);
  canvas.addEventListener('pointercancel', release);
  canvas.addEventListener('pointerleave', (e) => { if (e.pointerType === 'mouse' && !pointers.size) onHover(null); });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    zoom(camera, Math.exp(e.deltaY * unit * 0.0012));
  }, { passive: false });
}
