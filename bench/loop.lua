-- loop.lua — a Lua workload for bench/run: arithmetic, tables as arrays and
-- hashes, strings, closures and recursion.  Deterministic; prints one line.
--   lua5.4 loop.lua N      (N rounds; bench/run picks N)
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local function one_round(r, check)
  local acc = r
  for i = 0, 1999 do
    acc = (acc * 31 + (i ~ (acc >> 7))) & 0xFFFFFFFF
  end
  local seed, counts, keys = r + 1, {}, {}
  for _ = 1, 300 do
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    local w = string.format("w%x", seed % 997)
    if not counts[w] then counts[w] = 0; keys[#keys + 1] = w end
    counts[w] = counts[w] + 1
  end
  table.sort(keys, function(a, b)
    if counts[a] ~= counts[b] then return counts[a] > counts[b] end
    return a < b
  end)
  local text = table.concat(keys, " ")
  acc = acc ~ (#text + text:byte(1) + text:byte(#text))
  local arr = {}
  for i = 1, 500 do arr[i] = i * i % 1009 end
  local s = 0
  for i = 1, #arr, 3 do s = s + arr[i] end
  acc = (acc + s + fib(12)) & 0xFFFFFFFF
  return ((check * 1000003) ~ acc) & 0xFFFFFFFF
end

local n = tonumber(arg[1] or "1000")
local check = 0
for r = 0, n - 1 do check = one_round(r, check) end
print(string.format("loop.lua: rounds=%d checksum=%08x", n, check))
