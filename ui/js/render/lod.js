// Level of detail: when an entity of radius 1 at the camera's target covers
// only a few pixels, the expensive meshes (pod sphere, namespace torus,
// database and cronjob cylinders, subject cone) switch to low-detail versions
// with the same silhouette (meshes.js LOW_SHAPES). One choice per frame for
// the whole scene, with hysteresis so a zoom at the threshold does not
// flicker. Pure; the benchmark's bare page uses the same rule.

/** Pixels per world unit at the camera's target, for a canvas `heightPx` device pixels tall. */
export function pixelsPerUnit(camera, heightPx) {
  return heightPx / (2 * camera.distance * Math.tan(camera.fovY / 2));
}

export const LOD_LOW_BELOW_PX = 6;
export const LOD_FULL_ABOVE_PX = 7;

/** 0 (low) or 1 (full) mesh detail, given the previous frame's choice. */
export function meshDetail(camera, heightPx, previous = 1) {
  const px = pixelsPerUnit(camera, heightPx);
  if (previous === 1) return px < LOD_LOW_BELOW_PX ? 0 : 1;
  return px > LOD_FULL_ABOVE_PX ? 1 : 0;
}
