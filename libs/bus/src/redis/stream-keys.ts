/** Where a topic lives in Redis: one stream per partition, plus a hash of partition counts. */
export const TOPICS_KEY = 'bus:topics';
export const streamKey = (topic: string, partition: number) => `bus:${topic}:${partition}`;
/** Highest batch sequence applied per producer, for dropping resent batches. */
export const producerSequencesKey = (stream: string) => `${stream}:producers`;

/** The stream id just before `ms`, so a group set to it next reads the first entry at or after `ms`. */
export const streamIdBefore = (ms: number) => (ms <= 0 ? '0-0' : `${ms - 1}-18446744073709551615`);

/** Set (with a short expiry) while a member of the group runs; rewind refuses while it exists. */
export const groupLivenessKey = (group: string) => `bus:group-alive:${group}`;
export const GROUP_LIVENESS_TTL_MS = 5_000;

/** Ids of a topic's records appended by publishOnce during one window-long bucket of time. */
export const appendedIdsKey = (topic: string, windowMs: number, bucket: number) => `bus:${topic}:ids:${windowMs}:${bucket}`;
