// Icons for the event feed: what happened (from the event's reason and
// type) and how bad it is (severity, shown as the icon's colour class).
// Pure, so the mapping is tested without a page.
import { SEVERITIES } from './config.js';

// First match wins; reasons are Kubernetes-style (Created, BackOff, Killing,
// ScalingReplicaSet, Unhealthy …) plus the churn and source notices.
const RULES = [
  [/backoff|crashloop|oomkill|evict|fail|error|err$/i, '✖', 'failure'],
  [/unhealthy|probe|notready|degraded/i, '♥', 'health'],
  [/kill|delet|remov|terminat|stopp|destroy/i, '−', 'removal'],
  [/scal|replica/i, '⇅', 'scaling'],
  [/pull|image/i, '⬇', 'image'],
  [/schedul|assign|bind/i, '◎', 'scheduling'],
  [/slow|lag|throttl/i, '◔', 'performance'],
  [/creat|add|start|launch|ready|sync|regist/i, '+', 'creation'],
  [/complet|succe/i, '✔', 'completion'],
  [/updat|chang|rollout|restart|config/i, '↻', 'change'],
  [/churn|storm/i, '≋', 'churn'],
  [/source|connect|stale|down/i, '⚡', 'source'],
];

/** Marks per severity, shown when the reason matches no rule. */
const SEVERITY_MARKS = Object.freeze({ info: 'ℹ', warning: '⚠', error: '✖', critical: '‼' });

/**
 * { glyph, category, severity } for an event: the glyph by reason (then by
 * type: a Kubernetes "Warning" without a known reason gets ⚠, else the
 * severity's own mark), severity normalised to one of SEVERITIES (unknown counts as info).
 */
export function eventIcon(ev) {
  const severity = SEVERITIES.includes(ev?.severity) ? ev.severity : 'info';
  const reason = String(ev?.reason ?? '');
  for (const [re, glyph, category] of RULES) if (reason && re.test(reason)) return { glyph, category, severity };
  if (/warn/i.test(String(ev?.type ?? ''))) return { glyph: SEVERITY_MARKS.warning, category: 'other', severity };
  return { glyph: SEVERITY_MARKS[severity], category: 'other', severity };
}
