import type { Alert } from '@app/contracts';

export interface EndpointFilter {
  enabled: boolean;
  minScore: number | null;
  eventTypes: string[];
  reasonCodes: string[];
}

/** Whether an endpoint wants an alert: enabled, score at or above its minimum, one of its event types and reason codes (empty lists: all). */
export function wantsAlert(endpoint: EndpointFilter, alert: Alert): boolean {
  if (!endpoint.enabled) return false;
  if (endpoint.minScore !== null && alert.score < endpoint.minScore) return false;
  if (endpoint.eventTypes.length > 0 && !endpoint.eventTypes.includes(alert.eventType)) return false;
  if (endpoint.reasonCodes.length > 0 && !alert.reasons.some((reason) => endpoint.reasonCodes.includes(reason.code))) return false;
  return true;
}
