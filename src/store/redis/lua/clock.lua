-- Prelude of every presence script: the clock.
--
-- now_us(arg): the time in microseconds since the epoch that decides expiry, `updated_at` and the
-- floor of new room versions. `arg` is the caller's ARGV value: "0" means the server's own clock
-- (TIME), so that every machine of a fleet sees one clock; a positive number is a time the caller
-- chose (tests move it by hand instead of sleeping).
local function now_us(arg)
  local t = tonumber(arg)
  if t and t > 0 then
    return t
  end
  local s = redis.call('TIME')
  return tonumber(s[1]) * 1000000 + tonumber(s[2])
end

-- Integers up to 2^53 (microsecond times, versions) as exact decimal text.
local function int(n)
  return string.format('%.0f', n)
end

-- HMGET and friends take their arguments on the Lua stack: call them in slices this long.
local SLICE = 1000

local function sliced(cmd, key, list, out)
  for i = 1, #list, SLICE do
    local part = redis.call(cmd, key, unpack(list, i, math.min(i + SLICE - 1, #list)))
    if out and type(part) == 'table' then
      for _, v in ipairs(part) do
        out[#out + 1] = v
      end
    end
  end
  return out
end
