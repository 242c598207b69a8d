// The scene: owns the GL context, camera and layers, and runs the frame loop.
// It is told what changed (applyChange) and what the view wants (resync after
// a filter or preset change, setSelection, setHover); per frame it only
// uploads touched records and draws.
import { EntityLayer, HIGHLIGHT } from './entity-layer.js';
import { EdgeLayer } from './edge-layer.js';
import { createCamera, eyeOf, fit, matrices, project, rayThrough } from './camera.js';
import { raySphere, rayRing, nearestSegment } from './picking.js';
import { meshDetail, edgeDetail } from './lod.js';
import { EDGE_KIND_INDEX, entityColor, entityFlags, entitySize } from '../appearance.js';
import { matchesFilter } from '../filter.js';
import { targetPosition } from '../layout.js';
import { traceConnections } from '../trace.js';

// A click within about 8 px of a connection's line (at a 60° field of view
// on a 900 px canvas) selects it; an angle, so it holds at any zoom.
const EDGE_PICK_SLOPE = 0.012;
const DEGREE_SIZED = new Set(['service', 'configmap']);
// Pulse only when something a person would notice changed, not on position-only layout traffic.
const signature = (e) => `${e.health}|${e.status}|${e.cpu_percent}|${e.memory_bytes}|${e.name}|${e.stale === true}`;

