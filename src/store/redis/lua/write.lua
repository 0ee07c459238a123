-- Prelude of the scripts that write an entry (upsert, exchange): the write itself.
--
-- write(now, client, user, ttl, state, keep, written): inserts or replaces one entry, written at
-- `written` µs (-1 or anything after now: now), living `ttl` µs from then; `keep` ms is how long
-- the room's keys are kept at least, less a minute (longer than the ttl), so a room nobody
-- touches again is deleted by Redis itself even without gc. The room's expired entries go first.
-- Returns outcome (0 joined, 1 changed: state or user, 2 refreshed, 3 expired: its time plus its
-- ttl had passed, nothing stored and an entry of that key removed) and how many expired
-- entries were removed on the way. The version moves unless it only refreshed and nothing
-- expired.
local function write(now, client, user, ttl, state, keep, written)
  local expired = expire(now)
  left(now, expired)
  local at = now
  if written >= 0 and written < now then
    at = written
  end
  local old = redis.call('HGET', E, client)
  if at + ttl <= now then
    if old then
      drop({client})
      left(now, 1)
    end
    return 3, expired
  end
  local outcome = 0
  if old then
    local _, old_user, old_state = parse(old)
    outcome = (old_user == user and old_state == state) and 2 or 1
  end
  -- M's t: no live entry of the room has a longer ttl (see oldest() in room.lua). Set afresh
  -- when the room is empty; raised, never lowered, while it has entries. A room that already had
  -- entries without a t (written before t was kept) gets none until it empties: it is read the
  -- long way, each entry's time tested.
  if redis.call('EXISTS', E) == 0 then
    redis.call('HSET', M, 't', int(ttl))
  else
    local t = tonumber(redis.call('HGET', M, 't'))
    if t and t < ttl then
      redis.call('HSET', M, 't', int(ttl))
    end
  end
  if not old and reserved(client) then
    redis.call('HINCRBY', M, 'r', 1)
  end
  redis.call('HSET', E, client, int(at) .. ':' .. user .. ':' .. state)
  redis.call('ZADD', O, int(at), client)
  redis.call('ZADD', X, int(at + ttl), client)
  if outcome ~= 2 or not redis.call('HGET', M, 'v') then
    bump(now)
  end
  -- Extended when it ran down by a minute or more (not on every write: four PEXPIREs each).
  local pttl = redis.call('PTTL', E)
  if pttl == -1 or pttl < keep - 60000 then
    redis.call('PEXPIRE', E, keep)
    redis.call('PEXPIRE', O, keep)
    redis.call('PEXPIRE', X, keep)
    redis.call('PEXPIRE', M, keep)
  end
  return outcome, expired
end
