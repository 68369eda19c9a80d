// Customer: the profile folded from the stream, and the customer's alerts with their scores and reasons.
import { api, ApiProblem, attempt, decisionCell, field, h, reasonsText, say, table, timeText } from './console-api.js';

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
  ['Score', (a) => a.score.toFixed(3), true],
  ['Decision', (a) => decisionCell(a.decision)],
  ['Reasons', (a) => reasonsText(a.reasons)],
  ['Model', (a) => `${a.model.id} ${a.model.version}`],
];

async function show(id) {
  const [profile, alerts] = await Promise.all([
    api(`/profiles/${encodeURIComponent(id)}`).catch((error) => {
      if (error instanceof ApiProblem && error.status === 404) return null;
      throw error;
    }),
    api(`/alerts?userId=${encodeURIComponent(id)}&limit=100`),
  ]);
  result.replaceChildren(
    h('h2', {}, 'Profile'),
    profile ? profileFacts(profile) : h('p', { className: 'muted' }, 'No profile: no event of this customer has been folded yet.'),
    h('h2', {}, `Alerts (${alerts.items.length})`),
    alerts.items.length ? table(ALERT_COLUMNS, alerts.items) : h('p', { className: 'muted' }, 'No alert for this customer.'),
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
