import { Type, type Static } from '@sinclair/typebox';
import { AlertSchema, type Alert } from './alert.payload';
import { PayloadCodec } from './codec/payload-codec';
import { Id } from './codec/schema-types';
import { Topics } from './topics';

/** What alerts publishes on `cases` for a case-management tool: one case per alert. */
export const CaseSchema = Type.Object({
  caseId: Id("The alert's id: a case published again (a retried batch, a replay) is recognised by it."),
  summary: Type.String({ description: 'One line for a case title, e.g. "transaction by u-42 scored 0.93: amount_far_above_usual".' }),
  alert: AlertSchema,
});

export type Case = Static<typeof CaseSchema>;

/** The case an alert opens. */
export function caseOf(alert: Alert): Case {
  const reasons = alert.reasons.map((r) => r.code).join(', ');
  const scored = alert.modelScored === false ? '' : ` scored ${alert.score.toFixed(2)}`;
  return { caseId: alert.alertId, summary: `${alert.eventType} by ${alert.userId}${scored}${reasons ? `: ${reasons}` : ''}`, alert };
}

export const caseCodec = new PayloadCodec({
  topic: Topics.cases,
  title: 'a case',
  description:
    'Every alert, as a case for a case-management tool (when alerts runs with ALERT_CHANNELS including cases). At least once: a case may come twice, with the same caseId. Keyed by userId.',
  schemaVersion: 1,
  schema: CaseSchema,
});
