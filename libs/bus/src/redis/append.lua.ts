/**
 * Appends packed frames ARGV[from..to] (packed-records.ts) to a stream, one entry with the single field
 * `r` each, and trims its retention once (XTRIM MINID ~ minId), not per entry. Shared by the bus's own
 * appends and by the outbox that callers' scripts embed (stream-outbox.ts).
 */
const APPEND_FRAMES_FUNCTION = `
local function appendFrames(stream, minId, from, to)
  for i = from, to do
    redis.call('XADD', stream, '*', 'r', ARGV[i])
  end
  redis.call('XTRIM', stream, 'MINID', '~', minId)
end
`;

/**
 * Appends one producer batch to one partition stream, atomically and at most once.
 * KEYS[1] stream, KEYS[2] producer sequences hash.
 * ARGV: producerId, batchSequence, minId (retention), then one or more frames of packed records.
 * A batch whose sequence is not above the producer's last applied one is a resend (ioredis replays
 * unanswered commands after a reconnect) and is dropped, like Kafka's idempotent producer does.
 */
export const APPEND_SCRIPT = `${APPEND_FRAMES_FUNCTION}
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq <= last then return 0 end
appendFrames(KEYS[1], ARGV[3], 4, #ARGV)
redis.call('HSET', KEYS[2], ARGV[1], seq)
redis.call('PEXPIRE', KEYS[2], 604800000)
return 1
`;

/**
 * The outbox's Lua, for a caller's script to embed (stream-outbox.ts): `appendOutbox(k, a)` appends the
 * records of a plan whose keys start at KEYS[k] (one stream each) and whose arguments start at ARGV[a]
 * (streams n, then per stream: minId, frames n, frame ...).
 */
export const OUTBOX_LUA = `${APPEND_FRAMES_FUNCTION}
local function appendOutbox(k, a)
  local streams = tonumber(ARGV[a])
  a = a + 1
  for s = 0, streams - 1 do
    local frames = tonumber(ARGV[a + 1])
    appendFrames(KEYS[k + s], ARGV[a], a + 2, a + 1 + frames)
    a = a + 2 + frames
  end
end
`;

/**
 * APPEND_SCRIPT for records with ids (publishOnce): appends the batch only if none of its ids is in the
 * topic's sets of ids appended in this window-long bucket or the one before, and adds its ids to this
 * bucket's set, in the same step. Otherwise appends nothing and returns the (1-based) places of the ids
 * found, for the caller to send the batch again without them.
 * KEYS[1] stream, KEYS[2] producer sequences hash, KEYS[3] this bucket's ids, KEYS[4] the previous bucket's.
 * ARGV: producerId, batchSequence, minId, when this bucket's set expires (ms since the epoch), ids n,
 * id ..., then the frames.
 */
export const APPEND_ONCE_SCRIPT = `${APPEND_FRAMES_FUNCTION}
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq <= last then return {} end
local ids = tonumber(ARGV[5])
local found = {}
-- SMISMEMBER a thousand at a time: unpack puts its values on Lua's stack, which holds about 8,000.
for from = 6, 5 + ids, 1000 do
  local to = math.min(from + 999, 5 + ids)
  local current = redis.call('SMISMEMBER', KEYS[3], unpack(ARGV, from, to))
  local previous = redis.call('SMISMEMBER', KEYS[4], unpack(ARGV, from, to))
  for i = 1, to - from + 1 do
    if current[i] == 1 or previous[i] == 1 then found[#found + 1] = from - 6 + i end
  end
end
if #found > 0 then return found end
appendFrames(KEYS[1], ARGV[3], 6 + ids, #ARGV)
for from = 6, 5 + ids, 1000 do redis.call('SADD', KEYS[3], unpack(ARGV, from, math.min(from + 999, 5 + ids))) end
redis.call('PEXPIREAT', KEYS[3], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[1], seq)
redis.call('PEXPIRE', KEYS[2], 604800000)
return {}
`;
