-- summary: how many live entries and distinct users a room has.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] max age µs: only entries updated since now - max age; "0" for any
-- Returns {entries, users}.
local now = now_us(ARGV[1])
left(now, expire(now))
local min = oldest(now, ARGV[2])
local entries, users, seen = 0, 0, {}
for _, value in ipairs(redis.call('HVALS', E)) do
  local updated, user = parse(value)
  if min == nil or updated >= min then
    entries = entries + 1
    if not seen[user] then
      seen[user] = true
      users = users + 1
    end
  end
end
return {entries, users}
