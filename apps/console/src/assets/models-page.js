// Models: the active model, whose scores decide, and the shadow scored beside it with how both did on
// labelled transactions (champion/challenger). Activate or shadow a folder of the models directory.
import { api, ApiProblem, attempt, field, h, say } from './console-api.js';

const page = document.getElementById('page');
const current = h('div', { id: 'models' });
const figure = (n, digits = 4) => (n === null || n === undefined ? '—' : typeof n === 'number' && !Number.isInteger(n) ? n.toFixed(digits) : String(n));

function modelFacts(m) {
  const thresholds = Object.entries(m.thresholds ?? {})
    .map(([k, v]) => `${k} ≥ ${v}`)
    .join(', ');
  return h(
    'dl',
    { className: 'facts' },
    [
      ['Folder', m.name],
      ['Model', `${m.id} ${m.version}`],
      ['Thresholds', thresholds],
      ['Features', m.features.join(', ')],
    ].map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

function evaluationTable(evaluation) {
  const rows = [
    ['Transactions', 'transactions'],
    ['Frauds (labelled)', 'frauds'],
    ['AUC ROC', 'aucRoc'],
    ['Average precision', 'averagePrecision'],
    ['Alerts', 'alerts'],
    ['Precision at alert', 'precisionAtAlert'],
    ['Recall at alert', 'recallAtAlert'],
  ];
  const { window: w, live, shadow } = evaluation;
  return h(
    'table',
    {},
    h('caption', { className: 'muted' }, `Transactions of ${w.from} to ${w.to} (${w.days} days), labels given ${w.labelDelayDays} days to arrive`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Figure'),
        h('th', { scope: 'col', className: 'number' }, `Live ${live.id}`),
        h('th', { scope: 'col', className: 'number' }, `Shadow ${shadow.id}`),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map(([label, key]) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, label),
          h('td', { className: 'number' }, figure(live[key])),
          h('td', { className: 'number' }, figure(shadow[key])),
        ),
      ),
    ),
  );
}

async function load() {
  const active = await api('/models/active');
  const shadow = await api('/models/shadow').catch((error) => {
    if (error instanceof ApiProblem && error.status === 404) return null;
    throw error;
  });
  current.replaceChildren(
    h('h2', {}, 'Active'),
    modelFacts(active),
    h('h2', {}, 'Shadow'),
    shadow
      ? [
          modelFacts(shadow),
          evaluationTable(shadow.evaluation),
          h(
            'button',
            { type: 'button', className: 'primary', onclick: () => change('/models/shadow/promote', 'POST', undefined, 'Shadow promoted: it now decides.') },
            'Promote the shadow',
          ),
          ' ',
          h(
            'button',
            { type: 'button', className: 'danger', onclick: () => change('/models/shadow', 'DELETE', undefined, 'Shadow removed.') },
            'Stop shadowing',
          ),
        ]
      : h('p', { className: 'muted' }, 'No shadow model is scored.'),
  );
}

async function change(path, method, body, done) {
  await attempt(async () => {
    await api(path, { method, body });
    await load();
    say(done);
  }, 'The model was not changed');
}

const folder = h('input', { name: 'name', required: true, placeholder: 'a folder of MODELS_DIR', size: 32 });
const choose = (path, done) => (event) => {
  event.preventDefault();
  change(path, 'PUT', { name: folder.value.trim() }, done);
};
page.append(
  current,
  h('h2', {}, 'Serve another model'),
  h(
    'form',
    { className: 'inline', 'aria-label': 'Serve another model', onsubmit: choose('/models/active', 'Model activated.') },
    field('Model folder', folder),
    h('button', { type: 'submit', className: 'primary' }, 'Activate'),
    h('button', { type: 'button', onclick: choose('/models/shadow', 'Shadow set: scored beside the active model.') }, 'Shadow'),
  ),
);
attempt(load, 'Could not read the models');
