-- expire: removes a room's expired entries now (what gc runs on every room).
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- Returns how many entries expired.
local now = now_us(ARGV[1])
local n = expire(now)
left(now, n)
return n
