import { publishFailure } from './publish-failure';
import { isTransient } from './transient-error';

describe('publishFailure', () => {
  it('calls a failure the records caused permanent, so the consumer isolates and dead-letters them', () => {
    const failure = publishFailure(
      'scores',
      Object.assign(new Error('The request included a message larger than the max message size'), { type: 'MESSAGE_TOO_LARGE' }),
    );
    expect(isTransient(failure)).toBe(false);
    expect(failure.message).toBe('publishing to scores failed: The request included a message larger than the max message size');
  });

  it.each([
    ['a producer out of step', { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }],
    ['a broker away', { name: 'KafkaJSNumberOfRetriesExceeded' }],
    ['a thread that died', {}],
  ])('calls %s transient: the batch is retried, not dead-lettered', (_, fields) => {
    expect(isTransient(publishFailure('scores', Object.assign(new Error('failed'), fields)))).toBe(true);
  });
});
