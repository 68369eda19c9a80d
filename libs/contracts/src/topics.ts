/** Topic names are part of the external contract (DESIGN.md, "Bus"): change them never, add freely. */
export const Topics = {
  raw: 'events.raw',
  enriched: 'events.enriched',
  invalid: 'events.invalid',
  scores: 'scores',
  alerts: 'alerts',
  audit: 'audit',
  cases: 'cases',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

export type TopicMap = { [K in keyof typeof Topics]: string };

/** The topic names one deployment uses: the contract's names behind an optional prefix (tests, tenants). */
export function topicNames(prefix = ''): TopicMap {
  return Object.fromEntries(Object.entries(Topics).map(([name, topic]) => [name, `${prefix}${topic}`])) as TopicMap;
}

/** The consumer groups that read them: each a stage that restarts, scales and rewinds on its own. */
export const ConsumerGroups = {
  /** ingest: events.raw, validated and enriched like POST /v1/events. */
  raw: 'ingest.raw',
  /** the lake sink: events.enriched to Parquet. */
  lake: 'ingest.lake',
  /** scoring: events.enriched to scores and alerts. */
  scoring: 'scoring',
  /** profile-api: scores (each with its event in brief) folded into profiles. */
  profiles: 'profile-api',
  /** alerts: alerts to webhook deliveries. */
  alerts: 'alerts',
  /** alerts: audit records kept in Postgres. */
  audit: 'audit',
  /** alerts: dead letters kept in Postgres for a week (the console's Pipeline page). */
  deadLetters: 'dead-letters',
} as const;

/**
 * A consumer group's name in a deployment: behind the same prefix as its topics, so that tests (or
 * tenants) sharing a broker never join each other's groups (Kafka rebalances a group across all its members).
 */
export const consumerGroup = (prefix: string, name: string) => `${prefix}${name}`;

/** The topics each consumer group reads: the one statement the consumers, docs/topics.md and the deployment checks take it from. */
export const GROUP_TOPICS = {
  raw: ['raw'],
  lake: ['enriched'],
  scoring: ['enriched'],
  profiles: ['scores'],
  alerts: ['alerts'],
  audit: ['audit'],
  deadLetters: ['invalid'],
} as const satisfies Record<keyof typeof ConsumerGroups, ReadonlyArray<keyof typeof Topics>>;

/** What the consumer group `name` reads in a deployment whose topics and groups carry `prefix`: spread into the bus's consume options. */
export function subscription(name: keyof typeof ConsumerGroups, prefix: string): { group: string; topics: string[] } {
  return { group: consumerGroup(prefix, ConsumerGroups[name]), topics: GROUP_TOPICS[name].map((topic) => `${prefix}${Topics[topic]}`) };
}
