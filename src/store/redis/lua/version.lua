-- version: the room's version after expired entries left (0 for an empty room).
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- Returns the version.
local now = now_us(ARGV[1])
left(now, expire(now))
return version()
