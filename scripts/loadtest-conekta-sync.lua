-- wrk script for scripts/loadtest-conekta-sync.sh: sends the signed
-- inbound_payment.lookup requests of the given file ("digest<TAB>body" per
-- line) in turn, and prints one RESULT line at the end.
local reqs = {}
local i = 0

init = function(args)
  for line in io.lines(args[1]) do
    local digest, body = line:match("^([^\t]+)\t(.*)$")
    reqs[#reqs + 1] = wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Digest"] = digest}, body)
  end
  i = math.random(#reqs) -- threads start at different requests
end

request = function()
  i = i % #reqs + 1
  return reqs[i]
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
