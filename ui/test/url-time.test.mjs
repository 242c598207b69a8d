// The moment in history joins the view in the URL (url-state.js `at`): a
// pasted link opens the same moment, and the entries Back and Forward step
// through restore it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFilter } from '../js/filter.js';
import { decodeView, encodeView } from '../js/url-state.js';

const moment = Date.parse('2026-12-07T03:04:05.678Z');

test('URL time: round trip, with the rest of the view and without it', () => {
  const filter = createFilter();
  filter.kinds.add('pod');
  const url = encodeView({ filter, preset: 'kind', selected: 'k8s:pod/shop/web-1', at: moment }, '?transport=ws');
  assert.equal(url, '?transport=ws&kind=pod&sel=k8s:pod/shop/web-1&layout=kind&at=2026-12-07T03:04:05.678Z');
  const back = decodeView(url);
  assert.equal(back.at, moment);
  assert.equal(back.selected, 'k8s:pod/shop/web-1');
  assert.equal(encodeView({ ...back }, url), url, 'one view, one link');
  // Time alone.
  assert.equal(encodeView({ filter: createFilter(), at: moment }), '?at=2026-12-07T03:04:05.678Z');
  assert.equal(decodeView('?at=2026-12-07T03:04:05.678Z').at, moment);
});

test('URL time: live is no parameter; going live drops it and keeps the rest', () => {
  assert.equal(decodeView('').at, null);
  assert.equal(decodeView('?kind=pod').at, null);
  const atTime = encodeView({ filter: createFilter(), selected: 'a', at: moment }, '?transport=sse');
  const live = encodeView({ filter: createFilter(), selected: 'a', at: null }, atTime);
  assert.equal(live, '?transport=sse&sel=a');
});

test('URL time: an unreadable or encoded time', () => {
  assert.equal(decodeView('?at=yesterday').at, null, 'junk is live, not trusted');
  assert.equal(decodeView('?at=').at, null);
  // A pasted link whose colons a chat client percent-encoded.
  assert.equal(decodeView('?at=2026-12-07T03%3A04%3A05.678Z').at, moment);
  // Another RFC 3339 form, as the topology route's `at` takes.
  assert.equal(decodeView('?at=2026-12-07T04:04:05.678%2B01:00').at, moment);
  assert.equal(encodeView({ filter: createFilter(), at: NaN }), '', 'a non-time is not written');
});
