-- wrk script of the load harness: authenticated requests (heartbeats, live-lane polls, a plain PHP
-- file), each answer checked.
--
--   wrk ... -s heartbeat.lua URL -- REQUESTS_FILE CHECK...
--
-- REQUESTS_FILE: one request per line, `COOKIE<TAB>BODY<TAB>HEADER: VALUE<TAB>...` (written by
-- benches/load/run); wrk cycles through them. A request is a POST of BODY to admin-ajax.php unless
-- its line has the pseudo-headers `@method: GET` and `@path: /…`. A CHECK is `+text` (the answer
-- must contain it) or `-text` (it must not). An answer that is not a 200 or fails a check counts as
-- bad; `done` prints one JSON line with throughput, latency percentiles, errors, bad answers and
-- bytes.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function split(line, sep)
  local out, from = {}, 1
  while true do
    local at = string.find(line, sep, from, true)
    if not at then
      table.insert(out, string.sub(line, from))
      return out
    end
    table.insert(out, string.sub(line, from, at - 1))
    from = at + 1
  end
end

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot read " .. tostring(args[1]))
  requests = {}
  for line in file:lines() do
    if line ~= "" then
      local fields = split(line, "\t")
      local headers = {
        ["Cookie"] = fields[1],
        ["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8",
        ["X-Requested-With"] = "XMLHttpRequest",
      }
      local method, path, body = "POST", "/wp-admin/admin-ajax.php", fields[2]
      for i = 3, #fields do
        local name, value = string.match(fields[i], "^([^:]+):%s*(.*)$")
        if name == "@method" then method = value
        elseif name == "@path" then path = value
        elseif name then headers[name] = value end
      end
      if method == "GET" then
        body = nil
        headers["Content-Type"] = nil
      end
      table.insert(requests, wrk.format(method, path, headers, body))
    end
  end
  file:close()
  assert(#requests > 0, "no request in " .. args[1])
  checks = {}
  for i = 2, #args do
    table.insert(checks, { want = string.sub(args[i], 1, 1) == "+", text = string.sub(args[i], 2) })
  end
  next_request, answers, bad, bytes, first_bad = 0, 0, 0, 0, ""
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function response(status, headers, body)
  answers = answers + 1
  bytes = bytes + #body
  local ok = status == 200
  for _, check in ipairs(checks) do
    if ok and (string.find(body, check.text, 1, true) ~= nil) ~= check.want then
      ok = false
    end
  end
  if not ok then
    bad = bad + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body, 1, 300)
    end
  end
end

local function json_string(s)
  return '"' .. string.gsub(s, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end

function done(summary, latency, requests)
  local answered, bad_total, bytes_total, first = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    answered = answered + thread:get("answers")
    bad_total = bad_total + thread:get("bad")
    bytes_total = bytes_total + thread:get("bytes")
    if first == "" then first = thread:get("first_bad") end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.2f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"mean_ms":%.3f,'
      .. '"max_ms":%.3f,"socket_errors":%d,"timeouts":%d,"bad":%d,"bytes_per_answer":%.1f,"first_bad":%s}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000,
    e.connect + e.read + e.write, e.timeout, bad_total,
    answered > 0 and bytes_total / answered or 0, json_string(first)))
end
