import { fallbackFor, parseFallbackPolicy } from './decision-fallback';

describe('parseFallbackPolicy', () => {
  it('gives each type its verdict and every other type the one of *', () => {
    const parsed = parseFallbackPolicy('transaction=review, refund=block,*=allow');
    if (!('policy' in parsed)) throw new Error(parsed.problems.join('; '));
    expect(fallbackFor(parsed.policy, 'transaction')).toBe('review');
    expect(fallbackFor(parsed.policy, 'refund')).toBe('block');
    expect(fallbackFor(parsed.policy, 'login')).toBe('allow');
  });

  it('names every bad entry', () => {
    expect(parseFallbackPolicy('payment=review,login=maybe,signup,*=allow')).toEqual({
      problems: [expect.stringContaining('"payment" is not an event type'), '"maybe" is not a verdict (allow, review, block)', '"signup" must be TYPE=VERDICT'],
    });
  });

  it('requires a verdict for every other type', () => {
    expect(parseFallbackPolicy('transaction=review')).toEqual({ problems: ['must give a verdict for * (every other event type)'] });
  });
});
