import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from './free-port';
import { startServiceProcess } from './service-process';
import type { SuiteProcesses } from './suite-processes';

/** The console as a process of its own beside `suite`, calling its services with `apiKey`, people signing in as `users`. */
export async function startConsoleProcess(suite: SuiteProcesses, users: string, apiKey: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = await startServiceProcess('console', port, {
    CONSOLE_USERS: users,
    CONSOLE_API_KEY: apiKey,
    INGEST_URL: suite.url('ingest'),
    SCORING_URL: suite.url('scoring'),
    PROFILE_API_URL: suite.url('profile-api'),
    ALERTS_URL: suite.url('alerts'),
    LAKE_URL: suite.url('lake'),
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/**
 * Debian's Chromium (scripts/infra.sh test-tools installs it; CHROMIUM_PATH names another), headless.
 * This machine's network is closed: Chromium's own background connections would only fail.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
