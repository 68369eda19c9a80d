// Rules: every rule scoring tests events against; create, edit, enable or disable, delete. The API's
// validation messages are shown as it gives them. Conditions are written one per line:
// `feature operator value`, e.g. `user.tx_count.10m >= 8`.
import { api, attempt, h, say, table } from './console-api.js';

const page = document.getElementById('page');
const listing = h('div', { id: 'rules' });
const ACTIONS = ['alert', 'review', 'block'];

const id = h('input', { id: 'rule-id', name: 'id', required: true, pattern: '[a-z0-9][a-z0-9_\\-]{0,63}', size: 24 });
const description = h('input', { id: 'rule-description', name: 'description', size: 48 });
const action = h(
  'select',
  { id: 'rule-action', name: 'action' },
  ACTIONS.map((a) => h('option', { value: a }, a)),
);
const reasonCode = h('input', { id: 'rule-reason', name: 'reasonCode', required: true, placeholder: 'VELOCITY_10M', size: 24 });
const eventTypes = h('input', { id: 'rule-types', name: 'eventTypes', placeholder: 'every scored type', size: 32 });
const conditions = h('textarea', { id: 'rule-when', name: 'when', rows: 3, cols: 48, required: true, placeholder: 'user.tx_count.10m >= 8' });
const enabled = h('input', { id: 'rule-enabled', name: 'enabled', type: 'checkbox', checked: true });

const conditionText = (rule) => rule.when.map((c) => `${c.feature} ${c.op} ${c.value}`).join(' and ');

/** The form's rule as the API takes it; a condition line that is not three parts is left for the API to name. */
function ruleOfForm() {
  const when = conditions.value
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [feature, op, value] = line.split(/\s+/);
      return { feature, op, value: value === undefined || value === '' ? value : Number(value) };
    });
  const types = eventTypes.value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    ...(description.value.trim() ? { description: description.value.trim() } : {}),
    enabled: enabled.checked,
    ...(types.length ? { eventTypes: types } : {}),
    when,
    action: action.value,
    reasonCode: reasonCode.value.trim(),
  };
}

function edit(rule) {
  id.value = rule.id;
  description.value = rule.description ?? '';
  action.value = rule.action;
  reasonCode.value = rule.reasonCode;
  eventTypes.value = (rule.eventTypes ?? []).join(', ');
  conditions.value = rule.when.map((c) => `${c.feature} ${c.op} ${c.value}`).join('\n');
  enabled.checked = rule.enabled;
  id.focus();
}

async function save(rule, ruleId) {
  await api(`/rules/${encodeURIComponent(ruleId)}`, { method: 'PUT', body: rule });
  await load();
  say(`Rule ${ruleId} saved: scoring applies it from its next batch.`);
}

async function load() {
  const { version, rules } = await api('/rules');
  listing.replaceChildren(
    rules.length === 0
      ? h('p', { className: 'muted' }, 'No rule yet.')
      : table(
          [
            ['Rule', (r) => h('code', {}, r.id)],
            ['State', (r) => (r.enabled ? h('span', { className: 'ok' }, 'enabled') : h('span', { className: 'muted' }, 'disabled'))],
            ['When', (r) => conditionText(r)],
            ['Types', (r) => (r.eventTypes ?? []).join(', ') || 'all'],
            ['Action', (r) => r.action],
            ['Reason code', (r) => h('code', {}, r.reasonCode)],
            ['Description', (r) => r.description ?? ''],
            [
              'Change',
              (r) => [
                h('button', { type: 'button', 'aria-label': `Edit ${r.id}`, onclick: () => edit(r) }, 'Edit'),
                ' ',
                h(
                  'button',
                  {
                    type: 'button',
                    'aria-label': `${r.enabled ? 'Disable' : 'Enable'} ${r.id}`,
                    onclick: () => attempt(() => save({ ...withoutId(r), enabled: !r.enabled }, r.id), `Could not change ${r.id}`),
                  },
                  r.enabled ? 'Disable' : 'Enable',
                ),
                ' ',
                h('button', { type: 'button', className: 'danger', 'aria-label': `Delete ${r.id}`, onclick: () => remove(r.id) }, 'Delete'),
              ],
            ],
          ],
          rules,
          { caption: `Rules version ${version ?? '—'}` },
        ),
  );
}

const withoutId = ({ id: _, ...rule }) => rule;

async function remove(ruleId) {
  if (!window.confirm(`Delete rule ${ruleId}?`)) return;
  await attempt(async () => {
    await api(`/rules/${encodeURIComponent(ruleId)}`, { method: 'DELETE' });
    await load();
    say(`Rule ${ruleId} deleted.`);
  }, `Could not delete ${ruleId}`);
}

const form = h(
  'form',
  {
    className: 'stacked',
    'aria-label': 'Create or edit a rule',
    onsubmit: (event) => {
      event.preventDefault();
      attempt(() => save(ruleOfForm(), id.value.trim()), 'The rule was not saved');
    },
  },
  h('label', { for: 'rule-id' }, 'Rule id'),
  id,
  h('label', { for: 'rule-when' }, 'Conditions (one per line, all must hold)'),
  conditions,
  h('label', { for: 'rule-action' }, 'Action'),
  action,
  h('label', { for: 'rule-reason' }, 'Reason code'),
  reasonCode,
  h('label', { for: 'rule-types' }, 'Event types (comma-separated)'),
  eventTypes,
  h('label', { for: 'rule-description' }, 'Description'),
  description,
  h('label', { for: 'rule-enabled' }, 'Enabled'),
  enabled,
  h('span'),
  h(
    'span',
    {},
    h('button', { type: 'button', onclick: () => attempt(preview, 'The rule could not be previewed') }, 'Preview'),
    ' ',
    h('button', { type: 'submit', className: 'primary' }, 'Save rule'),
  ),
);

/** How many recently scored events the rule in the form would have fired on, before it is saved. */
async function preview() {
  const { events, fired, unevaluated, missingFeatures } = await api('/rules/preview', { method: 'POST', body: ruleOfForm() });
  const share = events === 0 ? '' : ` (${((100 * fired) / events).toFixed(2)}%)`;
  const unknown =
    unevaluated > 0
      ? ` ${unevaluated} could not be judged: ${missingFeatures.join(', ')} ${missingFeatures.length === 1 ? 'is' : 'are'} computed by no model or rule now.`
      : '';
  say(`Would have fired on ${fired} of the last ${events} scored events${share}.${unknown}`);
}

page.append(
  listing,
  h('h2', {}, 'Create or edit a rule'),
  form,
  h('details', {}, h('summary', {}, 'Features a condition may name'), h('ul', { id: 'feature-help' })),
);
attempt(load, 'Could not list the rules');
attempt(async () => {
  const catalogue = await api('/features');
  document.getElementById('feature-help').replaceChildren(...catalogue.map((f) => h('li', {}, h('code', {}, f.name), ` ${f.description}`)));
}, 'Could not list the features');
