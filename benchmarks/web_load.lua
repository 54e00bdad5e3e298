-- wrk's script for benchmarks/web_load.py: requests the paths of a file (one per line) in turn,
-- each thread from its own place in the file, as a client behind the HTTPS proxy would
-- (X-Forwarded-Proto: https), and prints one JSON line when done: requests, non-200 answers,
-- socket errors, latency percentiles and the answers' X-Cache headers (hit or miss).
--
--   wrk -t2 -c64 -d20s -s benchmarks/web_load.lua http://127.0.0.1:8000 -- paths.txt 2
--
-- (the last argument repeats the number of threads).

local threads = {}

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  -- Threads start evenly spread over the file, so they do not replay each other's requests.
  position = math.floor(number * #paths / tonumber(args[2]))
  hits, misses, non_200 = 0, 0, 0
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  if status ~= 200 then
    non_200 = non_200 + 1
  end
  local cache = headers["X-Cache"]
  if cache == "hit" then
    hits = hits + 1
  elseif cache == "miss" then
    misses = misses + 1
  end
end

function done(summary, latency, requests)
  local hits, misses, non_200 = 0, 0, 0
  for _, thread in ipairs(threads) do
    hits = hits + thread:get("hits")
    misses = misses + thread:get("misses")
    non_200 = non_200 + thread:get("non_200")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "non_200": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "hits": %d, "misses": %d}\n',
    summary.requests, summary.duration / 1e6, non_200,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, hits, misses
  ))
end
