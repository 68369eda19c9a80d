import { publishFailure } from './publish-failure';
import { isTransient } from './transient-error';

describe('publishFailure', () => {
  it('calls a failure the records caused permanent, so the consumer isolates and dead-letters them', () => {
    const failure = publishFailure(
      'scores',
      Object.assign(new Error('The request included a message larger than the max message size'), { type: 'MESSAGE_TOO_LARGE' }),
    );
    expect(isTransient(failure)).toBe(false);
    expect(failure.message).toBe('publishing to scores failed: MESSAGE_TOO_LARGE: The request included a message larger than the max message size');
  });

  it("names the client's error class and the broker's code: a closed connection and spent retries read apart", () => {
    const spent = Object.assign(new Error('Closed connection'), { name: 'KafkaJSNumberOfRetriesExceeded' });
    expect(publishFailure('scores', spent).message).toBe('publishing to scores failed: KafkaJSNumberOfRetriesExceeded: Closed connection');
    const outOfStep = Object.assign(new Error('out of order'), { name: 'KafkaJSProtocolError', type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(publishFailure('scores', outOfStep).message).toBe('publishing to scores failed: KafkaJSProtocolError OUT_OF_ORDER_SEQUENCE_NUMBER: out of order');
  });

  it.each([
    ['a producer out of step', { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' }],
    ['a broker away', { name: 'KafkaJSNumberOfRetriesExceeded' }],
    ['a thread that died', {}],
  ])('calls %s transient: the batch is retried, not dead-lettered', (_, fields) => {
    expect(isTransient(publishFailure('scores', Object.assign(new Error('failed'), fields)))).toBe(true);
  });
});
