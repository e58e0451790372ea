-- wrk script for the collector benchmark: POST /v1/events, NDJSON batches of 10 page views
-- whose users vary from request to request (so Kafka sees every partition), then one
-- machine-readable RESULT line with the counts and latency percentiles (microseconds).
local counter = 0
local headers = {
  ["Content-Type"] = "application/x-ndjson",
  ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
}

request = function()
  counter = counter + 1
  local lines = {}
  for i = 1, 10 do
    local n = counter * 10 + i
    lines[i] = string.format(
      '{"event_type":"page_view","user_id":"bench-%d","product_id":"p-%d","price":12.5,"session_id":"s-%d"}',
      n % 500, n % 1000, n % 500)
  end
  return wrk.format("POST", nil, headers, table.concat(lines, "\n"))
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d not2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
