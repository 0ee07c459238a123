-- flush: removes every entry of a room.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- Returns how many live entries were removed (expired ones are removed too, uncounted).
local now = now_us(ARGV[1])
local n = expire(now)
local live = redis.call('HLEN', E)
redis.call('DEL', E, O, X)
left(now, n + live)
return live
