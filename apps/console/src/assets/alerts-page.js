// Alerts: the newest first, filtered by decision, reason code (a rule's or a feature's), customer and
// time. New ones are asked for (received after the newest shown) as soon as the alerts service signals
// that it stored some (server-sent events), and every 2 s while that signal is not connected.
import { api, attempt, customerLink, decisionCell, field, h, reasonsText, row, say, scoreText, table, timeText } from './console-api.js';

const POLL_MS = 2000;
/** With the signal connected, polling only covers a signal lost on the way. */
const PUSHED_POLL_MS = 15000;
const KEPT = 200;
const page = document.getElementById('page');
const shown = new Set();
let newest = null;
let tbody = null;
let polling = null;
let pushed = false;

const decision = h(
  'select',
  { name: 'decision' },
  h('option', { value: '' }, 'any'),
  ['block', 'review', 'allow'].map((d) => h('option', { value: d }, d)),
);
const reason = h('input', { name: 'reason', placeholder: 'e.g. VELOCITY_10M', size: 18 });
const userId = h('input', { name: 'userId', placeholder: 'customer id', size: 18 });
const since = h('input', { name: 'since', type: 'datetime-local', step: 1 });
const live = h('input', { type: 'checkbox', name: 'live', checked: true });
const feedMode = h('span', { className: 'muted', id: 'feed-mode' }, 'polling every 2 s');

const deliveriesText = (deliveries) =>
  deliveries.length === 0 ? 'none' : deliveries.map((d) => `${d.status}${d.lastStatus ? ` (${d.lastStatus})` : ''}`).join(', ');

const COLUMNS = [
  ['Received', (a) => h('time', { datetime: a.receivedAt }, timeText(a.receivedAt))],
  ['Customer', (a) => customerLink(a.userId)],
  ['Event', (a) => a.eventType],
  ['Score', scoreText, true],
  ['Decision', (a) => decisionCell(a.decision)],
  ['Reasons', (a) => reasonsText(a.reasons)],
  ['Deliveries', (a) => deliveriesText(a.deliveries)],
];

function query(after) {
  const params = new URLSearchParams({ limit: after ? '100' : '50' });
  if (decision.value) params.set('decision', decision.value);
  if (reason.value.trim()) params.set('reason', reason.value.trim());
  if (userId.value.trim()) params.set('userId', userId.value.trim());
  const from = since.value ? new Date(since.value).toISOString() : null;
  const bound = after && (!from || after > from) ? after : from;
  if (bound) params.set('after', bound);
  return `/alerts?${params}`;
}

async function load() {
  const { items } = await api(query(null));
  shown.clear();
  items.forEach((a) => shown.add(a.alertId));
  newest = items[0]?.receivedAt ?? newest;
  const result = table(COLUMNS, items, {
    caption: `${items.length} alerts${live.checked ? ', live' : ''}`,
    rowAttributes: (a) => ({ 'data-alert-id': a.alertId }),
  });
  tbody = result.querySelector('tbody');
  page.querySelector('#alerts')?.replaceChildren(result);
  say(items.length === 0 ? 'No alert matches yet.' : '');
}

async function poll() {
  if (!live.checked || !newest) return load();
  const { items } = await api(query(newest));
  const fresh = items.filter((a) => !shown.has(a.alertId));
  for (const alert of fresh.reverse()) {
    shown.add(alert.alertId);
    tbody.prepend(row(COLUMNS, alert, { className: 'new', 'data-alert-id': alert.alertId }));
    if (alert.receivedAt > newest) newest = alert.receivedAt;
  }
  while (tbody.rows.length > KEPT) tbody.deleteRow(-1);
  if (fresh.length > 0) say(`${fresh.length} new alert${fresh.length === 1 ? '' : 's'}.`);
}

function schedule(delay = pushed ? PUSHED_POLL_MS : POLL_MS) {
  clearTimeout(polling);
  polling = setTimeout(async () => {
    await attempt(poll, 'Could not read new alerts');
    schedule();
  }, delay);
}

// The browser reconnects by itself when the stream drops; meanwhile the page polls.
const signals = new EventSource('/api/alerts/signals');
signals.addEventListener('stored', () => {
  pushed = true;
  feedMode.textContent = 'pushed as stored';
  if (live.checked) schedule(0);
});
signals.addEventListener('error', () => {
  pushed = false;
  feedMode.textContent = 'polling every 2 s';
});

const filters = h(
  'form',
  {
    className: 'inline',
    role: 'search',
    'aria-label': 'Filter alerts',
    onsubmit: (event) => {
      event.preventDefault();
      newest = null;
      attempt(load, 'Could not list alerts');
    },
  },
  field('Decision', decision),
  field('Reason code', reason),
  field('Customer', userId),
  field('Received since', since),
  h('label', {}, live, ' Live'),
  feedMode,
  h('button', { type: 'submit', className: 'primary' }, 'Apply'),
);

page.append(filters, h('div', { id: 'alerts' }));
attempt(load, 'Could not list alerts').then(schedule);
