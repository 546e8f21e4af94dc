namespace Cache.Node.Commands;

/// <summary>
/// The <c>cmsgpack</c> library Redis loads, in Lua (Debian ships no lua-cmsgpack): pack,
/// unpack, unpack_one and unpack_limit with lua_cmsgpack's encoding choices (the smallest
/// integer form, a float when it holds the double exactly, str8/16/32, arrays for tables whose
/// keys are 1..n, nesting cut at 16 levels) and its error messages. Run once per Lua state
/// before the prelude, which makes the table read-only.
/// </summary>
internal static class ScriptMsgPack
{
    public const string Source = """
local char, byte, sub, concat, floor, frexp, ldexp, huge = string.char, string.byte, string.sub, table.concat, math.floor, math.frexp, math.ldexp, math.huge
local type, pairs, select, error, tonumber, tostring, unpack, pcall = type, pairs, select, error, tonumber, tostring, unpack, pcall
local MAX_NESTING = 16
local getinfo = debug.getinfo

-- Raises at the script's line (as luaL_error from lua_cmsgpack's C functions would), past this library's frames.
local function fail(msg)
  local level = 2
  local i = getinfo(level, 'S')
  while i and (i.what == 'C' or i.what == 'tail' or i.source == '=redis') do
    level = level + 1
    i = getinfo(level, 'S')
  end
  error(msg, i and level or 0)
end

local function bytes_be(n, count)
  local out = {}
  for i = count, 1, -1 do
    out[i] = n % 256
    n = floor(n / 256)
  end
  return char(unpack(out))
end

local function encode_integer(buf, n)
  if n >= 0 then
    if n < 128 then buf[#buf + 1] = char(n)
    elseif n <= 0xff then buf[#buf + 1] = '\204' .. char(n)
    elseif n <= 0xffff then buf[#buf + 1] = '\205' .. bytes_be(n, 2)
    elseif n <= 0xffffffff then buf[#buf + 1] = '\206' .. bytes_be(n, 4)
    else buf[#buf + 1] = '\207' .. bytes_be(floor(n / 4294967296), 4) .. bytes_be(n % 4294967296, 4) end
  else
    if n >= -32 then buf[#buf + 1] = char(256 + n)
    elseif n >= -128 then buf[#buf + 1] = '\208' .. char(256 + n)
    elseif n >= -32768 then buf[#buf + 1] = '\209' .. bytes_be(65536 + n, 2)
    elseif n >= -2147483648 then buf[#buf + 1] = '\210' .. bytes_be(4294967296 + n, 4)
    else
      local high = floor(n / 4294967296)
      buf[#buf + 1] = '\211' .. bytes_be(4294967296 + high, 4) .. bytes_be(n - high * 4294967296, 4)
    end
  end
end

-- IEEE 754 big-endian bytes of x with the given exponent and mantissa widths.
local function ieee(x, expbits, mantbits)
  local bias = 2 ^ (expbits - 1) - 1
  local sign = 0
  if x < 0 or (x == 0 and 1 / x < 0) then sign = 1; x = -x end
  local e, m
  if x ~= x then e, m = 2 ^ expbits - 1, 2 ^ (mantbits - 1)
  elseif x == huge then e, m = 2 ^ expbits - 1, 0
  elseif x == 0 then e, m = 0, 0
  else
    local f, ex = frexp(x)
    e = ex + bias - 1
    if e <= 0 then
      m = floor(ldexp(x, mantbits + bias - 1) + 0.5); e = 0
    else
      m = floor((f * 2 - 1) * 2 ^ mantbits + 0.5)
      if m >= 2 ^ mantbits then m = 0; e = e + 1 end
    end
    if e >= 2 ^ expbits - 1 then e, m = 2 ^ expbits - 1, 0 end
  end
  local total = (1 + expbits + mantbits) / 8
  local high = sign * 2 ^ (expbits + mantbits - 32) + e * 2 ^ (mantbits - 32)
  if total == 4 then
    return bytes_be(sign * 2 ^ 31 + e * 2 ^ mantbits + m, 4)
  end
  local mhigh = floor(m / 4294967296)
  return bytes_be(high + mhigh, 4) .. bytes_be(m % 4294967296, 4)
end

local function encode_double(buf, d)
  -- As lua_cmsgpack: a float when the double survives the round trip through one.
  local f = ieee(d, 8, 23)
  local b1, b2, b3, b4 = byte(f, 1, 4)
  local back
  local e = floor(b1 % 128 * 2 + b2 / 128)
  local m = (b2 % 128) * 65536 + b3 * 256 + b4
  if e == 255 then back = (m == 0) and huge or 0 / 0
  elseif e == 0 then back = ldexp(m, -149)
  else back = ldexp(m + 8388608, e - 150) end
  if b1 >= 128 then back = -back end
  if back == d or (d ~= d and back ~= back) then buf[#buf + 1] = '\202' .. f
  else buf[#buf + 1] = '\203' .. ieee(d, 11, 52) end
end

local function encode_header(buf, n, fix, fixmax, c16, c32)
  if n <= fixmax then buf[#buf + 1] = char(fix + n)
  elseif n <= 0xffff then buf[#buf + 1] = c16 .. bytes_be(n, 2)
  else buf[#buf + 1] = c32 .. bytes_be(n, 4) end
end

local encode
local function array_length(t)
  local count, max = 0, 0
  for k in pairs(t) do
    if type(k) ~= 'number' or k <= 0 or k ~= floor(k) then return nil end
    count = count + 1
    if k > max then max = k end
  end
  if count == max then return max end
  return nil
end

encode = function(buf, v, level)
  local t = type(v)
  if t == 'table' and level == MAX_NESTING then t = 'nil' end
  if t == 'nil' then buf[#buf + 1] = '\192'
  elseif t == 'boolean' then buf[#buf + 1] = v and '\195' or '\194'
  elseif t == 'number' then
    if v == v and v ~= huge and v ~= -huge and v == floor(v) and v >= -9223372036854775808 and v < 9223372036854775808 then encode_integer(buf, v)
    else encode_double(buf, v) end
  elseif t == 'string' then
    local n = #v
    if n < 32 then buf[#buf + 1] = char(0xa0 + n)
    elseif n <= 0xff then buf[#buf + 1] = '\217' .. char(n)
    elseif n <= 0xffff then buf[#buf + 1] = '\218' .. bytes_be(n, 2)
    else buf[#buf + 1] = '\219' .. bytes_be(n, 4) end
    buf[#buf + 1] = v
  elseif t == 'table' then
    local n = array_length(v)
    if n then
      encode_header(buf, n, 0x90, 15, '\220', '\221')
      for i = 1, n do encode(buf, v[i], level + 1) end
    else
      local count = 0
      for _ in pairs(v) do count = count + 1 end
      encode_header(buf, count, 0x80, 15, '\222', '\223')
      for k, x in pairs(v) do
        encode(buf, k, level + 1)
        encode(buf, x, level + 1)
      end
    end
  else
    buf[#buf + 1] = '\192'
  end
end

local function pack(...)
  local n = select('#', ...)
  if n == 0 then fail("bad argument #0 to 'pack' (MessagePack pack needs input.)") end
  local buf = {}
  for i = 1, n do encode(buf, (select(i, ...)), 0) end
  return concat(buf)
end

-- Decoding: each reader returns the value and the next position, or raises 'eof' / 'type'.
local decode
local function need(s, pos, n) if pos + n - 1 > #s then error('eof', 0) end end
local function uint(s, pos, n)
  need(s, pos, n)
  local v = 0
  for i = pos, pos + n - 1 do v = v * 256 + byte(s, i) end
  return v
end
local function int(s, pos, n)
  local v = uint(s, pos, n)
  if byte(s, pos) >= 128 then
    -- Two's complement from the bytes, so 64-bit values keep what a double can hold.
    local inv = 0
    for i = pos, pos + n - 1 do inv = inv * 256 + (255 - byte(s, i)) end
    v = -(inv + 1)
  end
  return v
end
local function float(s, pos, n)
  need(s, pos, n)
  local b1, b2 = byte(s, pos, pos + 1)
  local sign = b1 >= 128 and -1 or 1
  local e, m, v
  if n == 4 then
    e = floor(b1 % 128 * 2 + b2 / 128)
    m = uint(s, pos + 1, 3) % 8388608
    if e == 255 then v = (m == 0) and huge or 0 / 0
    elseif e == 0 then v = ldexp(m, -149)
    else v = ldexp(m + 8388608, e - 150) end
  else
    e = floor((b1 % 128) * 16 + b2 / 16)
    m = (b2 % 16) * 2 ^ 48 + uint(s, pos + 2, 6)
    if e == 2047 then v = (m == 0) and huge or 0 / 0
    elseif e == 0 then v = ldexp(m, -1074)
    else v = ldexp(m + 2 ^ 52, e - 1075) end
  end
  return sign * v
end
local function str(s, pos, n)
  need(s, pos, n)
  return sub(s, pos, pos + n - 1), pos + n
end
local function array(s, pos, n)
  local t = {}
  for i = 1, n do t[i], pos = decode(s, pos) end
  return t, pos
end
local function map(s, pos, n)
  local t = {}
  for _ = 1, n do
    local k, v
    k, pos = decode(s, pos)
    v, pos = decode(s, pos)
    if k ~= nil then t[k] = v end
  end
  return t, pos
end

decode = function(s, pos)
  need(s, pos, 1)
  local c = byte(s, pos)
  pos = pos + 1
  if c < 0x80 then return c, pos
  elseif c < 0x90 then return map(s, pos, c - 0x80)
  elseif c < 0xa0 then return array(s, pos, c - 0x90)
  elseif c < 0xc0 then return str(s, pos, c - 0xa0)
  elseif c >= 0xe0 then return c - 256, pos
  elseif c == 0xc0 then return nil, pos
  elseif c == 0xc2 then return false, pos
  elseif c == 0xc3 then return true, pos
  elseif c == 0xca then return float(s, pos, 4), pos + 4
  elseif c == 0xcb then return float(s, pos, 8), pos + 8
  elseif c == 0xcc then return uint(s, pos, 1), pos + 1
  elseif c == 0xcd then return uint(s, pos, 2), pos + 2
  elseif c == 0xce then return uint(s, pos, 4), pos + 4
  elseif c == 0xcf then return uint(s, pos, 8), pos + 8
  elseif c == 0xd0 then return int(s, pos, 1), pos + 1
  elseif c == 0xd1 then return int(s, pos, 2), pos + 2
  elseif c == 0xd2 then return int(s, pos, 4), pos + 4
  elseif c == 0xd3 then return int(s, pos, 8), pos + 8
  elseif c == 0xc4 or c == 0xd9 then return str(s, pos + 1, uint(s, pos, 1))
  elseif c == 0xc5 or c == 0xda then return str(s, pos + 2, uint(s, pos, 2))
  elseif c == 0xc6 or c == 0xdb then return str(s, pos + 4, uint(s, pos, 4))
  elseif c == 0xdc then return array(s, pos + 2, uint(s, pos, 2))
  elseif c == 0xdd then return array(s, pos + 4, uint(s, pos, 4))
  elseif c == 0xde then return map(s, pos + 2, uint(s, pos, 2))
  elseif c == 0xdf then return map(s, pos + 4, uint(s, pos, 4))
  end
  error('type', 0)
end

local function unpack_full(s, limit, offset, all)
  if type(s) ~= 'string' and type(s) ~= 'number' then fail("bad argument #1 to 'unpack' (string expected, got " .. type(s) .. ")") end
  s = tostring(s)
  local len = #s
  if offset < 0 or limit < 0 then
    fail('Invalid request to unpack with offset of ' .. offset .. ' and limit of ' .. len .. '.')
  elseif offset > len then
    fail('Start offset ' .. offset .. ' greater than input length ' .. len .. '.')
  end
  if all then limit = 2147483647 end
  local out, count, pos = {}, 0, offset + 1
  while pos <= len and count < limit do
    local ok, v, next_pos = pcall(decode, s, pos)
    if not ok then
      if v == 'eof' then fail('Missing bytes in input.') end
      if v == 'type' then fail('Bad data format in input.') end
      fail(v)
    end
    count = count + 1
    out[count] = v
    pos = next_pos
  end
  if all then return unpack(out, 1, count) end
  return (pos <= len) and (pos - 1) or -1, unpack(out, 1, count)
end

local function integer_arg(v, i, name, default)
  if v == nil then return default end
  local n = tonumber(v)
  if n == nil then fail("bad argument #" .. i .. " to '" .. name .. "' (number expected, got " .. type(v) .. ")") end
  return n >= 0 and floor(n) or -floor(-n)
end

return {
  pack = pack,
  unpack = function(s) return unpack_full(s, 0, 0, true) end,
  unpack_one = function(s, offset) return unpack_full(s, 1, integer_arg(offset, 2, 'unpack_one', 0), false) end,
  unpack_limit = function(s, limit, offset) return unpack_full(s, integer_arg(limit, 2, 'unpack_limit', 0), integer_arg(offset, 3, 'unpack_limit', 0), false) end,
  _NAME = 'cmsgpack', _VERSION = 'lua-cmsgpack 0.4.0', _COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo', _DESCRIPTION = 'MessagePack C implementation for Lua',
}
""";
}