export function createRenderer(canvas, { state, view, meter = null }) {
  const gl = canvas.getContext('webgl2', { antialias: true, alpha: false, powerPreference: 'high-performance' });
  if (!gl) throw new Error('WebGL2 is not available in this browser');
  const entities = new EntityLayer(gl);
  const edges = new EdgeLayer(gl);
  const camera = createCamera();
  const signatures = new Map();
  const frameHooks = [];
  let viewProj = matrices(camera).viewProj;
  let selection = null; // { id, trace }
  let hovered = null;
  let fitted = false;
  let detail = 1;
  // The canvas size is read when it may have changed (ResizeObserver, window
  // resize), not every frame: reading clientWidth forces a style and layout
  // pass whenever the panels have touched the DOM since the last frame.
  let sizeDirty = true;
  const observesSize = typeof ResizeObserver === 'function';
  if (observesSize) new ResizeObserver(() => { sizeDirty = true; }).observe(canvas);
  window.addEventListener('resize', () => { sizeDirty = true; });
  let frames = 0;
  let fpsWindowStart = performance.now();
  let fps = 0;
  const epoch = performance.now();
  const now = () => (performance.now() - epoch) / 1000;

  gl.clearColor(0.043, 0.055, 0.078, 1);
  gl.enable(gl.DEPTH_TEST);
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);

  function looks(e) {
    return {
      to: targetPosition(e, view.preset),
      radius: entitySize(e, state.links.get(e.id)?.size ?? 0),
      color: entityColor(e),
      flags: entityFlags(e),
    };
  }

  function highlightOf(id) {
    if (!selection) return HIGHLIGHT.none;
    if (id === selection.id) return HIGHLIGHT.selected;
    const { upstream, downstream } = selection.trace;
    return upstream.has(id) || downstream.has(id) ? HIGHLIGHT.traced : HIGHLIGHT.dim;
  }

  function edgeHighlightOf(connId) {
    if (!selection) return 0;
    return selection.trace.connections.has(connId) ? 2 : 1;
  }

  function syncEdge(connId, t) {
    const c = state.connections.get(connId);
    if (!c || !entities.has(c.source_id) || !entities.has(c.target_id)) {
      edges.hide(connId);
      return;
    }
    edges.show(connId, EDGE_KIND_INDEX[c.kind] ?? 0, c.requests_per_sec ?? 0,
      entities.motion(c.source_id), entities.motion(c.target_id), t, edgeHighlightOf(connId));
  }

  function syncEntity(id, t, { fadeIn, pulse }) {
    const e = state.entities.get(id);
    if (!e || !matchesFilter(e, view.filter) || view.hides?.(e)) {
      if (entities.has(id)) {
        entities.hide(id);
        for (const connId of state.links.get(id) ?? []) edges.hide(connId);
      }
      return;
    }
    const wasShown = entities.has(id);
    const sig = signature(e);
    if (!wasShown) {
      entities.show(id, e.kind, { ...looks(e), highlight: highlightOf(id) }, t, fadeIn);
    } else {
      entities.update(id, looks(e), t, pulse && signatures.get(id) !== sig);
    }
    signatures.set(id, sig);
    for (const connId of state.links.get(id) ?? []) {
      const c = state.connections.get(connId);
      if (!c) continue;
      if (!wasShown) syncEdge(connId, t);
      else if (edges.has(connId)) edges.setEnd(connId, c.source_id === id ? 0 : 1, entities.motion(id));
    }
  }

  /** Applies a Change recorded by applyTopologyUpdate (state already holds the new values). */
  function applyChange(change) {
    const t = now();
    const resize = new Set();
    for (const [id, op] of change.entities) {
      if (op === 'remove') {
        entities.fadeOut(id, t);
        signatures.delete(id);
        if (hovered === id) hovered = null;
      } else {
        syncEntity(id, t, { fadeIn: true, pulse: !change.full });
      }
    }
    for (const [connId, op] of change.connections) {
      if (op === 'remove') edges.hide(connId);
      else if (op === 'add' || !edges.has(connId)) syncEdge(connId, t);
      else edges.setRate(connId, state.connections.get(connId)?.requests_per_sec ?? 0);
      const c = state.connections.get(connId);
      if (c) for (const end of [c.source_id, c.target_id]) if (DEGREE_SIZED.has(state.entities.get(end)?.kind)) resize.add(end);
    }
    for (const id of resize) if (entities.has(id)) entities.update(id, looks(state.entities.get(id)), t, false);
    if (selection) {
      if (!state.entities.has(selection.id)) setSelection(null);
      else if (change.connections.size || change.full) setSelection(selection.id);
    }
    if (!fitted && state.entities.size) fitView();
  }

  /** Re-evaluates every entity against the filter and preset (after either changed). */
  function resync() {
    const t = now();
    for (const id of state.entities.keys()) syncEntity(id, t, { fadeIn: true, pulse: false });
    for (const connId of state.connections.keys()) syncEdge(connId, t);
  }

  /** Selects `id` (or clears with null) and highlights its upstream and downstream. */
  function setSelection(id) {
    selection = id && state.entities.has(id) ? { id, trace: traceConnections(state, id) } : null;
    for (const entityId of state.entities.keys()) if (entities.has(entityId)) entities.setHighlight(entityId, highlightOf(entityId));
    for (const connId of state.connections.keys()) edges.setHighlight(connId, edgeHighlightOf(connId));
    if (hovered) setHover(hovered);
  }

  function setHover(id) {
    if (hovered && hovered !== id && entities.has(hovered)) entities.setHighlight(hovered, highlightOf(hovered));
    hovered = id && entities.has(id) ? id : null;
    if (hovered && highlightOf(hovered) !== HIGHLIGHT.selected) entities.setHighlight(hovered, HIGHLIGHT.hover);
  }

  /** The entity under CSS pixel (x, y) of the canvas, or null. */
  function pick(x, y) {
    const ray = rayThrough(camera, x, y);
    const t = now();
    let best = null;
    let bestT = Infinity;
    entities.forEach(t, (id, kind, p, r) => {
      const hit = kind === 'namespace' ? rayRing(ray, p, r, Math.max(1.2, r * 0.08)) : raySphere(ray, p, Math.max(r, 0.6));
      if (hit !== null && hit < bestT && !(selection && highlightOf(id) === HIGHLIGHT.dim)) { bestT = hit; best = id; }
    });
    if (best === null && selection) return pickIgnoringDim(ray, t);
    return best;
  }

  /** The drawn connection whose line passes within a few pixels of CSS pixel (x, y), or null. */
  function pickConnection(x, y) {
    const ray = rayThrough(camera, x, y);
    const t = now();
    function* segments() {
      for (const [connId, c] of state.connections) {
        if (!edges.has(connId)) continue;
        const a = entities.position(c.source_id, t);
        const b = entities.position(c.target_id, t);
        if (a && b) yield [connId, a, b];
      }
    }
    return nearestSegment(ray, segments(), EDGE_PICK_SLOPE);
  }

  // Dimmed entities are skipped first so a click reaches the traced path;
  // when nothing traced is under the pointer, any entity will do.
  function pickIgnoringDim(ray, t) {
    let best = null;
    let bestT = Infinity;
    entities.forEach(t, (id, kind, p, r) => {
      const hit = kind === 'namespace' ? rayRing(ray, p, r, Math.max(1.2, r * 0.08)) : raySphere(ray, p, Math.max(r, 0.6));
      if (hit !== null && hit < bestT) { bestT = hit; best = id; }
    });
    return best;
  }

  /** CSS pixel position of `id` relative to the viewport, or null when not drawn or behind the camera. */
  function screenPosition(id) {
    const p = entities.position(id, now());
    if (!p) return null;
    const s = project(viewProj, camera, p);
    if (!s) return null;
    const rect = canvas.getBoundingClientRect();
    return { x: rect.left + s.x, y: rect.top + s.y };
  }

  /**
   * CSS pixel position of world point `p` relative to the canvas, or null
   * behind the camera. No layout read: overlays covering the canvas call it
   * per frame.
   */
  function projectPoint(p) {
    return project(viewProj, camera, p);
  }

  /** Frames every drawn entity. */
  function fitView() {
    resize(true); // the aspect ratio must be current before framing
    const t = now();
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    let n = 0;
    entities.forEach(t, (id, kind, p) => {
      n++;
      for (let i = 0; i < 3; i++) { lo[i] = Math.min(lo[i], p[i]); hi[i] = Math.max(hi[i], p[i]); }
    });
    if (!n) return;
    // Positions are targets here (a fresh entity fades in at its target), so
    // this frames the settled picture: the box's centre and the farthest point from it.
    const center = lo.map((v, i) => (v + hi[i]) / 2);
    let radius = 10;
    entities.forEach(t, (id, kind, p, r) => {
      radius = Math.max(radius, Math.hypot(p[0] - center[0], p[1] - center[1], p[2] - center[2]) + r);
    });
    fit(camera, center, radius);
    fitted = true;
  }

  function resize(force = false) {
    if (!force && observesSize && !sizeDirty) return;
    sizeDirty = false;
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const w = canvas.clientWidth || 1;
    const h = canvas.clientHeight || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    camera.width = w;
    camera.height = h;
    camera.aspect = w / h;
  }

  function frame() {
    if (meter) { meter.measure(drawFrame); meter.frame(); } else drawFrame();
    requestAnimationFrame(frame);
  }

  function drawFrame() {
    resize();
    const t = now();
    viewProj = matrices(camera).viewProj;
    gl.viewport(0, 0, canvas.width, canvas.height);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    detail = meshDetail(camera, canvas.height, detail);
    gl.depthMask(false); // lines and particles never hide entities behind them
    edges.draw(viewProj, t, edgeDetail(detail, edges.count));
    gl.depthMask(true);
    entities.draw(viewProj, t, detail, canvas.height / Math.tan(camera.fovY / 2) / 2, eyeOf(camera));
    for (const hook of frameHooks) hook(t);
    frames++;
    const wall = performance.now();
    if (wall - fpsWindowStart >= 1000) {
      fps = (frames * 1000) / (wall - fpsWindowStart);
      frames = 0;
      fpsWindowStart = wall;
    }
  }
  requestAnimationFrame(frame);

  return {
    camera,
    applyChange,
    resync,
    setSelection,
    setHover,
    pick,
    pickConnection,
    screenPosition,
    projectPoint,
    entityPosition: (id) => entities.position(id, now()),
    entityRadius: (id) => entities.radius(id),
    fitView,
    onFrame: (hook) => frameHooks.push(hook),
    get renderedCount() { return entities.liveCount; },
    get renderedConnections() { return edges.count; },
    get fps() { return fps; },
    get meshDetail() { return detail; },
    get selected() { return selection?.id ?? null; },
    get hovered() { return hovered; },
  };
}
