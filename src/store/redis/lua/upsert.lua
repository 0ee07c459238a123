-- upsert: inserts or replaces one entry and refreshes its times.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] client id
-- ARGV[3] user id (decimal)
-- ARGV[4] ttl µs
-- ARGV[5] encoded state
-- ARGV[6] backstop ms: the room's keys are kept at least this long less a minute (longer than
--         the ttl), so a room nobody touches again is deleted by Redis itself even without gc.
-- Returns {outcome, version, expired}: outcome 0 joined, 1 changed (state or user), 2 refreshed;
-- the room version after the write; how many expired entries were removed on the way.
local now = now_us(ARGV[1])
local client, user, state = ARGV[2], ARGV[3], ARGV[5]
local expired = expire(now)
local old = redis.call('HGET', E, client)
local outcome = 0
if old then
  local _, old_user, old_state = parse(old)
  outcome = (old_user == user and old_state == state) and 2 or 1
end
-- M's t: no live entry of the room has a longer ttl (see oldest() in room.lua). Set afresh when
-- the room is empty; raised, never lowered, while it has entries. A room that already had
-- entries without a t (written before t was kept) gets none until it empties: it is read the
-- long way, each entry's time tested.
local ttl = tonumber(ARGV[4])
if redis.call('EXISTS', E) == 0 then
  redis.call('HSET', M, 't', int(ttl))
else
  local t = tonumber(redis.call('HGET', M, 't'))
  if t and t < ttl then
    redis.call('HSET', M, 't', int(ttl))
  end
end
redis.call('HSET', E, client, int(now) .. ':' .. user .. ':' .. state)
redis.call('ZADD', O, redis.call('HINCRBY', M, 's', 1), client)
redis.call('ZADD', X, int(now + ttl), client)
local v
if outcome ~= 2 or expired > 0 then
  v = bump(now)
else
  v = tonumber(redis.call('HGET', M, 'v')) or bump(now)
end
-- Extended when it ran down by a minute or more (not on every write: four PEXPIREs each).
local keep = tonumber(ARGV[6])
local pttl = redis.call('PTTL', E)
if pttl == -1 or pttl < keep - 60000 then
  redis.call('PEXPIRE', E, keep)
  redis.call('PEXPIRE', O, keep)
  redis.call('PEXPIRE', X, keep)
  redis.call('PEXPIRE', M, keep)
end
return {outcome, v, expired}
