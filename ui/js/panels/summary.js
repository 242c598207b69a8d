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
      for (const band of Object.keys(counts)) counts[band].textContent = String(bands[band]);
    },
    setOverall(score) {
      overall.textContent = formatPercent(score);
      overall.style.color = Number.isFinite(score) ? healthCss(score) : '';
    },
  };
}
