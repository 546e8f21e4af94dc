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
local c_call, c_sha1, c_setresp, c_random, c_seed, c_tick, c_log, c_wrap, version, version_num, c_acl = ...
local G = _G
local error, type, select, tostring, tonumber, rawget, rawset, next = error, type, select, tostring, tonumber, rawget, rawset, next
local setmetatable, getfenv, setfenv, loadstring, load = setmetatable, getfenv, setfenv, loadstring, load
local floor, sfind, ssub, sgsub, concat = math.floor, string.find, string.sub, string.gsub, table.concat
local getinfo, sethook = debug.getinfo, debug.sethook
local pairs, ipairs, lower, bor = pairs, ipairs, string.lower, bit.bor
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
redis.acl_check_cmd = function(...)
  local ok, r = c_acl(...)
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
local hook
hook = function()
  local stop = c_tick()
  if stop then
    sethook(hook, 'l')
    error({ err = stop })
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

-- Functions: a library's code registers them with redis.register_function while FUNCTION LOAD runs it.
local function_flags = { ['no-writes'] = 2, ['allow-oom'] = 4, ['allow-stale'] = 8, ['no-cluster'] = 16, ['allow-cross-slot-keys'] = 32 }
local pending, pending_names
local function stringish(v) return type(v) == 'string' or type(v) == 'number' end
local function register(...)
  local n = select('#', ...)
  if pending == nil then raise('redis.register_function can only be called on FUNCTION LOAD command') end
  if n < 1 or n > 2 then raise('wrong number of arguments to redis.register_function') end
  local name, callback = ...
  local flags, description = 0, nil
  if n == 1 then
    local args = name
    if type(args) ~= 'table' then raise('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).') end
    name, callback = nil, nil
    for k, v in pairs(args) do
      if not stringish(k) then raise('named argument key given to redis.register_function is not a string') end
      local key = lower(tostring(k))
      if key == 'function_name' then
        if not stringish(v) then raise('function_name argument given to redis.register_function must be a string') end
        name = tostring(v)
      elseif key == 'description' then
        if not stringish(v) then raise('description argument given to redis.register_function must be a string') end
        description = tostring(v)
      elseif key == 'callback' then
        if type(v) ~= 'function' then raise('callback argument given to redis.register_function must be a function') end
        callback = v
      elseif key == 'flags' then
        if type(v) ~= 'table' then raise('flags argument to redis.register_function must be a table representing function flags') end
        for _, f in ipairs(v) do
          local flag = stringish(f) and function_flags[lower(tostring(f))]
          if not flag then raise('unknown flag given') end
          flags = bor(flags, flag)
        end
      else
        raise('unknown argument given to redis.register_function')
      end
    end
    if name == nil then raise('redis.register_function must get a function name argument') end
    if callback == nil then raise('redis.register_function must get a callback argument') end
  else
    if not stringish(name) then raise('first argument to redis.register_function must be a string') end
    name = tostring(name)
    if type(callback) ~= 'function' then raise('second argument to redis.register_function must be a function') end
  end
  if #name == 0 or sfind(name, '[^%w_]') then raise('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long') end
  if pending[name] then raise('Function already exists in the library') end
  pending[name] = true
  pending_names[#pending_names + 1] = { name, callback, flags, description }
end
-- What a library's code sees while it loads (as Redis 7.0): only this redis table, no other global.
local load_redis = setmetatable({
  register_function = c_wrap(register), log = c_wrap(redis.log),
  REDIS_VERSION = version, REDIS_VERSION_NUM = version_num,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
}, { __index = missing })

-- As C functions (see LuaTrampoline), so a script's "return redis.call(...)" keeps its frame for error positions.
for _, name in ipairs({ 'call', 'pcall', 'sha1hex', 'log', 'setresp', 'set_repl' }) do redis[name] = c_wrap(redis[name]) end
math.random, math.randomseed = c_wrap(math.random), c_wrap(math.randomseed)
for _, name in ipairs({ 'pack', 'unpack', 'unpack_one', 'unpack_limit' }) do G.cmsgpack[name] = c_wrap(G.cmsgpack[name]) end
G.redis = redis
for _, name in ipairs({ 'redis', 'string', 'math', 'table', 'cjson', 'bit', 'coroutine', 'cmsgpack' }) do
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

-- Libraries and their functions see the globals through one more view: while FUNCTION LOAD
-- runs a library, the loading globals; afterwards the same globals as EVAL.
local function_meta = { __index = G, __newindex = readonly_error, __metatable = false }
local function_env = setmetatable({}, function_meta)
proxies[#proxies + 1] = function_env
protected[function_env] = true
local load_globals = setmetatable({ redis = readonly(load_redis) }, { __index = missing, __newindex = readonly_error, __metatable = false })
protected[load_globals] = true
local function begin_load()
  pending, pending_names = {}, {}
  function_meta.__index = load_globals
  return function_env
end
-- The functions registered, as name, callback, flags, description for each in turn.
local function end_load()
  local registered = pending_names
  pending, pending_names = nil, nil
  function_meta.__index = G
  local out = {}
  for i = 1, #registered do
    local r = registered[i]
    out[#out + 1] = r[1]; out[#out + 1] = r[2]; out[#out + 1] = r[3]; out[#out + 1] = r[4] or false
  end
  return out
end

local function handler(err)
  local level = 2
  local i = getinfo(level, 'Sl')
  while i and (i.what == 'C' or i.what == 'tail' or i.source == '=redis') do
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
return handler, arm, sweep, env, begin_load, end_load
""";
}
