// The view in the URL: filters, search, selection, layout preset and the
// moment in history (`at`, absent while live), so a pasted link opens the
// same view at the same time and the back button steps through selections
// and moments. Pure: encode/decode work on URLSearchParams strings; main.js
// does the pushState/replaceState/popstate wiring.
//
//   ?kind=pod,service&ns=shop&band=critical&source=docker@build-host
//    &q=checkout&sel=k8s:pod/shop/web-1&layout=kind&at=2026-12-07T03:00:00.000Z
//
// Lists are comma-separated and sorted (one view, one URL). Each value is
// percent-encoded on its own, so a comma inside a value (%2C) never splits
// it; `:`, `/` and `@` stay readable, being legal in a query. Parameters the
// view does not own (e.g. `transport`) are kept as they were.
import { PRESETS, normalizePreset } from './layout.js';

const LISTS = Object.freeze({ kinds: 'kind', namespaces: 'ns', bands: 'band', sources: 'source', clusters: 'cluster' });
const OWNED = new Set([...Object.values(LISTS), 'q', 'sel', 'layout', 'at']);
const BANDS = new Set(['healthy', 'warning', 'critical']);

const enc = (v) => encodeURIComponent(String(v)).replace(/%(3A|2F|40)/g, (m) => decodeURIComponent(m));
const dec = (v) => {
  try { return decodeURIComponent(v.replaceAll('+', ' ')); } catch { return v; }
};

// The raw pairs of a query, values still encoded, so a list can be split
// on its literal commas before decoding.
function rawPairs(search) {
  const text = search.startsWith('?') ? search.slice(1) : search;
  return text.split('&').filter(Boolean).map((part) => {
    const i = part.indexOf('=');
    return i < 0 ? [dec(part), ''] : [dec(part.slice(0, i)), part.slice(i + 1)];
  });
}

/** A moment (ms) from an `at` value (RFC 3339, as `?at=` of the topology route); null if unreadable. */
function parseAt(value) {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : null;
}

/**
 * The query string (with its leading `?`, or '' when the view is the
 * default) for `{ filter, preset, selected, at }` (`at`: the moment in
 * history shown, ms, null while live); `base` is the current query, whose
 * parameters the view does not own are kept.
 */
export function encodeView({ filter, preset = 'namespace', selected = null, at = null }, base = '') {
  const parts = rawPairs(base).filter(([k]) => !OWNED.has(k)).map(([k, v]) => `${enc(k)}=${v}`);
  for (const [field, key] of Object.entries(LISTS)) {
    const set = filter?.[field];
    if (set?.size) parts.push(`${key}=${[...set].map(String).sort().map(enc).join(',')}`);
  }
  const q = filter?.search?.trim();
  if (q) parts.push(`q=${enc(q)}`);
  if (selected) parts.push(`sel=${enc(selected)}`);
  const p = normalizePreset(preset);
  if (p !== 'namespace') parts.push(`layout=${enc(p)}`);
  if (Number.isFinite(at)) parts.push(`at=${enc(new Date(at).toISOString())}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * `{ filter: { kinds, namespaces, bands, sources, search }, preset, selected, at }`
 * from a query string. Unknown bands and presets are dropped, not trusted;
 * an unreadable `at` is live (null).
 */
export function decodeView(search = '') {
  const raw = new Map(rawPairs(search));
  const get = (key) => (raw.has(key) ? dec(raw.get(key)) : null);
  const filter = { search: get('q') ?? '' };
  for (const [field, key] of Object.entries(LISTS)) {
    filter[field] = new Set((raw.get(key) ?? '').split(',').filter(Boolean).map(dec));
  }
  for (const b of [...filter.bands]) if (!BANDS.has(b)) filter.bands.delete(b);
  const layout = get('layout');
  const preset = layout && PRESETS.includes(normalizePreset(layout)) ? normalizePreset(layout) : 'namespace';
  return { filter, preset, selected: get('sel') || null, at: parseAt(get('at')) };
}

/** Copies a decoded filter into the live one, refilling its sets (the chips hold them). */
export function applyFilter(target, decoded) {
  for (const field of Object.keys(LISTS)) {
    if (!target[field]) target[field] = new Set();
    target[field].clear();
    for (const v of decoded[field] ?? []) target[field].add(v);
  }
  target.search = decoded.search ?? '';
  return target;
}

/** True when two encoded views differ only in the selection (a selection step is a history entry). */
export function sameExceptSelection(a, b) {
  const strip = (s) => rawPairs(s).filter(([k]) => k !== 'sel').map((p) => p.join('=')).join('&');
  return strip(a) === strip(b);
}
