import { escapeHtml } from './html';

/** The console's pages: each an HTML shell the page's script (assets/<name>-page.js) fills from /api. */
export const CONSOLE_PAGES = [
  { name: 'alerts', title: 'Alerts' },
  { name: 'customer', title: 'Customer' },
  { name: 'rules', title: 'Rules' },
  { name: 'models', title: 'Models' },
  { name: 'webhooks', title: 'Webhooks' },
  { name: 'pipeline', title: 'Pipeline' },
] as const;

export type ConsolePageName = (typeof CONSOLE_PAGES)[number]['name'];

const head = (title: string, extra = '') => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Sentinel console</title>
<link rel="stylesheet" href="/assets/console.css">
${extra}</head>`;

/** A page for a signed-in person: the navigation, who is signed in, and the page's own script. */
export function pageHtml(page: ConsolePageName, user: string, csrfToken: string): string {
  const { title } = CONSOLE_PAGES.find((p) => p.name === page) as (typeof CONSOLE_PAGES)[number];
  const links = CONSOLE_PAGES.map((p) => `<li><a href="/${p.name}"${p.name === page ? ' aria-current="page"' : ''}>${escapeHtml(p.title)}</a></li>`).join('');
  return `${head(title, `<meta name="csrf-token" content="${escapeHtml(csrfToken)}">\n`)}
<body>
<a class="skip" href="#main">Skip to the page</a>
<header class="bar">
<span class="brand">Sentinel</span>
<nav aria-label="Console"><ul>${links}</ul></nav>
<span class="who">Signed in as <strong>${escapeHtml(user)}</strong></span>
<button type="button" id="sign-out">Sign out</button>
</header>
<main id="main" tabindex="-1">
<h1>${escapeHtml(title)}</h1>
<p id="status" role="status" aria-live="polite"></p>
<div id="page"></div>
</main>
<script type="module" src="/assets/${page}-page.js"></script>
</body>
</html>
`;
}

/** The sign-in form, with why the last try failed. */
export function signInHtml(options: { next: string; name?: string; problem?: string }): string {
  const problem = options.problem ? `<p class="problem" role="alert">${escapeHtml(options.problem)}</p>` : '';
  return `${head('Sign in')}
<body>
<main id="main" class="sign-in">
<h1>Sentinel console</h1>
${problem}<form method="post" action="/sign-in">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<label for="name">Name</label>
<input id="name" name="name" autocomplete="username" required autofocus value="${escapeHtml(options.name ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`;
}
