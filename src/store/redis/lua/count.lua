-- count: how many live entries of a room a client prefix picks.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] max age µs: only entries written since now - max age; "0" for any
-- ARGV[3] client prefix (see picks() in room.lua)
-- Returns the count.
local now = now_us(ARGV[1])
left(now, expire(now))
return count(oldest(now, ARGV[2]), ARGV[3])
