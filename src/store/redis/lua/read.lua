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
local out = {}
-- Newest first, a page at a time when there is a limit: the read stops once it has enough
-- (passing over ids that are too old or whose value is gone), so a 20-entry read of a room of
-- 2 000 looks at about 20 entries, not 2 000.
local page = limit > 0 and math.max(limit, 32) or 0
local start = 0
while true do
  local ids = redis.call('ZREVRANGE', O, start, page > 0 and start + page - 1 or -1)
  local values = sliced('HMGET', E, ids, {})
  for i, id in ipairs(ids) do
    local value = values[i]
    if value and (min == nil or updated_of(value) >= min) then
      out[#out + 1] = id
      out[#out + 1] = value
      if limit > 0 and #out >= 2 * limit then
        return out
      end
    end
  end
  if page == 0 or #ids < page then
    return out
  end
  start = start + page
end
