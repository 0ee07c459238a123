-- Prelude of every per-room script: the room's keys and the work every operation shares.
--
-- KEYS (all four share the room's hash tag, so one script touches one slot):
--   KEYS[1] E  hash  client id -> "<updated µs>:<user id>:<encoded state>"
--   KEYS[2] O  zset  client id scored by its write time (µs; newest last)
--   KEYS[3] X  zset  client id scored by its expiry time (µs)
--   KEYS[4] M  hash  v = room version, t = no live entry has a longer ttl (µs), r = how many
--                    client ids of E are reserved (start with "_"), c = the count the last
--                    exchange or leave with a count prefix left
-- E, O and X hold exactly the same client ids. When the last entry goes, E, O and X disappear,
-- M loses r and c and stays for KEEP_VERSION_MS, so that a room that fills again never reuses a
-- version.
local E, O, X, M = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local KEEP_VERSION_MS = 86400000

-- The parts of an entry's value: updated µs, user id (text), state (bytes).
local function parse(value)
  local a = string.find(value, ':', 1, true)
  local b = string.find(value, ':', a + 1, true)
  return tonumber(string.sub(value, 1, a - 1)), string.sub(value, a + 1, b - 1), string.sub(value, b + 1)
end

local function updated_of(value)
  return tonumber(string.sub(value, 1, string.find(value, ':', 1, true) - 1))
end

-- A reserved client id (bookkeeping such as "_lock"): left out of listings and counts.
local function reserved(id)
  return string.byte(id, 1) == 95
end

-- Whether a read's client prefix picks this client id: "" every one but the reserved ones;
-- otherwise those starting with it.
local function picks(id, prefix)
  if prefix == '' then
    return not reserved(id)
  end
  return string.sub(id, 1, #prefix) == prefix
end

-- Removes the given client ids, which are in E, from E, O and X.
local function drop(ids)
  if #ids > 0 then
    local r = 0
    for _, id in ipairs(ids) do
      if reserved(id) then
        r = r + 1
      end
    end
    if r > 0 then
      redis.call('HINCRBY', M, 'r', -r)
    end
    sliced('HDEL', E, ids)
    sliced('ZREM', O, ids)
    sliced('ZREM', X, ids)
  end
end

-- Removes every entry whose expiry is at or before now; returns how many left.
local function expire(now)
  local gone = redis.call('ZRANGEBYSCORE', X, '-inf', now)
  drop(gone)
  return #gone
end

-- Gives the room a new version: above the last one, and never below now (so that a room whose
-- version key is gone still never repeats a version it had).
local function bump(now)
  local v = math.max((tonumber(redis.call('HGET', M, 'v')) or 0) + 1, now)
  redis.call('HSET', M, 'v', int(v))
  return v
end

-- After n entries left: a new version, and when the room is now empty, M's retention (and the
-- counts it kept go: an emptied room remembers no count).
local function left(now, n)
  if n > 0 then
    bump(now)
    if redis.call('EXISTS', E) == 0 then
      redis.call('HDEL', M, 'r', 'c')
      redis.call('PEXPIRE', M, KEEP_VERSION_MS)
    end
  end
end

-- The version a reader sees: 0 for an empty room.
local function version()
  if redis.call('EXISTS', E) == 0 then
    return 0
  end
  return tonumber(redis.call('HGET', M, 'v')) or 0
end

-- How many client ids of E are reserved.
local function reserved_count()
  return math.max(tonumber(redis.call('HGET', M, 'r')) or 0, 0)
end

-- Max age in µs (ARGV value, "0" for none) to the oldest `updated` a read keeps; nil when the
-- max age keeps every live entry. A live entry was written less than its ttl ago (an older one
-- has expired), and M's t, when the room has it, is at least the ttl of each of its live
-- entries (see write.lua): a max age of t or more leaves out none, and the read need not look
-- at each entry's time.
local function oldest(now, max_age)
  local a = tonumber(max_age)
  if not a or a <= 0 then
    return nil
  end
  local t = tonumber(redis.call('HGET', M, 't'))
  if t and a >= t then
    return nil
  end
  return now - a
end
