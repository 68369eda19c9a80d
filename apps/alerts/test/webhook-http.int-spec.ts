import { startWebhookReceiver } from '@app/testing';
import { WebhookTimeoutError, postWebhook } from '../src/delivery/webhook-http';

/** The webhook client connects to the addresses the target policy checked, never to a fresh lookup's. */
describe('postWebhook', () => {
  const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_1' };

  it('reaches the checked address under a name that resolves nowhere (.invalid): no second lookup', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const url = new URL(receiver.url.replace('127.0.0.1', 'hooks.invalid'));
      const answer = await postWebhook(url, ['127.0.0.1'], '{"a":1}', headers, 2_000);
      expect(answer.status).toBe(200);
      expect(receiver.received.map((m) => [m.id, m.body])).toEqual([['msg_1', '{"a":1}']]);
    } finally {
      await receiver.close();
    }
  });

  it('answers a redirect as it is, without following it', async () => {
    const receiver = await startWebhookReceiver((_, res) => void res.writeHead(302, { location: 'http://169.254.169.254/' }).end());
    try {
      expect((await postWebhook(new URL(receiver.url), ['127.0.0.1'], '{}', headers, 2_000)).status).toBe(302);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the timeout with a WebhookTimeoutError', async () => {
    const receiver = await startWebhookReceiver(() => undefined); // never answers
    try {
      const started = Date.now();
      await expect(postWebhook(new URL(receiver.url), ['127.0.0.1'], '{}', headers, 300)).rejects.toBeInstanceOf(WebhookTimeoutError);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await receiver.close();
    }
  });
});
