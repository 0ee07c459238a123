-- entry: one live entry, reserved or not.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] client id
-- Returns {client id, value} (value as stored in E), or {} when there is none.
local now = now_us(ARGV[1])
left(now, expire(now))
local value = redis.call('HGET', E, ARGV[2])
if value then
  return {ARGV[2], value}
end
return {}
