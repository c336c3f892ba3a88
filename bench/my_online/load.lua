-- Fixed-rate application load for bench/my_online.sh (sysbench 1.0, LuaJIT):
--   sysbench bench/my_online/load.lua --threads=C --time=0 --events=0 --rate_per_thread=R
--            --nrows=N --ctl=DIR --mysql-host=... --mysql-port=... --mysql-user=root
--            --mysql-db=DB --db=DB --version_var=V run
--
-- sysbench's own --rate and its latency figures are not used. Each thread paces itself like
-- pgbench --rate: transaction start times follow a Poisson process of R per second per thread,
-- and a transaction's latency is measured from its *scheduled* start, so one that waited on
-- a lock, or was queued behind one that did, counts with its wait (no coordinated omission).
-- The mix: 60% SELECT by id, 30% UPDATE items SET qty = qty + 1 by id, 10% INSERT, each one
-- autocommitted statement (text protocol).
--
-- Every transaction goes to DIR/lat.<thread> as one line:
--   scheduled_us end_us kind ok errno
-- (kind 0 select, 1 update, 2 insert; ok 1 or 0; times are microseconds since the epoch).
-- A failed statement is never retried and never hidden: it is logged with ok=0 and its
-- message goes to DIR/errors.<thread>; after a lost connection the thread reconnects.
--
-- Control files in DIR, looked at before every transaction:
--   switch  holds "database version": the thread runs USE database and
--           SET @bellows_version = 'version' (a rolling deploy of the new application
--           version, on the same connection), then writes DIR/switched.<thread>
--   stop    holds an epoch time in microseconds: the thread runs every transaction scheduled
--           up to then (catching up on those that queued behind a lock), then ends.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk, bench_timespec *tp);
  int usleep(unsigned int usec);
]]

sysbench.cmdline.options = {
  nrows = {"ids of the existing rows are 1..nrows", 1000000},
  rate_per_thread = {"transactions per second per thread (Poisson arrivals)", 75},
  ctl = {"control and log directory", "."},
  db = {"database the application uses (USE db after connecting)", ""},
  version_var = {"value of @bellows_version for the connection ('' = do not set)", ""},
}

local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME, comparable with bash $EPOCHREALTIME
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

local function file_text(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

local drv, con, lat, errs, tid
local current_db = nil

local function setup_session(db, ver)
  if db and db ~= "" then con:query("USE `" .. db .. "`") end
  if ver and ver ~= "" then con:query("SET @bellows_version = '" .. ver .. "'") end
end

-- Every SQL error comes back to this script as a table (errno, state, message) instead of
-- ending the thread.
sysbench.hooks.sql_error_ignorable = function(err) return true end

function thread_init()
  tid = sysbench.tid
  drv = sysbench.sql.driver()
  con = drv:connect()
  setup_session(sysbench.opt.db, sysbench.opt.version_var)
  lat = assert(io.open(string.format("%s/lat.%d", sysbench.opt.ctl, tid), "w"))
  errs = assert(io.open(string.format("%s/errors.%d", sysbench.opt.ctl, tid), "w"))
end

local function run(kind)
  local sql
  local v = sysbench.rand.uniform(1, 1000000)
  if kind == 0 then
    sql = "SELECT id, qty, label FROM items WHERE id = " .. sysbench.rand.uniform(1, sysbench.opt.nrows)
  elseif kind == 1 then
    sql = "UPDATE items SET qty = qty + 1 WHERE id = " .. sysbench.rand.uniform(1, sysbench.opt.nrows)
  else
    sql = string.format("INSERT INTO items (qty, label) VALUES (%d, LEFT(MD5(%d), %d))", v, v, 8 + v % 25)
  end
  local ok, err = pcall(con.query, con, sql)
  if ok then
    if kind == 0 and err ~= nil then err:fetch_row() end -- read the row, as an application would
    return 1, 0
  end
  local errno, msg = -1, tostring(err)
  if type(err) == "table" then
    errno = tonumber(err.sql_errno) or -1
    msg = string.format("errno %s state %s: %s", tostring(err.sql_errno), tostring(err.sql_state), tostring(err.sql_errmsg))
  end
  errs:write(string.format("%d %s [%s]\n", now_us(), msg, sql))
  errs:flush()
  if errno == 2006 or errno == 2013 or errno == 2003 or errno == -1 then
    -- the connection is gone: reconnect and set the session up again before going on
    pcall(function() con:reconnect(); setup_session(current_db and current_db[1] or sysbench.opt.db, current_db and current_db[2] or sysbench.opt.version_var) end)
  end
  return 0, errno
end

function thread_run(thread_id)
  local rate = sysbench.opt.rate_per_thread
  local ctl = sysbench.opt.ctl
  local next_us = now_us()
  local stop_at = nil
  local switched = false
  local n = 0
  while true do
    -- the next scheduled start: exponential inter-arrival time, like pgbench --rate
    next_us = next_us + math.floor(-math.log(1 - sysbench.rand.uniform_double()) * 1e6 / rate)
    if stop_at == nil then
      local s = file_text(ctl .. "/stop")
      if s and tonumber(s) then stop_at = tonumber(s) end
    end
    if stop_at and next_us > stop_at then break end
    local wait = next_us - now_us()
    if wait > 0 then ffi.C.usleep(wait) end
    if not switched then
      local s = file_text(ctl .. "/switch")
      if s then
        local db, ver = s:match("^(%S+)%s+(%S+)")
        if db then
          local ok, e = pcall(setup_session, db, ver)
          current_db = {db, ver}
          switched = true
          local f = io.open(string.format("%s/switched.%d", ctl, tid), "w")
          f:write(string.format("%d %s\n", now_us(), ok and "ok" or tostring(e and e.sql_errmsg or e)))
          f:close()
        end
      end
    end
    local r = sysbench.rand.uniform(1, 10)
    local kind = (r <= 6) and 0 or ((r <= 9) and 1 or 2)
    local ok, errno = run(kind)
    lat:write(string.format("%d %d %d %d %d\n", next_us, now_us(), kind, ok, errno))
    n = n + 1
    if n % 200 == 0 then lat:flush() end
  end
  lat:flush()
end

function thread_done()
  if lat then lat:close() end
  if errs then errs:close() end
  if con then con:disconnect() end
end

-- a run of this script prints nothing of sysbench's usual report that the benchmark reads
function event() end
