import type { Alert } from '@app/contracts';
import type { DeliveryChannel } from '../channels/delivery-channel';
import { FanOutAlertsUseCase } from './fan-out-alerts.use-case';

const alert = {
  alertId: 'alert_e1',
  eventId: 'e1',
  userId: 'u1',
  eventType: 'transaction',
  occurredAt: '2026-11-23T10:00:00Z',
  score: 0.9,
  model: { id: 'm', version: '1' },
  reasons: [],
  raisedAt: '2026-11-23T10:00:00Z',
} as Alert;

function channel(name: string, outcome: () => Promise<void> = async () => undefined): DeliveryChannel & { got: string[][] } {
  const got: string[][] = [];
  return { name, got, accept: (alerts) => (got.push(alerts.map((a) => a.alertId)), outcome()) };
}

describe('FanOutAlertsUseCase', () => {
  it('hands the batch to every channel', async () => {
    const [webhooks, cases] = [channel('webhooks'), channel('cases')];
    await new FanOutAlertsUseCase([webhooks, cases]).fanOut([alert]);
    expect([webhooks.got, cases.got]).toEqual([[['alert_e1']], [['alert_e1']]]);
  });

  it('fails the batch when one channel fails, after the others have taken it', async () => {
    const down = new Error('bus unavailable');
    const webhooks = channel('webhooks', () => new Promise((resolve) => setTimeout(resolve, 20)));
    const cases = channel('cases', () => Promise.reject(down));
    await expect(new FanOutAlertsUseCase([webhooks, cases]).fanOut([alert])).rejects.toBe(down);
    expect(webhooks.got).toEqual([['alert_e1']]);
  });

  it('asks no channel about an empty batch', async () => {
    const webhooks = channel('webhooks');
    await new FanOutAlertsUseCase([webhooks]).fanOut([]);
    expect(webhooks.got).toEqual([]);
  });
});
