namespace Cache.Node.Commands;

/// <summary>
/// The Lua side of the sandbox, run once per Lua state. Everything that may raise a Lua error
/// (argument checks, redis.call's failure, SCRIPT KILL) is raised here, in Lua: a raise from
/// the node's callbacks would unwind through managed frames. The chunk receives the node's
/// callbacks and returns the error handler, the hook arming, the sweep and the globals proxy.
/// </summary>
internal static class ScriptPrelude
{
    /// <summary>The chunk name of the prelude: the error handler skips its frames.</summary>
    public const string ChunkName = "=redis";

    public const string Source = """
local c_call, c_sha1, c_setresp, c_random, c_seed, c_tick, c_log, c_wrap, version, version_num = ...
local G = _G
local error, type, select, tostring, tonumber, rawget, rawset, next = error, type, select, tostring, tonumber, rawget, rawset, next
local setmetatable, getfenv, setfenv, loadstring, load = setmetatable, getfenv, setfenv, loadstring, load
local floor, sfind, ssub, sgsub, concat = math.floor, string.find, string.sub, string.gsub, table.concat
local getinfo, sethook = debug.getinfo, debug.sethook
local raw_pcall, co_create, co_resume = pcall, coroutine.create, coroutine.resume
local HOOK_COUNT = 100000

local function errtable(s)
  local code, msg = 'ERR', s
  if ssub(s, 1, 1) == '-' then
    local space = sfind(s, ' ', 1, true)
    if space then code = ssub(s, 2, space - 1); msg = ssub(s, space + 1) else msg = ssub(s, 2) end
  end
  msg = (sgsub((sgsub(msg, '^[\r\n]+', '')), '[\r\n]+$', ''))
  return { err = code .. ' ' .. msg }
end

local function raise(s) error(errtable(s)) end

local redis = {}
redis.call = function(...)
  local ok, r = c_call(...)
  if not ok then error(r) end
  return r
end
redis.pcall = function(...)
  local _, r = c_call(...)
  return r
end
redis.error_reply = function(...)
  local e = ...
  if select('#', ...) ~= 1 or type(e) ~= 'string' then return errtable('wrong number or type of arguments') end
  if ssub(e, 1, 1) ~= '-' then e = '-' .. e end
  return errtable(e)
end
redis.status_reply = function(...)
  local s = ...
  if select('#', ...) ~= 1 or type(s) ~= 'string' then return errtable('wrong number or type of arguments') end
  return { ok = s }
end
redis.sha1hex = function(...)
  if select('#', ...) ~= 1 then raise('wrong number of arguments') end
  return c_sha1((...))
end
redis.log = function(...)
  local n = select('#', ...)
  if n < 2 then raise('redis.log() requires two arguments or more.') end
  local level = ...
  if type(level) ~= 'number' then raise('First argument must be a number (log level).') end
  if level < 0 or level > 3 then raise('Invalid debug level.') end
  local parts = {}
  for i = 2, n do parts[#parts + 1] = tostring((select(i, ...))) end
  c_log(level, concat(parts, ' '))
end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.setresp = function(...)
  if select('#', ...) ~= 1 then raise('redis.setresp() requires one argument.') end
  local resp = tonumber((...))
  if resp ~= 2 and resp ~= 3 then raise('RESP version must be 2 or 3.') end
  c_setresp(resp)
end
redis.set_repl = function(...)
  if select('#', ...) ~= 1 then raise('redis.set_repl() requires two arguments.') end
  local flags = tonumber((...)) or 0
  if flags < 0 or flags > 3 or flags ~= floor(flags) then raise('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.') end
end
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.REDIS_VERSION, redis.REDIS_VERSION_NUM = version, version_num

-- Redis 7's pcall gives the message of an error table, not the table.
local function pcall_result(ok, ...)
  if ok then return true, ... end
  local e = ...
  if type(e) == 'table' then
    local m = rawget(e, 'err')
    if type(m) == 'string' or type(m) == 'number' then e = m end
  end
  return false, e
end
G.pcall = function(...) return pcall_result(raw_pcall(...)) end

local function checkint(v, i, name)
  local n = tonumber(v)
  if n == nil then error("bad argument #" .. i .. " to '" .. name .. "' (number expected, got " .. type(v) .. ")", 4) end
  return n >= 0 and floor(n) or -floor(-n)
end
math.random = function(...)
  local n = select('#', ...)
  local r = c_random()
  if n == 0 then return r end
  local a, b = ...
  if n == 1 then
    local u = checkint(a, 1, 'random')
    if u < 1 then error("bad argument #1 to 'random' (interval is empty)", 3) end
    return floor(r * u) + 1
  elseif n == 2 then
    local l, u = checkint(a, 1, 'random'), checkint(b, 2, 'random')
    if l > u then error("bad argument #2 to 'random' (interval is empty)", 3) end
    return floor(r * (u - l + 1)) + l
  end
  error('wrong number of arguments', 3)
end
math.randomseed = function(s) c_seed(checkint(s, 1, 'randomseed')) end

-- SCRIPT KILL and the busy threshold: a count hook on every coroutine, raising in Lua.
local killed = 'Script killed by user with SCRIPT KILL...'
local hook
hook = function()
  if c_tick() then
    sethook(hook, 'l')
    error({ err = 'ERR ' .. killed })
  end
end
local function arm() sethook(hook, '', HOOK_COUNT) end
local function resumed(co, ok, ...)
  if ok then return ... end
  error((...), 0)
end
coroutine.create = function(f)
  local co = co_create(f)
  sethook(co, hook, '', HOOK_COUNT)
  return co
end
coroutine.wrap = function(f)
  local co = coroutine.create(f)
  return function(...) return resumed(co, co_resume(co, ...)) end
end

-- Read-only views: scripts read the libraries and globals through proxies that refuse writes
-- (Redis 7 marks those tables read-only); a rawset into a proxy is swept after each script.
local proxies = {}
local protected = setmetatable({}, { __mode = 'k' })
local function readonly_error() error('Attempt to modify a readonly table', 2) end
local function view(t)
  local p = setmetatable({}, { __index = t, __newindex = readonly_error, __metatable = false })
  proxies[#proxies + 1] = p
  protected[p] = true
  return p
end
local function readonly(t)
  local meta = { __index = t, __newindex = readonly_error }
  meta.__metatable = view(meta)
  local p = setmetatable({}, meta)
  proxies[#proxies + 1] = p
  protected[p] = true
  return p
end
local function missing(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end

-- As C functions (see LuaTrampoline), so a script's "return redis.call(...)" keeps its frame for error positions.
for _, name in ipairs({ 'call', 'pcall', 'sha1hex', 'log', 'setresp', 'set_repl' }) do redis[name] = c_wrap(redis[name]) end
math.random, math.randomseed = c_wrap(math.random), c_wrap(math.randomseed)
G.redis = redis
for _, name in ipairs({ 'redis', 'string', 'math', 'table', 'cjson', 'bit', 'coroutine' }) do
  G[name] = readonly(G[name])
end
local string_meta = getmetatable('')
string_meta.__metatable = readonly({ __index = G.string })

-- Binary chunks are refused, as Redis 7 does: bytecode can break out of the sandbox.
local function binary(s) return type(s) == 'string' and ssub(s, 1, 1) == '\27' end
G.setmetatable = c_wrap(function(t, m)
  if protected[t] then error('Attempt to modify a readonly table', 3) end
  return setmetatable(t, m)
end)
G.loadstring = function(s, name)
  if binary(s) then return nil, 'binary chunks are not allowed' end
  local f, e = loadstring(s, name)
  if f then setfenv(f, G._G) end
  return f, e
end
G.load = function(fn, name)
  if binary(fn) then return nil, 'binary chunks are not allowed' end
  local f, e = load(fn, name)
  if f then setfenv(f, G._G) end
  return f, e
end
G.getfenv = function(f)
  local level = f
  if f == nil then level = 2 elseif type(f) == 'number' and f > 0 then level = f + 1 end
  local e = getfenv(level)
  if e == G then return G._G end
  return e
end
G.setfenv = function(f, t)
  if f == 0 then readonly_error() end
  if type(f) == 'number' and f > 0 then f = f + 1 end
  return setfenv(f, t)
end

G.print, G.dofile, G.loadfile, G.require, G.module, G.debug, G.os, G.io, G.package = nil
local env = readonly(G)
rawset(G, '_G', env)
setmetatable(G, { __index = missing, __newindex = readonly_error, __metatable = false })
protected[G] = true

local function handler(err)
  local level = 2
  local i = getinfo(level, 'Sl')
  while i and (i.what == 'C' or i.source == '=redis') do
    level = level + 1
    i = getinfo(level, 'Sl')
  end
  if type(err) ~= 'table' then err = { err = 'ERR ' .. tostring(err) } end
  if i then
    err.source = i.source
    err.line = i.currentline
  end
  return err
end

local function sweep()
  for i = 1, #proxies do
    local p = proxies[i]
    while next(p) ~= nil do rawset(p, (next(p)), nil) end
  end
end

arm()
return handler, arm, sweep, env
""";
}
