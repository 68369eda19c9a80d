// Pipeline: each service's readiness, and per consumer group and partition the lag, the records
// processed per second and whether it is stalled; dead letters by group and topic, and by reason with
// the latest original. Refreshed every 5 s.
import { api, attempt, h, say, table, timeText } from './console-api.js';

const REFRESH_MS = 5000;
const page = document.getElementById('page');
const services = h('section', { 'aria-label': 'Services' });
const partitions = h('section', { 'aria-label': 'Consumer groups' });
const deadLetters = h('section', { 'aria-label': 'Dead letters' });

const rate = (n) => (n === null ? '—' : n >= 100 ? Math.round(n).toLocaleString() : n.toFixed(1));

async function refresh() {
  const view = await api('/pipeline');
  services.replaceChildren(
    h('h2', {}, 'Services'),
    table(
      [
        ['Service', (s) => s.service],
        ['Ready', (s) => (s.ready ? h('span', { className: 'ok' }, 'ready') : h('span', { className: 'bad' }, s.answered ? 'not ready' : 'not answering'))],
        ['Why', (s) => s.problems.join('; ')],
      ],
      view.services,
    ),
  );
  partitions.replaceChildren(
    h('h2', {}, 'Consumer groups'),
    view.partitions.length === 0
      ? h('p', { className: 'muted' }, 'No consumer has reported a partition yet.')
      : table(
          [
            ['Group', (p) => p.group],
            ['Topic', (p) => p.topic],
            ['Partition', (p) => String(p.partition), true],
            ['Lag (records)', (p) => (p.lag === null ? '—' : p.lag.toLocaleString()), true],
            ['Records/s', (p) => rate(p.perSecond), true],
            ['Stalled', (p) => (p.stalled ? h('span', { className: 'bad' }, 'stalled') : 'no')],
          ],
          view.partitions,
          {
            caption: `As the services reported at ${new Date(view.at).toLocaleTimeString()}`,
            rowAttributes: (p) => ({ 'data-group': p.group, 'data-partition': p.partition }),
          },
        ),
  );
  const { items: reasons } = await api('/dead-letters?hours=24&limit=50');
  deadLetters.replaceChildren(
    h('h2', {}, 'Dead letters'),
    view.deadLetters.length === 0
      ? h('p', { className: 'muted' }, 'No consumer has dead-lettered a record since the services started.')
      : table(
          [
            ['Group', (d) => d.group],
            ['Topic', (d) => d.topic],
            ['Records', (d) => d.records.toLocaleString(), true],
          ],
          view.deadLetters,
          { caption: 'Records consumers dead-lettered since each service started (refused HTTP events are below)' },
        ),
    h('h3', {}, 'By reason, last 24 hours'),
    reasons.length === 0
      ? h('p', { className: 'muted' }, 'No dead letter in the last 24 hours.')
      : table(
          [
            ['Group', (r) => r.group],
            ['From', (r) => r.topic],
            ['Reason', (r) => r.reason],
            ['Letters', (r) => r.count.toLocaleString(), true],
            ['Last', (r) => timeText(r.lastAt)],
            ['Latest original', (r) => h('details', {}, h('summary', {}, 'show'), h('pre', {}, h('code', {}, r.sample)))],
          ],
          reasons,
        ),
  );
  say('');
}

async function loop() {
  await attempt(refresh, 'Could not read the pipeline');
  setTimeout(loop, REFRESH_MS);
}

page.append(services, partitions, deadLetters);
loop();
