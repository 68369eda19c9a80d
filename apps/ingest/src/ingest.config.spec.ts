import { loadConfig } from '@app/platform';
import { ingestEnv } from './ingest.config';

const roles = (value?: string) => loadConfig(ingestEnv, { API_KEYS: 'key-one-1234', ...(value === undefined ? {} : { INGEST_ROLES: value }) }).INGEST_ROLES;

describe('INGEST_ROLES', () => {
  it('runs every role by default, and any listed subset', () => {
    expect([...roles()]).toEqual(['http', 'raw']);
    expect([...roles(' raw ')]).toEqual(['raw']);
    expect([...roles('http,raw')]).toEqual(['http', 'raw']);
  });

  it('sends a lake role to the lake app', () => {
    expect(() => roles('http,lake')).toThrow(/INGEST_ROLES: lake: the lake sink is an app of its own \(apps\/lake/);
  });

  it('refuses the settings it replaced, naming the new one', () => {
    expect(() => loadConfig(ingestEnv, { API_KEYS: 'key-one-1234', LAKE_ENABLED: 'false' })).toThrow(/LAKE_ENABLED: was replaced by INGEST_ROLES/);
    expect(() => loadConfig(ingestEnv, { API_KEYS: 'key-one-1234', INGEST_CONSUMERS: 'false' })).toThrow(/INGEST_CONSUMERS: was replaced by INGEST_ROLES/);
  });

  it('refuses an unknown role or none, saying which exist', () => {
    expect(() => roles('http,lakes')).toThrow(/INGEST_ROLES: must be a comma-separated list of http, raw/);
    expect(() => roles(' , ')).toThrow(/INGEST_ROLES: must name at least one role/);
  });
});

describe('decision settings', () => {
  const load = (env: Record<string, string>) => loadConfig(ingestEnv, { API_KEYS: 'key-one-1234', ...env });

  it('gives payments review and everything else allow past the deadline by default', () => {
    expect([...load({}).DECISION_FALLBACK]).toEqual([
      ['transaction', 'review'],
      ['refund', 'review'],
      ['*', 'allow'],
    ]);
  });

  it('names each bad fallback entry, and a default deadline above the longest', () => {
    expect(() => load({ DECISION_FALLBACK: 'payment=review,*=maybe' })).toThrow(
      /DECISION_FALLBACK: "payment" is not an event type[\s\S]*DECISION_FALLBACK: "maybe" is not a verdict/,
    );
    expect(() => load({ DECISION_TIMEOUT_MS: '500', DECISION_MAX_TIMEOUT_MS: '200' })).toThrow(/DECISION_TIMEOUT_MS: must be at most DECISION_MAX_TIMEOUT_MS/);
  });
});
