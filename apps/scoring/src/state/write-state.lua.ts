/**
 * Stores a call's window-state changes and its partitions' new positions atomically, in one call, and
 * with the bus's outbox (Redis Streams, the state in the bus's Redis) appends the call's scores and alerts
 * in the same step: outputs and state both, or neither.
 * A MULTI of per-key commands cost the client one command object and promise per key (~55 ms for a
 * batch of 2,000 users); one script call with flat arguments costs a fraction of that.
 * Expiry is set when asked ('e', 's') or when the write created the key: APPEND and HINCRBY keep a
 * key's TTL, and setting it on every write was a third of the script's calls.
 *
 * KEYS: the partitions' positions, then the users, then the merchants, then the transactions' hashes (for
 *       chargebacks), then the users' lists of latest scores, then per day of label evaluation counts its
 *       hash and its pair's sorted set of days.
 * ARGV: position count, user TTL ms, merchant TTL ms, user count, merchant count, transaction TTL ms (also
 *       the evaluation counts'), transaction hash count, latest-score list count, entries a list keeps,
 *       evaluation day count, then per position (new value, the value the call read, '' for none), then
 *       per user ('a' to append, 'e' to append and set the TTL, 's' to set with the TTL; text), then per
 *       merchant ('e' to set the TTL or '-', increments n, field by ..., fields to delete n, field ...),
 *       then per transaction hash (fields n, id, facts, ...), then per latest-score list ('e' to set the
 *       TTL (the user's) or '-', entries n, entry ...), then per evaluation day (day, increments n, field
 *       by ...).
 * With the outbox, its plan's keys follow all of these keys, and its arguments all of these arguments.
 * Fenced: when a stored position is no longer the one the call read, another instance has scored that
 * partition since (a rebalance), and nothing is written; the error names the position's index, and the
 * retry reads the state afresh.
 */
export const writeStateScript = (outboxLua: string | null) => `${outboxLua ?? ''}
local positions = tonumber(ARGV[1])
for p = 1, positions do
  if (redis.call('GET', KEYS[p]) or '') ~= ARGV[10 + 2 * p] then
    return redis.error_reply('FENCED ' .. (p - 1) .. ' the partition was scored by another instance since this call read it')
  end
end
local userTtl, merchantTtl, users, merchants, transactionTtl, transactions = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
local recentLists, recentLimit, evaluationDays = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local a = 11 + 2 * positions
for k = positions + 1, positions + users do
  local op = ARGV[a]
  if op == 's' then
    redis.call('SET', KEYS[k], ARGV[a + 1], 'PX', userTtl)
  else
    local length = redis.call('APPEND', KEYS[k], ARGV[a + 1])
    if op == 'e' or length == #ARGV[a + 1] then redis.call('PEXPIRE', KEYS[k], userTtl) end
  end
  a = a + 2
end
for k = positions + users + 1, positions + users + merchants do
  local key = KEYS[k]
  local expire = ARGV[a] == 'e'
  local n = tonumber(ARGV[a + 1]); a = a + 2
  for i = 0, n - 1 do
    local value = redis.call('HINCRBY', key, ARGV[a + 2 * i], ARGV[a + 2 * i + 1])
    -- A new field may be a new key (lost with Redis's data, say): one without a TTL gets it.
    if i == 0 and not expire and value == tonumber(ARGV[a + 1]) then expire = redis.call('PTTL', key) == -1 end
  end
  a = a + 2 * n
  n = tonumber(ARGV[a]); a = a + 1
  -- unpack puts its values on Lua's stack, which holds about 8,000: a merchant may have more to delete.
  for from = a, a + n - 1, 1000 do redis.call('HDEL', key, unpack(ARGV, from, math.min(from + 999, a + n - 1))) end
  a = a + n
  if expire then redis.call('PEXPIRE', key, merchantTtl) end
end
local k = positions + users + merchants + 1
for _ = 1, transactions do
  local n = tonumber(ARGV[a]); a = a + 1
  for from = a, a + 2 * n - 1, 1000 do redis.call('HSET', KEYS[k], unpack(ARGV, from, math.min(from + 999, a + 2 * n - 1))) end
  redis.call('PEXPIRE', KEYS[k], transactionTtl)
  a = a + 2 * n
  k = k + 1
end
for _ = 1, recentLists do
  local n = tonumber(ARGV[a + 1])
  local length = redis.call('RPUSH', KEYS[k], unpack(ARGV, a + 2, a + 1 + n))
  if length > recentLimit then redis.call('LTRIM', KEYS[k], -recentLimit, -1) end
  if ARGV[a] == 'e' or length == n then redis.call('PEXPIRE', KEYS[k], userTtl) end
  a = a + 2 + n
  k = k + 1
end
for _ = 1, evaluationDays do
  local day, n = ARGV[a], tonumber(ARGV[a + 1])
  a = a + 2
  for i = 0, n - 1 do redis.call('HINCRBY', KEYS[k], ARGV[a + 2 * i], ARGV[a + 2 * i + 1]) end
  a = a + 2 * n
  redis.call('PEXPIRE', KEYS[k], transactionTtl)
  redis.call('ZADD', KEYS[k + 1], day, day)
  redis.call('PEXPIRE', KEYS[k + 1], transactionTtl)
  k = k + 2
end
${outboxLua ? 'appendOutbox(k, a)' : ''}
for p = 1, positions do redis.call('SET', KEYS[p], ARGV[9 + 2 * p]) end
return #KEYS
`;
