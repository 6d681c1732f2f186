-- wrk walks the bench's list of paths (BENCH_PATHS, one per line): each thread
-- takes every BENCH_THREADS-th path, so no two threads request the same page.
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    paths[#paths + 1] = line
  end
  step = tonumber(os.getenv("BENCH_THREADS"))
  counter = id or 0
end

function request()
  local path = paths[(counter % #paths) + 1]
  counter = counter + step
  return wrk.format("GET", path)
end
