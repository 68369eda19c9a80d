import type { ExecutionContext } from '@nestjs/common';
import { ApiError } from './api-error';
import { ApiKeyGuard } from './api-key.guard';

const contextWith = (authorization?: string) =>
  ({ switchToHttp: () => ({ getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }) }) }) as unknown as ExecutionContext;

describe('ApiKeyGuard', () => {
  const guard = new ApiKeyGuard(['first-key-123', 'second-key-456']);

  it('accepts any configured key', () => {
    expect(guard.canActivate(contextWith('Bearer first-key-123'))).toBe(true);
    expect(guard.canActivate(contextWith('bearer second-key-456'))).toBe(true);
  });

  it.each([
    [undefined, 'send an API key'],
    ['Basic abc', 'send an API key'],
    ['Bearer wrong-key-000', 'not valid'],
    ['Bearer first-key-12', 'not valid'],
  ])('rejects %j with 401', (header, message) => {
    try {
      guard.canActivate(contextWith(header));
      throw new Error('expected rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).getStatus()).toBe(401);
      expect((error as ApiError).message).toContain(message);
    }
  });
});
