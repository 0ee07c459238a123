-- exchange: writes one entry (as upsert), then reads the room (as read) and counts.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1..7] as upsert.lua: now, client id, user id, ttl µs, encoded state, backstop ms, written
-- ARGV[8] max age µs ("0" for any), ARGV[9] limit ("0" for all), ARGV[10] client prefix
-- ARGV[11] count prefix ("" counts nothing)
-- Returns {outcome, version, {client id, value, ...}, count, previous count}. The previous count
-- is read after the room's expired entries left and before the write, the count after it.
local now = now_us(ARGV[1])
left(now, expire(now))
local previous = remembered(ARGV[11])
local outcome = write(now, ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]))
local a = answer(now, ARGV[8], tonumber(ARGV[9]), ARGV[10], ARGV[11], previous)
return {outcome, a[1], a[2], a[3], a[4]}
