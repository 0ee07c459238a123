-- index_list: the members of an index that start with a prefix, after dropping those whose time
-- has passed (an entry's expiry plus a margin; see mod.rs).
--
-- KEYS[1] the index zset
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] prefix ("" for every member)
-- ARGV[3] "1" to drop members whose time has passed first, "0" to list them too
-- Returns the members, in index order.
local K = KEYS[1]
local now = now_us(ARGV[1])
if ARGV[3] == '1' then
  redis.call('ZREMRANGEBYSCORE', K, '-inf', '(' .. int(now))
end
local prefix = ARGV[2]
local out = {}
for _, member in ipairs(redis.call('ZRANGE', K, 0, -1)) do
  if string.sub(member, 1, #prefix) == prefix then
    out[#out + 1] = member
  end
end
return out
