import { EVENT_TYPES, VERDICTS, type Verdict } from '@app/contracts';

/** The verdict given when a decision cannot be made in time, per event type ('*': every other type). */
export type FallbackPolicy = ReadonlyMap<string, Verdict>;

/**
 * Parses DECISION_FALLBACK, e.g. `transaction=review,refund=review,*=allow`. Returns the policy or the
 * problems, one per bad entry; `*` is required, so every type has an answer.
 */
export function parseFallbackPolicy(text: string): { policy: FallbackPolicy } | { problems: string[] } {
  const policy = new Map<string, Verdict>();
  const problems: string[] = [];
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [type, verdict, ...rest] = entry.split('=').map((p) => p.trim());
    if (rest.length > 0 || verdict === undefined) problems.push(`"${entry}" must be TYPE=VERDICT`);
    else if (type !== '*' && !(EVENT_TYPES as readonly string[]).includes(type))
      problems.push(`"${type}" is not an event type (${EVENT_TYPES.join(', ')}) nor *`);
    else if (!(VERDICTS as readonly string[]).includes(verdict)) problems.push(`"${verdict}" is not a verdict (${VERDICTS.join(', ')})`);
    else policy.set(type, verdict as Verdict);
  }
  if (problems.length === 0 && !policy.has('*')) problems.push('must give a verdict for * (every other event type)');
  return problems.length > 0 ? { problems } : { policy };
}

export const fallbackFor = (policy: FallbackPolicy, type: string): Verdict => policy.get(type) ?? (policy.get('*') as Verdict);
