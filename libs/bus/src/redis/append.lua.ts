/**
 * Appends one producer batch to one partition stream, atomically and at most once.
 * KEYS[1] stream, KEYS[2] producer sequences hash.
 * ARGV: producerId, batchSequence, minId (retention), stride, then per record: key, value, and when the
 * stride is 4, headers and timestamp ('' when a record has none). Most batches have neither (the entry
 * id holds the append time): stride 2 spares Redis two arguments and two fields per entry.
 * A batch whose sequence is not above the producer's last applied one is a resend (ioredis replays
 * unanswered commands after a reconnect) and is dropped, like Kafka's idempotent producer does.
 * Retention is trimmed once per batch, not per entry.
 */
export const APPEND_SCRIPT = `
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq <= last then return 0 end
local stride = tonumber(ARGV[4])
if stride == 2 then
  for i = 5, #ARGV, 2 do
    redis.call('XADD', KEYS[1], '*', 'k', ARGV[i], 'v', ARGV[i + 1])
  end
else
  for i = 5, #ARGV, 4 do
    if ARGV[i + 2] == '' and ARGV[i + 3] == '' then
      redis.call('XADD', KEYS[1], '*', 'k', ARGV[i], 'v', ARGV[i + 1])
    else
      redis.call('XADD', KEYS[1], '*', 'k', ARGV[i], 'v', ARGV[i + 1], 'h', ARGV[i + 2], 't', ARGV[i + 3])
    end
  end
end
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], seq)
redis.call('PEXPIRE', KEYS[2], 604800000)
return 1
`;
