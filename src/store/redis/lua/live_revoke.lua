-- live_revoke: tokens of one (scope, user) issued until now stop being accepted.
--
-- KEYS[1] the not-before key of (scope, user)
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] how long to keep it, ms (the longest token life, and a margin)
-- Returns the not-before time.
local now = now_us(ARGV[1])
local t = math.max(tonumber(redis.call('GET', KEYS[1])) or 0, now)
redis.call('SET', KEYS[1], int(t), 'PX', ARGV[2])
return t
