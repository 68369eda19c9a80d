/**
 * Appends one producer batch to one partition stream, atomically and at most once.
 * KEYS[1] stream, KEYS[2] producer sequences hash.
 * ARGV: producerId, batchSequence, minId (retention), then 4 values per record: key, value, headers, timestamp.
 * Headers and timestamp are stored only when given ('' otherwise): most records have neither, the entry
 * id holds the append time, and two fields fewer per entry is less for Redis to write, keep and replay.
 * A batch whose sequence is not above the producer's last applied one is a resend (ioredis replays
 * unanswered commands after a reconnect) and is dropped, like Kafka's idempotent producer does.
 */
export const APPEND_SCRIPT = `
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq <= last then return 0 end
for i = 4, #ARGV, 4 do
  if ARGV[i + 2] == '' and ARGV[i + 3] == '' then
    redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[3], '*', 'k', ARGV[i], 'v', ARGV[i + 1])
  else
    redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[3], '*', 'k', ARGV[i], 'v', ARGV[i + 1], 'h', ARGV[i + 2], 't', ARGV[i + 3])
  end
end
redis.call('HSET', KEYS[2], ARGV[1], seq)
redis.call('PEXPIRE', KEYS[2], 604800000)
return 1
`;
