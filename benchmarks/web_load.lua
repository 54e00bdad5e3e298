-- wrk's script for benchmarks/web_load.py: requests the paths of a file (one per line) in turn,
-- each thread from its own place in the file, as a client behind the HTTPS proxy would
-- (X-Forwarded-Proto: https), and prints one JSON line when done: requests, non-200 answers,
-- socket errors, latency percentiles, the answers' X-Cache headers (hit or miss) and late sends.
--
--   wrk -t2 -c64 -d20s -s benchmarks/web_load.lua http://127.0.0.1:8000 -- paths.txt 2
--
-- (the last argument repeats the number of threads). Without WEB_LOAD_RATE in the environment,
-- each connection sends its next request as soon as the last one is answered. With
-- WEB_LOAD_RATE=R, the threads together send R requests a second on a fixed schedule: each
-- thread's slots are evenly spaced, and whichever of its connections is free takes the next one.
-- A send is late when no connection was free at its slot (every one still waiting for an
-- answer): the site is not keeping up with that rate, and the latencies then leave out the
-- time those requests waited to be sent.

local threads = {}
local rate = tonumber(os.getenv("WEB_LOAD_RATE") or "")

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  local thread_count = tonumber(args[2])
  -- Threads start evenly spread over the file, so they do not replay each other's requests.
  position = math.floor(number * #paths / thread_count)
  hits, misses, non_200, sent, late = 0, 0, 0, 0, 0
  wrk.headers["X-Forwarded-Proto"] = "https"
  if rate then
    interval = 1000 * thread_count / rate
    -- The threads' schedules interleave.
    next_slot = now_ms() + interval * number / thread_count
  end
end

if rate then
  local ffi = require("ffi")
  ffi.cdef([[
    typedef struct { long seconds; long nanoseconds; } web_load_timespec;
    int clock_gettime(int clock, web_load_timespec *now);
  ]])
  local CLOCK_MONOTONIC = 1
  local timespec = ffi.new("web_load_timespec")

  function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
    return tonumber(timespec.seconds) * 1000 + tonumber(timespec.nanoseconds) / 1e6
  end

  function delay()
    local wait = next_slot - now_ms()
    next_slot = next_slot + interval
    sent = sent + 1
    -- wrk's timers count whole milliseconds.
    if wait <= -1 then
      late = late + 1
    end
    return math.max(0, math.floor(wait))
  end
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
  local hits, misses, non_200, sent, late = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    hits = hits + thread:get("hits")
    misses = misses + thread:get("misses")
    non_200 = non_200 + thread:get("non_200")
    sent = sent + thread:get("sent")
    late = late + thread:get("late")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "non_200": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "hits": %d, ' ..
    '"misses": %d, "sent": %d, "late": %d}\n',
    summary.requests, summary.duration / 1e6, non_200,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, hits, misses, sent, late
  ))
end
