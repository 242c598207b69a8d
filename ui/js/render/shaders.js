// GLSL for the three passes. Animation (fade, move, pulse, spin) runs in the
// vertex shaders from start times stored per instance, so an animating
// entity costs the CPU nothing after the one write that started it.
import { ANIM } from '../config.js';

const COMMON = `#version 300 es
precision highp float;
uniform mat4 uViewProj;
uniform float uTime;
const float FADE = ${(ANIM.fadeMs / 1000).toFixed(3)};
const float MOVE = ${(ANIM.moveMs / 1000).toFixed(3)};
const float PULSE = ${(ANIM.pulseMs / 1000).toFixed(3)};
vec3 moved(vec4 from, vec3 to) {
  float k = clamp((uTime - from.w) / MOVE, 0.0, 1.0);
  return mix(from.xyz, to, k * k * (3.0 - 2.0 * k));
}
float faded(float t0, float dir) {
  float k = clamp((uTime - t0) / FADE, 0.0, 1.0);
  return dir < 0.0 ? 1.0 - k : k;
}
`;

export const ENTITY_VS = `${COMMON}
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec3 aNormal;
layout(location = 2) in vec4 aFrom;   // xyz start of move, w move start time
layout(location = 3) in vec4 aTo;     // xyz end of move, w radius
layout(location = 4) in vec4 aColor;  // rgb, w pulse start time
layout(location = 5) in vec4 aAnim;   // fade start, fade direction, flags, highlight
out vec3 vColor;
out vec3 vNormal;
out float vAlpha;
out float vGlow;
out vec3 vRed;
out float vRim;
uniform vec3 uEye;
void main() {
  float alpha = faded(aAnim.x, aAnim.y);
  float flags = aAnim.z;
  bool spin = mod(flags, 2.0) >= 1.0;
  bool unhealthy = mod(floor(flags / 2.0), 2.0) >= 1.0;
  bool stale = mod(floor(flags / 4.0), 2.0) >= 1.0;
  float pulse = 1.0 - clamp((uTime - aColor.w) / PULSE, 0.0, 1.0);
  float scale = aTo.w * (0.55 + 0.45 * alpha) * (1.0 + 0.35 * pulse * pulse);
  float glow = 0.7 * pulse * pulse;
  vRed = vec3(0.0);
  if (unhealthy) {
    // A red glow beats over the kind colour: health shows, the kind stays.
    float beat = 0.5 + 0.5 * sin(uTime * 5.0);
    scale *= 1.0 + 0.12 * beat;
    vRed = vec3(0.35 + 0.45 * beat, 0.0, 0.0);
  }
  if (stale) alpha *= 0.45;
  vec3 p = aPos;
  vec3 n = aNormal;
  if (spin) {
    float a = uTime * 2.0;
    mat2 r = mat2(cos(a), sin(a), -sin(a), cos(a));
    p.xz = r * p.xz;
    n.xz = r * n.xz;
  }
  float h = aAnim.w;
  if (h == 1.0) alpha *= 0.12;            // dimmed by a trace
  if (h == 2.0) { glow += 0.45; scale *= 1.15; } // selected
  if (h == 3.0) glow += 0.3;              // hovered
  if (h == 4.0) glow += 0.15;             // on the traced path
  vColor = aColor.rgb;
  vNormal = n;
  vAlpha = alpha;
  vGlow = glow;
  vec3 world = moved(aFrom, aTo.xyz) + p * scale;
  // Meshes are only scaled and spun about y, so n is already a world normal.
  vRim = 1.0 - clamp(dot(normalize(n), normalize(uEye - world)), 0.0, 1.0);
  gl_Position = uViewProj * vec4(world, 1.0);
}`;

export const ENTITY_FS = `#version 300 es
precision highp float;
in vec3 vColor;
in vec3 vNormal;
in float vAlpha;
in float vGlow;
in vec3 vRed;
in float vRim;
out vec4 outColor;
void main() {
  vec3 n = normalize(vNormal);
  float key = max(dot(n, normalize(vec3(0.4, 0.85, 0.35))), 0.0);
  float fill = max(dot(n, normalize(vec3(-0.6, -0.2, -0.5))), 0.0);
  vec3 c = vColor * (0.35 + 0.6 * key + 0.18 * fill);
  // The red glow is a rim light at the silhouette, so the faces turned to
  // the viewer keep the kind colour; a faint tint still shows on a dot.
  float rim = vRim;
  c = mix(c, vec3(1.0, 0.12, 0.08), clamp(vRed.r * (0.18 + 1.2 * rim), 0.0, 0.9));
  c = mix(c, vec3(1.0), clamp(vGlow, 0.0, 1.0) * 0.55);
  outColor = vec4(c, vAlpha);
}`;

