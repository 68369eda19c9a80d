import { rejectionCause } from './ingest-metrics';

describe('rejectionCause', () => {
  it('names the event field a reason is about, nested ones by their top field', () => {
    expect(rejectionCause('userId: is required')).toBe('userId');
    expect(rejectionCause('occurredAt: is more than 5 minutes in the future')).toBe('occurredAt');
    expect(rejectionCause('properties.note: must not contain NUL characters')).toBe('properties');
  });

  it('keeps the label to a few values, whatever a sender makes up', () => {
    expect(rejectionCause('not valid JSON: Unexpected token')).toBe('json');
    expect(rejectionCause('ammount: is not a field of an event')).toBe('unknown_field');
    expect(rejectionCause('x'.repeat(40) + ': nonsense')).toBe('event');
    expect(rejectionCause('body: must be an object')).toBe('event');
    expect(rejectionCause('')).toBe('event');
  });
});
