-- rooms: the live entries of several rooms, each read as read.lua reads one, in one script (one
-- round trip, and one snapshot of all of them).
--
-- KEYS: for each room, its E, O, X, M (see room.lua), room after room.
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] max age µs: only entries written since now - max age; "0" for any
-- ARGV[3] limit per room: at most this many entries of each room; "0" for all
-- ARGV[4] client prefix (see picks() in room.lua)
-- Returns one flat list {client id, value, ...} per room (as read.lua), in the order of KEYS.
local now = now_us(ARGV[1])
local limit = tonumber(ARGV[3])
local out = {}
for i = 0, #KEYS / 4 - 1 do
  E, O, X, M = KEYS[4 * i + 1], KEYS[4 * i + 2], KEYS[4 * i + 3], KEYS[4 * i + 4]
  left(now, expire(now))
  out[#out + 1] = read(oldest(now, ARGV[2]), limit, ARGV[4])
end
return out
