-- wrk_urls.lua — make wrk cycle through every page of the benchmark site instead of hammering
-- one URL. Usage: wrk -c N -t 2 -d 5s -s wrk_urls.lua http://127.0.0.1:PORT -- PATHS_FILE
-- PATHS_FILE holds one path a line (gen_site.py's paths.txt). GET only: wrk 4.1's parser
-- waits for a HEAD response's Content-Length body that never comes (0 requests complete).
-- Each thread starts at its own offset so the threads do not walk in step.
local paths = {}
local index = 1
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"), "wrk_urls.lua: cannot open " .. tostring(args[1]))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  index = ((offset or 1) * 7919) % #paths + 1
end

function request()
  local path = paths[index]
  index = index + 1
  if index > #paths then index = 1 end
  return wrk.format("GET", path)
end
