// The health summary: overall score (the server's, from /api/infra/health)
// and live band counts (from the local state, updated every batch).
import { $ } from './dom.js';
import { formatPercent } from '../format.js';
import { healthCss } from '../health.js';

export function createHealthSummary() {
  const overall = $('health-overall');
  const counts = { healthy: $('count-healthy'), warning: $('count-warning'), critical: $('count-critical') };
  return {
    setBands(bands) {
      // Only a changed number is written: a write repaints the top bar even when the text is the same.
      for (const band of Object.keys(counts)) {
        const text = String(bands[band]);
        if (counts[band].textContent !== text) counts[band].textContent = text;
      }
    },
    setOverall(score) {
      overall.textContent = formatPercent(score);
      overall.style.color = Number.isFinite(score) ? healthCss(score) : '';
    },
  };
}
