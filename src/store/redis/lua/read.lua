-- read: the live entries of a room, most recently written first.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] max age µs: only entries updated since now - max age; "0" for any
-- ARGV[3] limit: at most this many entries; "0" for all
-- Returns a flat list {client id, value, client id, value, ...} (value as stored in E).
local now = now_us(ARGV[1])
left(now, expire(now))
local min = oldest(now, ARGV[2])
local limit = tonumber(ARGV[3])
local ids
if min == nil and limit > 0 then
  ids = redis.call('ZREVRANGE', O, 0, limit - 1)
else
  ids = redis.call('ZREVRANGE', O, 0, -1)
end
local values = sliced('HMGET', E, ids, {})
local out = {}
for i, id in ipairs(ids) do
  local value = values[i]
  if value and (min == nil or updated_of(value) >= min) then
    out[#out + 1] = id
    out[#out + 1] = value
    if limit > 0 and #out >= 2 * limit then
      break
    end
  end
end
return out
