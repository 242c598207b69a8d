// What each entity kind looks like: a colour of its own and the glyph the
// legend uses for its 3D shape (render/meshes.js). Health never replaces the
// kind colour: appearance.js desaturates it and the shader pulses red, so a
// sick database still reads as a database. Pure.

// Hue families: workloads blue/violet, pods and containers cyan/teal,
// networking green, config yellow/amber, storage orange/brown, messaging
// magenta, infrastructure neutral. Red is kept for "unhealthy".
export const KIND_COLORS = Object.freeze({
  namespace: [0.55, 0.62, 0.78],
  node: [0.78, 0.8, 0.86],
  deployment: [0.36, 0.52, 1.0],
  replicaset: [0.5, 0.62, 0.95],
  statefulset: [0.55, 0.42, 1.0],
  daemonset: [0.42, 0.34, 0.86],
  job: [0.64, 0.56, 0.98],
  cronjob: [0.78, 0.6, 1.0],
  pod: [0.2, 0.8, 0.92],
  container: [0.3, 0.92, 0.78],
  service: [0.35, 0.9, 0.45],
  ingress: [0.68, 0.95, 0.3],
  configmap: [0.98, 0.86, 0.32],
  secret: [0.95, 0.68, 0.2],
  volume: [0.9, 0.55, 0.3],
  database: [0.86, 0.66, 0.46],
  nats_subject: [0.95, 0.4, 0.85],
  nats_stream: [0.82, 0.32, 0.98],
  custom: [0.96, 0.58, 0.7],
});

// Glyphs that echo each mesh's silhouette, for the legend and chips.
export const KIND_GLYPHS = Object.freeze({
  namespace: '◯', node: '▬', deployment: '⬟', replicaset: '▲', statefulset: '◆', daemonset: '✚',
  job: '⬢', cronjob: '◉', pod: '●', container: '■', service: '◈', ingress: '▼', configmap: '✦',
  secret: '▴', volume: '▮', database: '⛁', nats_subject: '△', nats_stream: '▭', custom: '✶',
});

/** RGB (0..1) of a kind; unknown kinds use the custom colour. */
export function kindColor(kind) {
  return (KIND_COLORS[kind] ?? KIND_COLORS.custom).slice();
}

export function kindGlyph(kind) {
  return KIND_GLYPHS[kind] ?? KIND_GLYPHS.custom;
}

/** CSS colour of a kind (legend swatches, chips). */
export function kindCss(kind) {
  const [r, g, b] = kindColor(kind);
  return `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;
}
