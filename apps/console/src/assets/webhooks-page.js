// Webhooks: the endpoints alerts delivers to; an endpoint's delivery log (status, attempts, response
// codes, next retry); replay one delivery or a time range; rotate the signing secret (shown once).
import { api, attempt, field, h, say, table, timeText } from './console-api.js';

const page = document.getElementById('page');
const endpoints = h('div', { id: 'endpoints' });
const deliveries = h('section', { id: 'deliveries', 'aria-live': 'polite' });
const status = h(
  'select',
  { name: 'status' },
  h('option', { value: '' }, 'any'),
  ['pending', 'delivered', 'failed'].map((s) => h('option', { value: s }, s)),
);

async function loadEndpoints() {
  const list = await api('/webhooks');
  endpoints.replaceChildren(
    list.length === 0
      ? h('p', { className: 'muted' }, 'No endpoint.')
      : table(
          [
            ['Endpoint', (e) => h('code', {}, e.url)],
            ['Description', (e) => e.description ?? ''],
            [
              'State',
              (e) =>
                e.enabled
                  ? h('span', { className: 'ok' }, 'enabled')
                  : h('span', { className: 'bad' }, `disabled${e.disabledReason ? `: ${e.disabledReason}` : ''}`),
            ],
            [
              'Filter',
              (e) =>
                [e.filter.minScore === null ? '' : `score ≥ ${e.filter.minScore}`, ...e.filter.eventTypes, ...e.filter.reasonCodes]
                  .filter(Boolean)
                  .join(', ') || 'every alert',
            ],
            [
              'Actions',
              (e) => [
                h(
                  'button',
                  { type: 'button', 'aria-label': `Deliveries of ${e.url}`, onclick: () => attempt(() => showDeliveries(e), 'Could not list deliveries') },
                  'Deliveries',
                ),
                ' ',
                h('button', { type: 'button', 'aria-label': `Rotate secret of ${e.url}`, onclick: () => rotate(e) }, 'Rotate secret'),
              ],
            ],
          ],
          list,
        ),
  );
}

const attemptsText = (d) =>
  d.attempts.map((a) => `${timeText(a.at)}: ${a.status ?? 'no answer'}${a.error ? ` (${a.error})` : ''}, ${a.latencyMs} ms`).join('\n');

async function showDeliveries(endpoint) {
  const params = new URLSearchParams({ limit: '100' });
  if (status.value) params.set('status', status.value);
  const { items } = await api(`/webhooks/${endpoint.id}/deliveries?${params}`);
  deliveries.replaceChildren(
    h('h2', {}, `Deliveries to ${endpoint.url}`),
    h(
      'form',
      {
        className: 'inline',
        'aria-label': 'Filter deliveries',
        onsubmit: (ev) => (ev.preventDefault(), attempt(() => showDeliveries(endpoint), 'Could not list deliveries')),
      },
      field('Status', status),
      h('button', { type: 'submit' }, 'Apply'),
    ),
    items.length === 0
      ? h('p', { className: 'muted' }, 'No delivery.')
      : table(
          [
            ['Alert', (d) => h('code', {}, d.alertId)],
            ['Status', (d) => h('span', { className: d.status === 'failed' ? 'bad' : d.status === 'delivered' ? 'ok' : '' }, d.status)],
            ['Attempts', (d) => h('span', { title: attemptsText(d) }, String(d.attemptCount)), true],
            ['Last response', (d) => (d.lastStatus === null ? '—' : String(d.lastStatus))],
            ['Last error', (d) => d.lastError ?? ''],
            ['Next retry', (d) => (d.status === 'pending' ? timeText(d.nextAttemptAt) : '—')],
            ['Created', (d) => timeText(d.createdAt)],
            [
              'Replay',
              (d) =>
                d.status === 'pending'
                  ? ''
                  : h('button', { type: 'button', 'aria-label': `Replay ${d.alertId}`, onclick: () => replay(endpoint, d) }, 'Replay'),
            ],
          ],
          items,
        ),
    h('h3', {}, 'Replay a time range'),
    rangeForm(endpoint),
  );
}

async function replay(endpoint, delivery) {
  await attempt(async () => {
    const { replayed } = await api(`/webhooks/${endpoint.id}/deliveries/${delivery.id}/replay`, { method: 'POST' });
    await showDeliveries(endpoint);
    say(`Replayed ${replayed.length} delivery: it is sent again now.`);
  }, 'The delivery was not replayed');
}

function rangeForm(endpoint) {
  const from = h('input', { type: 'datetime-local', required: true, step: 1 });
  const to = h('input', { type: 'datetime-local', required: true, step: 1 });
  return h(
    'form',
    {
      className: 'inline',
      'aria-label': 'Replay a time range',
      onsubmit: (event) => {
        event.preventDefault();
        attempt(async () => {
          const body = { from: new Date(from.value).toISOString(), to: new Date(to.value).toISOString() };
          const { replayed } = await api(`/webhooks/${endpoint.id}/replay`, { method: 'POST', body });
          await showDeliveries(endpoint);
          say(`Replayed ${replayed.length} deliveries.`);
        }, 'The range was not replayed');
      },
    },
    field('From', from),
    field('To', to),
    h('button', { type: 'submit' }, 'Replay range'),
  );
}

async function rotate(endpoint) {
  if (!window.confirm(`Rotate the signing secret of ${endpoint.url}? The old one keeps working for 24 hours.`)) return;
  await attempt(async () => {
    const rotated = await api(`/webhooks/${endpoint.id}/rotate-secret`, { method: 'POST', body: { graceHours: 24 } });
    say('');
    deliveries.replaceChildren(
      h('h2', {}, `New secret of ${endpoint.url}`),
      h('p', {}, 'Shown once: give it to the receiver now. The old secret is accepted until ', timeText(rotated.secretRotationEndsAt), '.'),
      h('p', {}, h('output', { className: 'secret', 'aria-label': 'New secret' }, rotated.secret)),
    );
  }, 'The secret was not rotated');
}

page.append(endpoints, deliveries);
attempt(loadEndpoints, 'Could not list the endpoints');
