-- read: the live entries of a room, newest write first.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] max age µs: only entries written since now - max age; "0" for any
-- ARGV[3] limit: at most this many entries; "0" for all
-- ARGV[4] client prefix (see picks() in room.lua)
-- Returns a flat list {client id, value, client id, value, ...} (value as stored in E).
local now = now_us(ARGV[1])
left(now, expire(now))
return read(oldest(now, ARGV[2]), tonumber(ARGV[3]), ARGV[4])
