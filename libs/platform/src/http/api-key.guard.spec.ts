import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from './api-error';
import { ApiKeyGuard, RequireScope } from './api-key.guard';
import { parseApiKeys, type Scope } from './api-keys';

@RequireScope('admin')
class AdminRoutes {}
@RequireScope('profiles')
class ProfileRoutes {}

/** A request to a route of `routes` (the route itself declares nothing: the controller's scope applies). */
const contextWith = (authorization: string | undefined, routes: new () => object = AdminRoutes) => {
  const request: { headers: Record<string, string>; apiKeyName?: string } = { headers: authorization === undefined ? {} : { authorization } };
  const context = {
    switchToHttp: () => ({ getRequest: () => request }),
    getHandler: () => function route() {},
    getClass: () => routes,
  } as unknown as ExecutionContext;
  return { context, request };
};
const failure = (run: () => unknown): ApiError => {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a refusal');
};

describe('ApiKeyGuard', () => {
  const { keys } = parseApiKeys(['admin=admin-key-123', 'profiles+ingest=reader-key-456', `admin=sha256:${'d'.repeat(64)}`]);
  const guard = new ApiKeyGuard(keys, new Reflector());

  it('lets a key through to a route of its scope, and names the key on the request (never the secret)', () => {
    const { context, request } = contextWith('Bearer admin-key-123');
    expect(guard.canActivate(context)).toBe(true);
    expect(request.apiKeyName).toMatch(/^admin#[0-9a-f]{8}$/);
    expect(guard.canActivate(contextWith('bearer reader-key-456', ProfileRoutes).context)).toBe(true);
  });

  it('answers 403 naming the scope a known key lacks', () => {
    const refused = failure(() => guard.canActivate(contextWith('Bearer reader-key-456').context));
    expect([refused.getStatus(), refused.code, refused.message]).toEqual([403, 'FORBIDDEN', 'this API key lacks the "admin" scope']);
    expect(failure(() => guard.canActivate(contextWith('Bearer admin-key-123', ProfileRoutes).context)).message).toContain('"profiles"');
  });

  it.each([
    [undefined, 'send an API key'],
    ['Basic abc', 'send an API key'],
    ['Bearer wrong-key-000', 'not valid'],
    ['Bearer admin-key-12', 'not valid'],
    [`Bearer sha256:${'d'.repeat(64)}`, 'not valid'],
  ])('answers 401 to %j', (header, message) => {
    const refused = failure(() => guard.canActivate(contextWith(header).context));
    expect(refused.getStatus()).toBe(401);
    expect(refused.message).toContain(message);
  });

  it("treats a route that declares no scope as an administrator's", () => {
    class Undeclared {}
    expect(failure(() => guard.canActivate(contextWith('Bearer reader-key-456', Undeclared).context)).getStatus()).toBe(403);
    expect(guard.canActivate(contextWith('Bearer admin-key-123', Undeclared).context)).toBe(true);
  });
});

describe('parseApiKeys', () => {
  it('reads scopes, hashed secrets and bare keys', () => {
    const { keys, problems } = parseApiKeys(['ingest=ingest-key-1', 'admin+profiles=both-key-22', `admin=sha256:${'AB'.repeat(32)}`, 'bare-dev-key']);
    expect(problems).toEqual([]);
    expect(keys.map((k) => [[...k.scopes].join('+'), k.bare, k.plaintext !== null])).toEqual([
      ['ingest', false, true],
      ['admin+profiles', false, true],
      ['admin', false, false],
      ['ingest+profiles+decide+admin', true, true],
    ]);
    expect(keys[2].digest.toString('hex')).toBe('ab'.repeat(32));
    for (const key of keys) expect(key.name).not.toContain(key.plaintext ?? 'sha256');
  });

  it.each([
    ['reader=key-12345678', 'before "=" must come scopes (ingest, profiles, decide, admin) joined by +'],
    ['admin+=key-12345678', 'before "=" must come scopes'],
    ['dGhpcyBpcyBhIHNlY3JldA==', 'a bare secret may not contain "="'],
    ['admin=sha256:abc', '64 hex digits'],
    ['admin=short', 'at least 8 characters'],
  ])('names what is wrong with %j without echoing the secret', (item, problem) => {
    const { problems } = parseApiKeys([item]);
    expect(problems).toEqual([expect.stringContaining(problem)]);
    for (const part of item.split('=').filter((p) => p.length > 3 && p !== 'admin' && !p.startsWith('sha256'))) expect(problems[0]).not.toContain(part);
  });

  it.each<[string, Scope]>([
    ['ingest', 'ingest'],
    ['admin', 'admin'],
  ])('lets each scope be required: %s', (_, scope) => {
    expect(parseApiKeys([`${scope}=a-long-enough-key`]).keys[0].scopes.has(scope)).toBe(true);
  });
});
