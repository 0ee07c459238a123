-- Prelude of the scripts that read a room (read, count, exchange, leave): picking entries by
-- write time and client id, counting, and the answer an exchange or a leave gives.

-- The live entries written at or after `min` (nil: any) that `prefix` picks (see picks() in
-- room.lua), newest first, at most `limit` (0: all), as a flat list {client id, value, ...}.
-- A page at a time when there is a limit: the read stops once it has enough (passing over ids
-- whose value is gone or that the prefix leaves out), so a 20-entry read of a room of 2 000
-- looks at about 20 entries, not 2 000.
local function read(min, limit, prefix)
  local out = {}
  local page = limit > 0 and math.max(limit, 32) or 0
  local start = 0
  while true do
    local ids
    if page > 0 then
      ids = redis.call('ZREVRANGEBYSCORE', O, '+inf', min or '-inf', 'LIMIT', start, page)
    else
      ids = redis.call('ZREVRANGEBYSCORE', O, '+inf', min or '-inf')
    end
    local values = sliced('HMGET', E, ids, {})
    for i, id in ipairs(ids) do
      local value = values[i]
      if value and picks(id, prefix) then
        out[#out + 1] = id
        out[#out + 1] = value
        if limit > 0 and #out >= 2 * limit then
          return out
        end
      end
    end
    if page == 0 or #ids < page then
      return out
    end
    start = start + page
  end
end

-- How many live entries written at or after `min` (nil: any) `prefix` picks. Without a prefix
-- and without reserved entries this is HLEN or ZCOUNT: no entry is looked at.
local function count(min, prefix)
  if prefix == '' then
    local r = reserved_count()
    if min == nil then
      return redis.call('HLEN', E) - r
    end
    if r == 0 then
      return redis.call('ZCOUNT', O, min, '+inf')
    end
  end
  local n = 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', O, min or '-inf', '+inf')) do
    if picks(id, prefix) then
      n = n + 1
    end
  end
  return n
end

-- The count an exchange or a leave remembers: live client ids starting with `cprefix`.
local function counted(cprefix)
  local n = 0
  for _, id in ipairs(redis.call('ZRANGE', O, 0, -1)) do
    if string.sub(id, 1, #cprefix) == cprefix then
      n = n + 1
    end
  end
  return n
end

-- The count the room remembers, for a count prefix ('' : none, 0).
local function remembered(cprefix)
  if cprefix == '' then
    return 0
  end
  return tonumber(redis.call('HGET', M, 'c')) or 0
end

-- The room after an exchange or a leave: {version, entries (as read() lists them), count,
-- previous}; with a count prefix, the room (if it still has entries) remembers the count.
local function answer(now, max_age, limit, prefix, cprefix, previous)
  local entries = read(oldest(now, max_age), limit, prefix)
  local n = 0
  if cprefix ~= '' then
    n = counted(cprefix)
    if redis.call('EXISTS', E) == 1 then
      redis.call('HSET', M, 'c', n)
    end
  end
  return {version(), entries, n, previous}
end
