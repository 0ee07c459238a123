-- remove_user: removes the entries of one user among the given client ids of a room.
--
-- KEYS: the room's E, O, X, M (see room.lua).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] user id (decimal): an entry is removed only while it still belongs to this user
-- ARGV[3..] client ids (from the user's index, which may be out of date)
-- Returns how many live entries were removed.
local now = now_us(ARGV[1])
local n = expire(now)
local ids = {}
for i = 3, #ARGV do
  local value = redis.call('HGET', E, ARGV[i])
  if value then
    local _, user = parse(value)
    if user == ARGV[2] then
      ids[#ids + 1] = ARGV[i]
    end
  end
end
drop(ids)
left(now, n + #ids)
return #ids
