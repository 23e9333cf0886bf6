"""The Lua scripts of the Redis store: each read-modify-write is one script, so it is atomic on the
server and costs one round trip. The bucket and window arithmetic is ``limits``'s, line for line.
"""

from __future__ import annotations

NAMES = (
    "POLL", "SAVE_SESSION", "BY_PAGE", "CHANGE", "COUNT", "TAKE", "ADMIT", "JOIN", "CLOCK", "SCENARIO_WRITE",
    "SCENARIO_DROP", "JOURNAL_APPEND", "REVOKE",
)  # fmt: skip

# KEYS[1] session hash {d data, a owner, p polls, v version, f "1" once finished}; ARGV[1] account.
# The session (data, polls) if the account owns it, one more poll counted while it is pending.
POLL = """
local found = redis.call('HMGET', KEYS[1], 'a', 'f', 'd', 'p')
if found[1] ~= ARGV[1] then return false end
if found[2] == '1' then return {found[3], found[4]} end
return {found[3], redis.call('HINCRBY', KEYS[1], 'p', 1)}
"""

# KEYS[1] session hash, KEYS[2] page key; ARGV: data, owner, polls, finished ("1"/"0"), ttl ms,
# signatureId. A new session, its page token pointing at it, both expiring together.
SAVE_SESSION = """
redis.call('HSET', KEYS[1], 'd', ARGV[1], 'a', ARGV[2], 'p', ARGV[3], 'v', '1', 'f', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[5])
return 1
"""

# KEYS[1] page key. The session (data, polls, version) the page token names, or nil.
BY_PAGE = """
local id = redis.call('GET', KEYS[1])
if not id then return false end
local found = redis.call('HMGET', ARGV[1] .. id, 'd', 'p', 'v')
if not found[1] then return false end
return found
"""

# KEYS[1] session hash, KEYS[2] page key; ARGV: version read, new data, ttl ms, finished ("1"/"0").
# 1 if written, 0 if another process changed the session since it was read (read again and retry).
CHANGE = """
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'd', ARGV[2], 'v', tostring(tonumber(ARGV[1]) + 1), 'f', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""

# KEYS[1] counter hash; ARGV[1] field, ARGV[2] ttl ms (0: none). The new value.
COUNT = """
local value = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if value == 1 and ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
"""

# KEYS[1] the scope's bucket hash (fields <name>:t, <name>:l); ARGV: name, per_ms, burst, now_ms,
# ttl ms (0: none). The wait in ms as a string ("0": a token was spent).
TAKE = """
local per_ms, burst, now = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], ARGV[1] .. ':t', ARGV[1] .. ':l')
local tokens, last = tonumber(state[1]) or burst, tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - last) * per_ms)
last = math.max(last, now)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / per_ms end
redis.call('HSET', KEYS[1], ARGV[1] .. ':t', tostring(tokens), ARGV[1] .. ':l', string.format('%d', last))
if ARGV[5] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
return tostring(wait)
"""

# KEYS[1] the scope's window hash (field name: event times, space-separated); ARGV: name, limit,
# window_ms, now_ms. 1 admitted (and counted), 0 refused.
ADMIT = """
local limit, window, now = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local events = {}
for t in string.gmatch(redis.call('HGET', KEYS[1], ARGV[1]) or '', '%S+') do table.insert(events, tonumber(t)) end
if #events > 0 and now < events[#events] then events = {} end
if #events >= limit and now - events[#events - limit + 1] < window then return 0 end
table.insert(events, now)
while #events > limit do table.remove(events, 1) end
local kept = {}
for i, t in ipairs(events) do kept[i] = string.format('%d', t) end
redis.call('HSET', KEYS[1], ARGV[1], table.concat(kept, ' '))
return 1
"""

# KEYS[1] control hash; ARGV[1] proposed seed. {member number from 0, the fleet's seed}.
JOIN = """
local member = redis.call('HINCRBY', KEYS[1], 'members', 1) - 1
redis.call('HSETNX', KEYS[1], 'seed', ARGV[1])
redis.call('HSETNX', KEYS[1], 'gen', 1)
redis.call('HSETNX', KEYS[1], 'scen', 0)
return {member, redis.call('HGET', KEYS[1], 'seed')}
"""

# KEYS[1] control hash; ARGV: offset, keep ("1": only if none is set). The offset in force.
CLOCK = """
if ARGV[2] == '1' then redis.call('HSETNX', KEYS[1], 'clock', ARGV[1])
else redis.call('HSET', KEYS[1], 'clock', ARGV[1]) end
return redis.call('HGET', KEYS[1], 'clock')
"""

# KEYS[1] control hash, KEYS[2] hash to write; ARGV: field, value. Bumps the scenarios version
# and writes field = "<version>:<value>"; the new version.
SCENARIO_WRITE = """
local version = redis.call('HINCRBY', KEYS[1], 'scen', 1)
redis.call('HSET', KEYS[2], ARGV[1], version .. ':' .. ARGV[2])
return version
"""

# KEYS[1] control hash, KEYS[2] activations hash; ARGV names. Deletes them, bumps the scenarios
# version; the names that were there.
SCENARIO_DROP = """
local dropped = {}
for i, name in ipairs(ARGV) do
  if redis.call('HDEL', KEYS[2], name) == 1 then table.insert(dropped, name) end
end
redis.call('HINCRBY', KEYS[1], 'scen', 1)
return dropped
"""

# KEYS: journal id counter, requests stream, near-misses stream, control hash; ARGV: size,
# generation, then (entry, miss "1"/"0") pairs. Nothing if the state was reset since that
# generation; else each entry goes to the capped stream(s) under the id <n>-0 (ids count up
# across the fleet).
JOURNAL_APPEND = """
if (redis.call('HGET', KEYS[4], 'gen') or '1') ~= ARGV[2] then return 0 end
for i = 3, #ARGV, 2 do
  local id = redis.call('INCR', KEYS[1]) .. '-0'
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], id, 'e', ARGV[i])
  if ARGV[i + 1] == '1' then redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], id, 'e', ARGV[i]) end
end
return 1
"""

# KEYS: control hash, revocations stream; ARGV: tag, stamp, size. The revocation goes to the
# capped stream under the id <n>-0, n the control hash's "rev" (kept across resets: it only grows).
REVOKE = """
local n = redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], n .. '-0', 't', ARGV[1], 's', ARGV[2])
return n
"""
