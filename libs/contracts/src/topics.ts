/** Topic names are part of the external contract (DESIGN.md, "Bus"): change them never, add freely. */
export const Topics = {
  raw: 'events.raw',
  enriched: 'events.enriched',
  invalid: 'events.invalid',
  scores: 'scores',
  alerts: 'alerts',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);
