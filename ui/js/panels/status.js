// The connection status indicator in the top bar.
import { $ } from './dom.js';

export function createStatusIndicator() {
  const root = $('connection-status');
  const text = $('connection-status-text');
  const detail = $('connection-status-detail');
  return {
    set(status, info = '') {
      root.dataset.status = status;
      text.textContent = status;
      detail.textContent = status === 'Connected' && info === 'sse' ? '' : info;
      root.title = info ? `${status} (${info})` : status;
    },
  };
}
