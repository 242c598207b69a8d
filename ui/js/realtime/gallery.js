// /gallery?state=NAME renders the jobs overlay in one of its states from
// fixtures, with the same reducer and components as the app.
import { applyRealtimeMessage, createRealtimeState } from './realtime-state.js';
import { createOverlayView } from './overlay.js';
import { GALLERY_STATES } from './gallery-fixtures.js';

const name = new URLSearchParams(location.search).get('state') ?? 'default';
const story = GALLERY_STATES[name] ?? GALLERY_STATES.default;
document.documentElement.dataset.theme = story.theme;
document.getElementById('gallery-title').textContent = story.title;
const nav = document.getElementById('gallery-states');
for (const [key, value] of Object.entries(GALLERY_STATES)) {
  const link = document.createElement('a');
  link.href = `?state=${key}`;
  link.textContent = value.title;
  if (key === name) link.setAttribute('aria-current', 'page');
  nav.append(link);
}
const state = story.messages.reduce(applyRealtimeMessage, createRealtimeState());
createOverlayView().render(state);
document.body.dataset.ready = 'true';
