import type { Alert } from './alert.payload';
import { caseOf } from './case.payload';

const alert = (over: Partial<Alert> = {}): Alert => ({
  alertId: 'alert_e1',
  eventId: 'e1',
  userId: 'u1',
  eventType: 'transaction',
  occurredAt: '2026-12-07T10:00:00.000Z',
  score: 0.934,
  decision: 'block',
  model: { id: 'm', version: '1' },
  reasons: [{ code: 'MODEL_SCORE_HIGH' }, { code: 'NEW_DEVICE' }],
  raisedAt: '2026-12-07T10:00:00.010Z',
  ...over,
});

describe('a case', () => {
  it("is titled by the event, its user, the model's score and the reason codes", () => {
    expect(caseOf(alert())).toEqual({ caseId: 'alert_e1', summary: 'transaction by u1 scored 0.93: MODEL_SCORE_HIGH, NEW_DEVICE', alert: alert() });
  });

  it('leaves the score out of the title of an alert a rule raised on an event the model does not score', () => {
    const login = alert({ eventType: 'login', score: 0, modelScored: false, reasons: [{ code: 'LOGIN_FROM_NEW_COUNTRY' }] });
    expect(caseOf(login).summary).toBe('login by u1: LOGIN_FROM_NEW_COUNTRY');
  });
});
