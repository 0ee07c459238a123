-- count: how many live entries a room has.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] max age µs: only entries updated since now - max age; "0" for any
-- Returns the count.
local now = now_us(ARGV[1])
left(now, expire(now))
local min = oldest(now, ARGV[2])
if min == nil then
  return redis.call('HLEN', E)
end
local n = 0
for _, value in ipairs(redis.call('HVALS', E)) do
  if updated_of(value) >= min then
    n = n + 1
  end
end
return n
