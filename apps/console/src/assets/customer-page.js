// Customer: the profile folded from the stream, the customer's latest scores (alerting or not), their
// alerts with reasons, and a timeline of their events of the last 7 days, read back from the lake.
import { api, ApiProblem, attempt, decisionCell, field, h, reasonsText, say, scoreText, table, timeText } from './console-api.js';

const page = document.getElementById('page');
const params = new URLSearchParams(window.location.search);
const userId = h('input', { name: 'userId', required: true, size: 28, value: params.get('userId') ?? '' });
const result = h('div', { id: 'customer' });

const money = (n) => (typeof n === 'number' ? n.toFixed(2) : '—');
const list = (values) => (values?.length ? values.join(', ') : '—');

function profileFacts(p) {
  const facts = [
    ['Customer', p.userId],
    ['Risk', `${p.riskBand}${p.lastRiskScore === null ? '' : ` (last score ${p.lastRiskScore.toFixed(3)})`}`],
    ['Segments', list(p.segments)],
    ['First seen', timeText(p.firstSeenAt)],
    ['Last seen', timeText(p.lastSeenAt)],
    [
      'Events',
      `${p.eventCount} (${Object.entries(p.eventCountsByType ?? {})
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')})`,
    ],
    ['Transactions', `${p.transactionCount}, total ${money(p.totalAmount)}, average ${money(p.averageAmount)}`],
    ['Alerts', String(p.alertCount ?? 0)],
    ['Last place', [p.lastCity, p.lastCountry].filter(Boolean).join(', ') || '—'],
    ['Countries', list(p.countries)],
    ['Devices', list(p.devices)],
  ];
  return h(
    'dl',
    { className: 'facts' },
    facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

const ALERT_COLUMNS = [
  ['Occurred', (a) => h('time', { datetime: a.occurredAt }, timeText(a.occurredAt))],
  ['Event', (a) => h('code', {}, a.eventId)],
  ['Type', (a) => a.eventType],
  ['Score', scoreText, true],
  ['Decision', (a) => decisionCell(a.decision)],
  ['Reasons', (a) => reasonsText(a.reasons)],
  ['Model', (a) => `${a.model.id} ${a.model.version}`],
];

const SCORE_COLUMNS = [
  ['Occurred', (s) => h('time', { datetime: s.occurredAt }, timeText(s.occurredAt))],
  ['Event', (s) => h('code', {}, s.eventId)],
  ['Type', (s) => s.type],
  ['Score', scoreText, true],
  ['Decision', (s) => decisionCell(s.decision)],
  ['Alert', (s) => (s.alert ? 'yes' : '')],
  ['Reasons', (s) => s.reasons.join(', ')],
  ['Model', (s) => `${s.model.id} ${s.model.version}`],
];

const TIMELINE_COLUMNS = [
  ['Occurred', (e) => h('time', { datetime: e.occurredAt }, timeText(e.occurredAt))],
  ['Type', (e) => e.type],
  ['Amount', (e) => (e.amount === null ? '' : `${money(e.amount)} ${e.currency ?? ''}`), true],
  ['Merchant', (e) => e.merchantId ?? ''],
  ['Place', (e) => [e.city, e.country].filter(Boolean).join(', ')],
  ['Device', (e) => [e.deviceType, e.browser].filter(Boolean).join(', ')],
  ['Flags', (e) => e.flags.join(', ')],
  ['Event', (e) => h('code', {}, e.eventId)],
];

async function show(id) {
  const [profile, scores, alerts, timeline] = await Promise.all([
    api(`/profiles/${encodeURIComponent(id)}`).catch((error) => {
      if (error instanceof ApiProblem && error.status === 404) return null;
      throw error;
    }),
    api(`/users/${encodeURIComponent(id)}/scores`),
    api(`/alerts?userId=${encodeURIComponent(id)}&limit=100`),
    // The lake answers more slowly than the rest, and the page is useful without it.
    api(`/users/${encodeURIComponent(id)}/events?days=7&limit=200`).catch((error) => ({ problem: error.message })),
  ]);
  result.replaceChildren(
    h('h2', {}, 'Profile'),
    profile ? profileFacts(profile) : h('p', { className: 'muted' }, 'No profile: no event of this customer has been folded yet.'),
    h('h2', {}, `Latest scores (${scores.items.length})`),
    scores.items.length
      ? table(SCORE_COLUMNS, scores.items, { caption: 'Every scored event, alerting or not, newest first' })
      : h('p', { className: 'muted' }, 'No score kept for this customer.'),
    h('h2', {}, `Alerts (${alerts.items.length})`),
    alerts.items.length
      ? table(ALERT_COLUMNS, alerts.items, { caption: 'Alerts raised for this customer, newest first' })
      : h('p', { className: 'muted' }, 'No alert for this customer.'),
    h('h2', {}, 'Timeline, last 7 days'),
    timeline.problem
      ? h('p', { className: 'problem' }, `The lake could not be read: ${timeline.problem}`)
      : timeline.items.length
        ? table(TIMELINE_COLUMNS, timeline.items, { caption: 'Events by their time, newest first, as the lake holds them (files land every few seconds)' })
        : h('p', { className: 'muted' }, 'No event of this customer in the lake for these days.'),
  );
  say('');
}

page.append(
  h(
    'form',
    {
      className: 'inline',
      role: 'search',
      'aria-label': 'Find a customer',
      onsubmit: (event) => {
        event.preventDefault();
        const id = userId.value.trim();
        window.history.replaceState(null, '', `/customer?userId=${encodeURIComponent(id)}`);
        attempt(() => show(id), 'Could not read the customer');
      },
    },
    field('Customer id', userId),
    h('button', { type: 'submit', className: 'primary' }, 'Show'),
  ),
  result,
);
if (userId.value) attempt(() => show(userId.value), 'Could not read the customer');