// Far away (render/lod.js detail 0) entities other than namespaces are drawn
// as points shaded like small spheres, from the same records as the meshes
// but as plain vertices, one draw per kind: a software rasteriser runs every
// instance as a draw of its own, and at a few pixels across a shape reads as a dot.
export const ENTITY_POINT_VS = `${COMMON}
uniform float uPointScale;            // device pixels per world unit at clip w = 1
layout(location = 2) in vec4 aFrom;
layout(location = 3) in vec4 aTo;
layout(location = 4) in vec4 aColor;
layout(location = 5) in vec4 aAnim;
out vec3 vColor;
out float vAlpha;
out float vGlow;
out vec3 vRed;
void main() {
  float alpha = faded(aAnim.x, aAnim.y);
  float pulse = 1.0 - clamp((uTime - aColor.w) / PULSE, 0.0, 1.0);
  float scale = aTo.w * (0.55 + 0.45 * alpha) * (1.0 + 0.35 * pulse * pulse);
  float glow = 0.7 * pulse * pulse;
  vRed = vec3(0.0);
  if (mod(floor(aAnim.z / 2.0), 2.0) >= 1.0) {
    float beat = 0.5 + 0.5 * sin(uTime * 5.0);
    scale *= 1.0 + 0.12 * beat;
    vRed = vec3(0.35 + 0.45 * beat, 0.0, 0.0);
  }
  if (mod(floor(aAnim.z / 4.0), 2.0) >= 1.0) alpha *= 0.45;
  float h = aAnim.w;
  if (h == 1.0) alpha *= 0.12;
  if (h == 2.0) { glow += 0.45; scale *= 1.15; }
  if (h == 3.0) glow += 0.3;
  if (h == 4.0) glow += 0.15;
  vColor = aColor.rgb;
  vAlpha = alpha;
  vGlow = glow;
  gl_Position = uViewProj * vec4(moved(aFrom, aTo.xyz), 1.0);
  gl_PointSize = clamp(2.0 * scale * uPointScale / max(gl_Position.w, 1e-3), 2.0, 64.0);
}`;

export const ENTITY_POINT_FS = `#version 300 es
precision highp float;
in vec3 vColor;
in float vAlpha;
in float vGlow;
in vec3 vRed;
out vec4 outColor;
void main() {
  vec2 d = gl_PointCoord * 2.0 - 1.0;
  float r2 = dot(d, d);
  if (r2 > 1.0) discard;
  vec3 n = vec3(d.x, -d.y, sqrt(1.0 - r2));
  float key = max(dot(n, normalize(vec3(0.3, 0.6, 0.75))), 0.0);
  vec3 c = vColor * (0.35 + 0.7 * key);
  c = mix(c, vec3(1.0, 0.12, 0.08), clamp(vRed.r * (0.12 + 1.3 * r2 * r2), 0.0, 0.9));
  c = mix(c, vec3(1.0), clamp(vGlow, 0.0, 1.0) * 0.55);
  outColor = vec4(c, vAlpha);
}`;

// Edges and particles share one instance layout: both ends' move data, so a
// line follows its entities through their lerp without CPU help.
const EDGE_COMMON = `${COMMON}
layout(location = 0) in float aVertex;  // 0/1: which end (lines); 0..3: particle index
layout(location = 1) in vec4 aAFrom;
layout(location = 2) in vec3 aATo;
layout(location = 3) in vec4 aBFrom;
layout(location = 4) in vec3 aBTo;
layout(location = 5) in vec4 aStyle;   // kind index, requests/s, highlight, fade start
uniform vec4 uKindColor[7];
uniform vec2 uKindStyle[7];            // dash length, particle speed factor
`;

export const EDGE_VS = `${EDGE_COMMON}
out vec4 vColor;
out float vDist;
out float vDash;
void main() {
  int k = int(aStyle.x);
  vec3 a = moved(aAFrom, aATo);
  vec3 b = moved(aBFrom, aBTo);
  vec4 c = uKindColor[k];
  float alpha = c.a * faded(aStyle.w, 1.0);
  if (aStyle.z == 1.0) alpha *= 0.12;
  if (aStyle.z == 2.0) alpha = min(1.0, alpha * 2.2 + 0.2);
  if (k == 4) alpha *= 0.6 + 0.4 * sin(uTime * 1.6);  // volume: slow pulse
  vColor = vec4(c.rgb, alpha);
  vDist = aVertex * length(b - a);
  vDash = uKindStyle[k].x;
  gl_Position = uViewProj * vec4(mix(a, b, aVertex), 1.0);
}`;

export const EDGE_FS = `#version 300 es
precision highp float;
in vec4 vColor;
in float vDist;
in float vDash;
out vec4 outColor;
void main() {
  if (vDash > 0.0 && fract(vDist / (2.0 * vDash)) > 0.5) discard;
  outColor = vColor;
}`;

export const PARTICLE_VS = `${EDGE_COMMON}
out vec4 vColor;
void main() {
  int k = int(aStyle.x);
  float rate = aStyle.y;
  float speedFactor = uKindStyle[k].y;
  // Particle count and speed grow with the logarithm of the request rate.
  float count = rate > 0.0 && speedFactor > 0.0 ? clamp(ceil(log(rate + 1.0) / log(10.0) * 1.5), 1.0, 4.0) : 0.0;
  if (aVertex >= count || aStyle.z == 1.0) { gl_Position = vec4(2.0, 2.0, 2.0, 1.0); gl_PointSize = 0.0; return; }
  vec3 a = moved(aAFrom, aATo);
  vec3 b = moved(aBFrom, aBTo);
  float len = max(length(b - a), 1.0);
  float speed = (3.0 + 1.5 * log2(1.0 + rate)) * speedFactor;
  float seed = fract(sin(dot(aAFrom.xyz + aBTo, vec3(12.9898, 78.233, 37.719))) * 43758.5453);
  float t = fract(uTime * speed / len + aVertex / count + seed);
  vec4 pos = uViewProj * vec4(mix(a, b, t), 1.0);
  gl_Position = pos;
  gl_PointSize = clamp(220.0 / pos.w, 2.0, 7.0);
  vColor = vec4(mix(uKindColor[k].rgb, vec3(1.0), 0.45), faded(aStyle.w, 1.0));
}`;

export const PARTICLE_FS = `#version 300 es
precision highp float;
in vec4 vColor;
out vec4 outColor;
void main() {
  vec2 d = gl_PointCoord - 0.5;
  float r = dot(d, d);
  if (r > 0.25) discard;
  outColor = vec4(vColor.rgb, vColor.a * (1.0 - r * 3.0));
}`;
