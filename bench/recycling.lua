-- bench/mixed.lua's load, and about how many requests took longer than 1 s and 5 s.
-- wrk's Lua sees its latency histogram only through percentiles, so the share at or
-- under each limit is found by bisection on latency:percentile(p) (in microseconds).
dofile("bench/mixed.lua")

done = function(summary, latency, requests)
  for _, limit in ipairs({1000, 5000}) do
    local over = 0
    if latency.max > limit * 1000 then
      local low, high = 0.0, 100.0 -- percentile(low) <= limit < percentile(high)
      for _ = 1, 40 do
        local middle = (low + high) / 2
        if latency:percentile(middle) <= limit * 1000 then low = middle else high = middle end
      end
      over = math.floor(summary.requests * (100 - low) / 100 + 0.5)
    end
    io.write(string.format("over %d ms: %d\n", limit, over))
  end
end
