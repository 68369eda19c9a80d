import type { Alert } from '@app/contracts';
import { wantsAlert, type EndpointFilter } from './endpoint-filter';

const alert: Alert = {
  alertId: 'alert_e1',
  eventId: 'e1',
  userId: 'u1',
  eventType: 'transaction',
  occurredAt: '2026-11-23T10:00:00Z',
  score: 0.85,
  model: { id: 'm', version: '1' },
  reasons: [{ code: 'velocity' }, { code: 'new_device' }],
  raisedAt: '2026-11-23T10:00:00.010Z',
};
const all: EndpointFilter = { enabled: true, minScore: null, eventTypes: [], reasonCodes: [] };

describe('wantsAlert', () => {
  it('sends everything to an endpoint without a filter, nothing to a disabled one', () => {
    expect(wantsAlert(all, alert)).toBe(true);
    expect(wantsAlert({ ...all, enabled: false }, alert)).toBe(false);
  });

  it('applies the minimum score inclusively', () => {
    expect(wantsAlert({ ...all, minScore: 0.85 }, alert)).toBe(true);
    expect(wantsAlert({ ...all, minScore: 0.86 }, alert)).toBe(false);
  });

  it('matches any listed event type and any listed reason code', () => {
    expect(wantsAlert({ ...all, eventTypes: ['login', 'transaction'] }, alert)).toBe(true);
    expect(wantsAlert({ ...all, eventTypes: ['login'] }, alert)).toBe(false);
    expect(wantsAlert({ ...all, reasonCodes: ['geo_velocity', 'new_device'] }, alert)).toBe(true);
    expect(wantsAlert({ ...all, reasonCodes: ['geo_velocity'] }, alert)).toBe(false);
  });
});
