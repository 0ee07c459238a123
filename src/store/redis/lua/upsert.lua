-- upsert: inserts or replaces one entry and refreshes its times.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] client id
-- ARGV[3] user id (decimal)
-- ARGV[4] ttl µs
-- ARGV[5] encoded state
-- ARGV[6] backstop ms (see write.lua)
-- ARGV[7] written µs, "-1" for now
-- Returns {outcome, version, expired} (see write.lua): the room version after the write.
local now = now_us(ARGV[1])
local outcome, expired = write(now, ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]))
return {outcome, version(), expired}
