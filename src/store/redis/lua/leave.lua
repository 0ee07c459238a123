-- leave: removes one entry (as remove), then reads the room (as read) and counts.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] client id
-- ARGV[3] max age µs ("0" for any), ARGV[4] limit ("0" for all), ARGV[5] client prefix
-- ARGV[6] count prefix ("" counts nothing)
-- ARGV[7] µs: an entry written after it stays ("" removes it whenever it was written)
-- Returns {removed (1 when a live entry was), version, {client id, value, ...}, count, previous
-- count}.
local now = now_us(ARGV[1])
left(now, expire(now))
local previous = remembered(ARGV[6])
local removed = 0
local value = redis.call('HGET', E, ARGV[2])
if value and (ARGV[7] == nil or ARGV[7] == '' or updated_of(value) <= tonumber(ARGV[7])) then
  drop({ARGV[2]})
  left(now, 1)
  removed = 1
end
local a = answer(now, ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], previous)
return {removed, a[1], a[2], a[3], a[4]}
