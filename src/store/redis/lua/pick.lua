-- pick: the live entries of one user among the given client ids of a room.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] max age µs: only entries updated since now - max age; "0" for any
-- ARGV[3] user id (decimal)
-- ARGV[4..] client ids (from the user's index, which may be out of date)
-- Returns a flat list {client id, value, ...} (value as stored in E).
local now = now_us(ARGV[1])
left(now, expire(now))
local min = oldest(now, ARGV[2])
local out = {}
for i = 4, #ARGV do
  local value = redis.call('HGET', E, ARGV[i])
  if value then
    local updated, user = parse(value)
    if user == ARGV[3] and (min == nil or updated >= min) then
      out[#out + 1] = ARGV[i]
      out[#out + 1] = value
    end
  end
end
return out
