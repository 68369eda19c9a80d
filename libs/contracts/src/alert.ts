/** What the scoring service publishes on `alerts` for an event whose score or rules call for one. */
export interface Alert {
  /** Unique per event (alertIdFor): redelivered or replayed alerts are recognised by it. */
  alertId: string;
  eventId: string;
  userId: string;
  eventType: string;
  occurredAt: string;
  score: number;
  model: { id: string; version: string };
  reasons: Array<{ code: string; detail?: string }>;
  raisedAt: string;
}

/** An event raises at most one alert, so the alert's id is derived from the event's. */
export const alertIdFor = (eventId: string) => `alert_${eventId}`;
