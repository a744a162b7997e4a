-- wrk script of the benchmark's load phases (see bench/load.py, which writes its input).
--
--   wrk -t T -c C -d D --timeout 30s -s bench/load.lua URL -- ITEMS OFFSET QUOTA T
--
-- ITEMS is a file with one request a line: METHOD, PATH, bearer TOKEN (may be empty) and
-- JSON BODY (may be empty), separated by tabs. Thread t of T sends items OFFSET + t,
-- OFFSET + t + T, ... (wrapping around at the end), so no two requests share an item
-- (each evaluation targets its own fresh candidacy) until the list wraps. A thread stops
-- after QUOTA / T requests (the run is bounded in count as well as in time).
--
-- `done` prints one line, "WRK_RESULT " and a JSON object: wrk's own counts and latency
-- percentiles (microseconds), the responses by status, the highest item index used (the
-- next run starts after it), how many responses said Registry-Consistency: pending, and,
-- if every thread stopped at its quota, how long they took (LuaJIT's FFI clock).

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local ok_ffi, ffi = pcall(require, "ffi")
if ok_ffi then
  pcall(ffi.cdef, [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clk_id, bench_timespec *tp);
  ]])
end

local function now_us()
  if not ok_ffi then
    return -1
  end
  local ts = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local function split_tabs(line)
  local fields = {}
  local start = 1
  for _ = 1, 3 do
    local tab = string.find(line, "\t", start, true)
    if not tab then
      break
    end
    table.insert(fields, string.sub(line, start, tab - 1))
    start = tab + 1
  end
  table.insert(fields, string.sub(line, start))
  return fields
end

function init(args)
  local path, offset, quota = args[1], tonumber(args[2] or "0"), tonumber(args[3] or "0")
  items = {}
  for line in io.lines(path) do
    local f = split_tabs(line)
    local headers = {}
    if f[3] and f[3] ~= "" then
      headers["Authorization"] = "Bearer " .. f[3]
    end
    local body = nil
    if f[4] and f[4] ~= "" then
      body = f[4]
      headers["Content-Type"] = "application/json"
    end
    -- Formatted once: request() only picks the next one.
    table.insert(items, wrk.format(f[1], f[2], headers, body))
  end
  nthreads = tonumber(args[4] or "1") -- each thread has its own Lua state: no `threads`
  next_index = offset + id -- `id` was set by setup(), which runs before init()
  limit = quota > 0 and math.ceil(quota / nthreads) or 0
  generated = 0
  responses = 0
  last_index = -1
  statuses = {}
  pending = 0
  started_us = now_us()
  stopped_us = -1
end

function request()
  local index = next_index
  next_index = next_index + nthreads
  generated = generated + 1
  last_index = index
  return items[(index % #items) + 1]
end

function response(status, headers, body)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
  local consistency = headers["registry-consistency"] or headers["Registry-Consistency"]
  if consistency == "pending" then
    pending = pending + 1
  end
  if limit > 0 and responses >= limit and stopped_us < 0 then
    stopped_us = now_us()
    wrk.thread:stop()
  end
end

local function json_counts(counts)
  local parts = {}
  for key, value in pairs(counts) do
    table.insert(parts, string.format('"%s":%d', tostring(key), value))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local statuses_all, generated_all, max_index, pending_all = {}, 0, -1, 0
  local all_stopped, first_start, last_stop = #threads > 0, nil, -1
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      statuses_all[status] = (statuses_all[status] or 0) + n
    end
    generated_all = generated_all + t:get("generated")
    max_index = math.max(max_index, t:get("last_index"))
    pending_all = pending_all + t:get("pending")
    local started, stopped = t:get("started_us"), t:get("stopped_us")
    if stopped < 0 or started < 0 then
      all_stopped = false
    else
      first_start = first_start and math.min(first_start, started) or started
      last_stop = math.max(last_stop, stopped)
    end
  end
  local span = -1
  if all_stopped and first_start then
    span = last_stop - first_start
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"duration_us":%d,"requests":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},'
      .. '"statuses":%s,"generated":%d,"max_index":%d,"pending":%d,"stopped_span_us":%d}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean,
    json_counts(statuses_all), generated_all, max_index, pending_all, span
  ))
end
