// What every console page shares: calls to the console's /api (with the page's CSRF token), the status
// line, element building without innerHTML (text is never parsed as markup), and signing out.

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** An answer of the API that is not a success: its message, and one line per problem when it gives them. */
export class ApiProblem extends Error {
  constructor(status, message, details) {
    super(message);
    this.status = status;
    this.details = Array.isArray(details) ? details.map(String) : [];
  }
}

/** A call to the console's API: the parsed answer, or an ApiProblem. A lapsed session goes to sign-in. */
export async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(`/api${path}`, {
    method,
    headers: { 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 401) {
    window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    throw new ApiProblem(401, 'signed out');
  }
  const text = await response.text();
  const answer = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiProblem(response.status, answer?.error?.message ?? `HTTP ${response.status}`, answer?.error?.details);
  return answer;
}

/** An element with attributes (on* keys are listeners) and children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'className') element.className = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity))
    if (child !== null && child !== undefined && child !== false) element.append(child instanceof Node ? child : String(child));
  return element;
}

/** A table with a header row and one row per item; `columns` are [heading, cell(item), numeric?]. */
export function table(columns, items, { caption, rowAttributes } = {}) {
  return h(
    'table',
    {},
    caption ? h('caption', { className: 'muted' }, caption) : null,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map(([heading, , numeric]) => h('th', { scope: 'col', className: numeric ? 'number' : undefined }, heading)),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((item) => row(columns, item, rowAttributes?.(item) ?? {})),
    ),
  );
}

export function row(columns, item, attributes = {}) {
  return h(
    'tr',
    attributes,
    columns.map(([, cell, numeric]) => h('td', { className: numeric ? 'number' : undefined }, cell(item))),
  );
}

/** The status line under the title: what just happened, or what went wrong (with the API's lines). */
export function say(message, problem) {
  const status = document.getElementById('status');
  status.className = problem ? 'error' : '';
  status.replaceChildren(
    message,
    ...(problem?.details?.length
      ? [
          h(
            'ul',
            {},
            problem.details.map((d) => h('li', {}, d)),
          ),
        ]
      : []),
  );
}

/** Runs `work`, telling its failure in the status line instead of losing it. */
export async function attempt(work, failure = 'Failed') {
  try {
    return await work();
  } catch (error) {
    say(`${failure}: ${error.message}`, error instanceof ApiProblem ? error : undefined);
    return undefined;
  }
}

export const decisionCell = (decision) => (decision ? h('span', { className: `decision-${decision}` }, decision) : h('span', { className: 'muted' }, '—'));
/** A score or alert's score; "rules only" for an event of a type the model does not score (docs/scoring.md, "Models"). */
export const scoreText = (scored) => (scored.modelScored === false ? 'rules only' : scored.score.toFixed(3));
export const reasonsText = (reasons) => (reasons ?? []).map((r) => r.code).join(', ');
export const timeText = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—');
export const customerLink = (userId) => h('a', { href: `/customer?userId=${encodeURIComponent(userId)}` }, userId);

/** A labelled field for an inline form. */
export function field(label, control) {
  return h('label', {}, label, control);
}

document.getElementById('sign-out')?.addEventListener('click', async () => {
  await fetch('/sign-out', { method: 'POST', headers: { 'x-csrf-token': csrfToken }, credentials: 'same-origin' });
  window.location.assign('/sign-in');
});
