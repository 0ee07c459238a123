-- index_add: records a member in an index (the rooms index, or a user's index).
--
-- An index is a zset whose scores are a time up to which the member may have live data: at least
-- the expiry of the last entry written for it. Members are only ever removed once that time has
-- passed, so an index always holds every member with live data (it may hold more: readers check
-- the room itself). Lives in its own slot; see keys.rs.
--
-- KEYS[1] the index zset
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] member
-- ARGV[3] µs from now the member stays (the entry's ttl plus a margin)
-- ARGV[4] backstop ms: the index key is kept at least this long
-- Returns nothing.
local K = KEYS[1]
local now = now_us(ARGV[1])
local until_us = now + tonumber(ARGV[3])
local current = tonumber(redis.call('ZSCORE', K, ARGV[2]))
if current == nil or current < until_us then
  redis.call('ZADD', K, int(until_us), ARGV[2])
end
redis.call('ZREMRANGEBYSCORE', K, '-inf', '(' .. int(now))
local keep = tonumber(ARGV[4])
local pttl = redis.call('PTTL', K)
if pttl == -1 or pttl < keep then
  redis.call('PEXPIRE', K, keep)
end
return nil
