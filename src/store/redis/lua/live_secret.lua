-- live_secret: the store's secret for the live lane's tokens, created by the first caller, and
-- the time a token is issued at.
--
-- KEYS[1] the secret key
-- ARGV[1] 32 random bytes, kept as the secret if none is there yet
-- ARGV[2] now µs, "0" for the server's clock
-- Returns {secret, now}.
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return {redis.call('GET', KEYS[1]), now_us(ARGV[2])}
