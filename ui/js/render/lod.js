// Level of detail: when an entity of radius 1 at the camera's target is only
// a few pixels across, entities are drawn as shaded points (one plain draw per
// kind, entity-layer.js) and namespace rings with their low-detail torus
// (meshes.js LOW_SHAPES also lightens the pod sphere and the cylinders, for
// anyone drawing meshes at detail 0). One choice per frame for
// the whole scene, with hysteresis so a zoom at the threshold does not
// flicker. Pure; the benchmark's bare page uses the same rule.

/** Pixels per world unit at the camera's target, for a canvas `heightPx` device pixels tall. */
export function pixelsPerUnit(camera, heightPx) {
  return heightPx / (2 * camera.distance * Math.tan(camera.fovY / 2));
}

export const LOD_LOW_BELOW_PX = 3.5;
export const LOD_FULL_ABOVE_PX = 4.5;

/** 0 (low) or 1 (full) mesh detail, given the previous frame's choice. */
export function meshDetail(camera, heightPx, previous = 1) {
  const px = pixelsPerUnit(camera, heightPx);
  if (previous === 1) return px < LOD_LOW_BELOW_PX ? 0 : 1;
  return px > LOD_FULL_ABOVE_PX ? 1 : 0;
}

/** Above this many connections a far view drops their lines: a hairball of
 *  thousands of sub-pixel lines reads as noise and costs more than the entities. */
export const FAR_EDGE_LIMIT = 5000;

/**
 * What the edge layer draws: 2 lines and particles, 1 lines only (far away,
 * where particles are sub-pixel), 0 nothing (far away and very many).
 * Zooming in (mesh detail 1) always brings everything back.
 */
export function edgeDetail(meshDetailLevel, connectionCount) {
  if (meshDetailLevel === 1) return 2;
  return connectionCount > FAR_EDGE_LIMIT ? 0 : 1;
}
