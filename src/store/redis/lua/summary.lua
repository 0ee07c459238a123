-- summary: how many live entries (reserved ones left out) and distinct users a room has.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] max age µs: only entries written since now - max age; "0" for any
-- Returns {entries, users}.
local now = now_us(ARGV[1])
left(now, expire(now))
local min = oldest(now, ARGV[2])
local entries, users, seen = 0, 0, {}
local function tally(value)
  local updated, user = parse(value)
  if min == nil or updated >= min then
    entries = entries + 1
    if not seen[user] then
      seen[user] = true
      users = users + 1
    end
  end
end
if reserved_count() == 0 then
  for _, value in ipairs(redis.call('HVALS', E)) do
    tally(value)
  end
else
  local flat = redis.call('HGETALL', E)
  for i = 1, #flat, 2 do
    if not reserved(flat[i]) then
      tally(flat[i + 1])
    end
  end
end
return {entries, users}
