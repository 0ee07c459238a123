-- remove: removes one entry.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] client id
-- Returns 1 when a live entry was removed, 0 when there was none (or it had expired).
local now = now_us(ARGV[1])
local n = expire(now)
local removed = 0
if redis.call('HEXISTS', E, ARGV[2]) == 1 then
  drop({ARGV[2]})
  removed = 1
end
left(now, n + removed)
return removed
