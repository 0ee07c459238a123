-- poll: the live lane's answer to a token already checked by its signature: refused when it
-- expired or was revoked (nothing written), else the versions of its rooms.
--
-- KEYS: for each room of the token, its E, O, X, M (see room.lua); then the not-before key of
--       the token's (scope, user).
-- ARGV[1] now µs, "0" for the server's clock
-- ARGV[2] when the token was issued, µs
-- ARGV[3] when it expires, µs
-- Returns {status, now}, then with status 0 the versions (as version.lua gives them) in the
-- token's order; status 1: expired (or issued after now: the clock stepped back since, and a
-- revocation made now would not reach it), 2: revoked.
local now = now_us(ARGV[1])
if now >= tonumber(ARGV[3]) or now < tonumber(ARGV[2]) then
  return {1, now}
end
if tonumber(ARGV[2]) <= (tonumber(redis.call('GET', KEYS[#KEYS])) or 0) then
  return {2, now}
end
local out = {0, now}
for i = 0, (#KEYS - 1) / 4 - 1 do
  E, O, X, M = KEYS[4 * i + 1], KEYS[4 * i + 2], KEYS[4 * i + 3], KEYS[4 * i + 4]
  left(now, expire(now))
  out[#out + 1] = version()
end
return out
