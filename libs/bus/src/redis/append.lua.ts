/**
 * Appends one producer batch to one partition stream, atomically and at most once.
 * KEYS[1] stream, KEYS[2] producer sequences hash.
 * ARGV: producerId, batchSequence, minId (retention), then one or more frames of packed records
 * (packed-records.ts), each appended as one entry with the single field `r`.
 * A batch whose sequence is not above the producer's last applied one is a resend (ioredis replays
 * unanswered commands after a reconnect) and is dropped, like Kafka's idempotent producer does.
 * Retention is trimmed once per batch, not per entry.
 */
export const APPEND_SCRIPT = `
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq <= last then return 0 end
for i = 4, #ARGV do
  redis.call('XADD', KEYS[1], '*', 'r', ARGV[i])
end
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], seq)
redis.call('PEXPIRE', KEYS[2], 604800000)
return 1
`;
