using System.Globalization;
using Cache.Node.Resp;
using static Cache.Node.Scripting.LuaNative;

namespace Cache.Node.Commands;

/// <summary>
/// Redis' conversion rules: a command's RESP2/RESP3 reply into Lua values (redis.call's result)
/// and a script's Lua result into the client's reply.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    // A self-referencing table would recurse for ever; Lua's own stack limit stops it near here too.
    private const int MaxReplyDepth = 1000;

    /// <summary>Pushes the reply at <paramref name="position"/> as Lua values and moves past it.</summary>
    private static void PushReply(nint state, ReadOnlySpan<byte> data, ref int position)
    {
        if (CheckStack(state, 4) == 0)
        {
            PushNil(state);
            return;
        }

        var type = data[position];
        var end = position + data[position..].IndexOf("\r\n"u8);
        var line = data[(position + 1)..end];
        position = end + 2;
        switch (type)
        {
            case (byte)'+':
                Field(state, "ok"u8, line);
                break;
            case (byte)'-':
                PushErrorLine(state, line);
                break;
            case (byte)':':
                PushNumber(state, ParseLong(line));
                break;
            case (byte)'$':
                var length = (int)ParseLong(line);
                if (length < 0)
                {
                    PushBoolean(state, 0);
                    break;
                }

                PushBytes(state, data.Slice(position, length));
                position += length + 2;
                break;
            case (byte)'*' or (byte)'>':
                var count = (int)ParseLong(line);
                if (count < 0)
                {
                    PushBoolean(state, 0);
                    break;
                }

                CreateTable(state, count, 0);
                for (var i = 1; i <= count; i++)
                {
                    PushReply(state, data, ref position);
                    RawSetI(state, -2, i);
                }

                break;
            case (byte)'%' or (byte)'~':
                PushBytes(state, type == (byte)'%' ? "map"u8 : "set"u8);
                var pairs = (int)ParseLong(line);
                CreateTable(state, 0, 1);
                Insert(state, -2);
                CreateTable(state, 0, pairs);
                for (var i = 0; i < pairs; i++)
                {
                    PushReply(state, data, ref position);
                    if (type == (byte)'%')
                    {
                        PushReply(state, data, ref position);
                    }
                    else
                    {
                        PushBoolean(state, 1);
                    }

                    if (Type(state, -2) == TypeNil)
                    {
                        Pop(state, 2);
                        continue;
                    }

                    RawSet(state, -3);
                }

                RawSet(state, -3);
                break;
            case (byte)'_':
                PushNil(state);
                break;
            case (byte)'#':
                PushBoolean(state, line.Length > 0 && line[0] == (byte)'t' ? 1 : 0);
                break;
            case (byte)',':
                CreateTable(state, 0, 1);
                PushBytes(state, "double"u8);
                PushNumber(state, ParseDouble(line));
                RawSet(state, -3);
                break;
            case (byte)'(':
                Field(state, "big_number"u8, line);
                break;
            case (byte)'=':
                var size = (int)ParseLong(line);
                var text = data.Slice(position, size);
                position += size + 2;
                CreateTable(state, 0, 1);
                PushBytes(state, "verbatim_string"u8);
                CreateTable(state, 0, 2);
                PushBytes(state, "format"u8);
                PushBytes(state, text[..Math.Min(3, text.Length)]);
                RawSet(state, -3);
                PushBytes(state, "string"u8);
                PushBytes(state, text.Length > 4 ? text[4..] : default);
                RawSet(state, -3);
                RawSet(state, -3);
                break;
            case (byte)'|':
                // Attributes are skipped: the value follows them.
                var attributes = (int)ParseLong(line);
                for (var i = 0; i < attributes * 2; i++)
                {
                    PushReply(state, data, ref position);
                    Pop(state, 1);
                }

                PushReply(state, data, ref position);
                break;
            default:
                PushNil(state);
                break;
        }
    }

    private static void Field(nint state, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        CreateTable(state, 0, 1);
        PushBytes(state, name);
        PushBytes(state, value);
        RawSet(state, -3);
    }

    // An error reply "-CODE message" becomes {err = "CODE message"}, as luaPushErrorBuff reads "-" + line.
    private static void PushErrorLine(nint state, ReadOnlySpan<byte> line)
    {
        Span<byte> small = stackalloc byte[256];
        var buffer = line.Length < small.Length ? small : new byte[line.Length + 1];
        buffer[0] = (byte)'-';
        line.CopyTo(buffer[1..]);
        PushError(state, buffer[..(line.Length + 1)]);
    }

    private static long ParseLong(ReadOnlySpan<byte> line) => RespNumbers.TryParseInt64(line, out var value) ? value : 0;

    private static double ParseDouble(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual("inf"u8))
        {
            return double.PositiveInfinity;
        }

        if (line.SequenceEqual("-inf"u8))
        {
            return double.NegativeInfinity;
        }

        return double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
    }

    /// <summary>Writes the Lua value on top of the stack as the client's reply and pops it (Redis' luaReplyToRedisReply).</summary>
    private void WriteValue(ReplyWriter reply, int depth)
    {
        var state = _state;
        if (depth > MaxReplyDepth || CheckStack(state, 4) == 0)
        {
            reply.Error("ERR reached lua stack limit"u8);
            Pop(state, 1);
            return;
        }

        switch (Type(state, -1))
        {
            case TypeString:
                reply.Bulk(ToBytes(state, -1));
                break;
            case TypeBoolean:
                var truth = ToBoolean(state, -1) != 0;
                if (_resp == 2)
                {
                    if (truth)
                    {
                        reply.Integer(1);
                    }
                    else
                    {
                        reply.Null();
                    }
                }
                else if (reply.IsResp3)
                {
                    reply.WriteRaw(truth ? "#t\r\n"u8 : "#f\r\n"u8);
                }
                else
                {
                    reply.Integer(truth ? 1 : 0);
                }

                break;
            case TypeNumber:
                reply.Integer(ToLongLikeC(ToNumber(state, -1)));
                break;
            case TypeTable:
                WriteTable(reply, depth);
                return;
            default:
                reply.Null();
                break;
        }

        Pop(state, 1);
    }

    private void WriteTable(ReplyWriter reply, int depth)
    {
        var state = _state;
        RawGetField(state, -1, "err\0"u8);
        if (Type(state, -1) == TypeString)
        {
            reply.Error(ToBytes(state, -1));
            Pop(state, 2);
            return;
        }

        Pop(state, 1);
        RawGetField(state, -1, "ok\0"u8);
        if (Type(state, -1) == TypeString)
        {
            reply.SimpleString(Spaced(ToBytes(state, -1)));
            Pop(state, 2);
            return;
        }

        Pop(state, 1);
        RawGetField(state, -1, "double\0"u8);
        if (Type(state, -1) == TypeNumber)
        {
            reply.Double(ToNumber(state, -1));
            Pop(state, 2);
            return;
        }

        Pop(state, 1);
        RawGetField(state, -1, "big_number\0"u8);
        if (Type(state, -1) == TypeString)
        {
            var digits = Spaced(ToBytes(state, -1));
            if (reply.IsResp3)
            {
                reply.WriteRaw("("u8);
                reply.WriteRaw(digits);
                reply.WriteRaw("\r\n"u8);
            }
            else
            {
                reply.Bulk(digits);
            }

            Pop(state, 2);
            return;
        }

        Pop(state, 1);
        if (TryWriteVerbatim(reply) || TryWriteMapOrSet(reply, depth, "map\0"u8) || TryWriteMapOrSet(reply, depth, "set\0"u8))
        {
            return;
        }

        var count = 0;
        while (true)
        {
            RawGetI(state, -1, count + 1);
            var nil = Type(state, -1) == TypeNil;
            Pop(state, 1);
            if (nil)
            {
                break;
            }

            count++;
        }

        reply.ArrayHeader(count);
        for (var i = 1; i <= count; i++)
        {
            RawGetI(state, -1, i);
            WriteValue(reply, depth + 1);
        }

        Pop(state, 1);
    }

    private bool TryWriteVerbatim(ReplyWriter reply)
    {
        var state = _state;
        RawGetField(state, -1, "verbatim_string\0"u8);
        if (Type(state, -1) == TypeTable)
        {
            RawGetField(state, -1, "format\0"u8);
            RawGetField(state, -2, "string\0"u8);
            if (Type(state, -2) == TypeString && Type(state, -1) == TypeString)
            {
                var format = ToBytes(state, -2);
                var text = ToBytes(state, -1);
                if (reply.IsResp3)
                {
                    Span<byte> header = stackalloc byte[24];
                    header[0] = (byte)'=';
                    var n = 1 + RespNumbers.Format(text.Length + 4, header[1..]);
                    reply.WriteRaw(header[..n]);
                    reply.WriteRaw("\r\n"u8);
                    reply.WriteRaw(format[..Math.Min(3, format.Length)]);
                    reply.WriteRaw(":"u8);
                    reply.WriteRaw(text);
                    reply.WriteRaw("\r\n"u8);
                }
                else
                {
                    reply.Bulk(text);
                }

                Pop(state, 4);
                return true;
            }

            Pop(state, 2);
        }

        Pop(state, 1);
        return false;
    }

    private bool TryWriteMapOrSet(ReplyWriter reply, int depth, ReadOnlySpan<byte> name)
    {
        var state = _state;
        var map = name[0] == (byte)'m';
        RawGetField(state, -1, name);
        if (Type(state, -1) != TypeTable)
        {
            Pop(state, 1);
            return false;
        }

        var count = 0;
        PushNil(state);
        while (Next(state, -2) != 0)
        {
            Pop(state, 1);
            count++;
        }

        if (map)
        {
            reply.MapHeader(count);
        }
        else
        {
            reply.SetHeader(count);
        }

        PushNil(state);
        while (Next(state, -2) != 0)
        {
            if (map)
            {
                PushValue(state, -2);
                WriteValue(reply, depth + 1);
                WriteValue(reply, depth + 1);
            }
            else
            {
                Pop(state, 1);
                PushValue(state, -1);
                WriteValue(reply, depth + 1);
            }
        }

        Pop(state, 2);
        return true;
    }

    // Status and big-number text cannot hold line breaks: Redis maps them to spaces.
    private static ReadOnlySpan<byte> Spaced(ReadOnlySpan<byte> text)
    {
        if (text.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return text;
        }

        var copy = text.ToArray();
        copy.AsSpan().Replace((byte)'\r', (byte)' ');
        copy.AsSpan().Replace((byte)'\n', (byte)' ');
        return copy;
    }

    // Redis casts with (long long): on x86-64 a value out of range (or NaN) becomes LLONG_MIN.
    private static long ToLongLikeC(double value) =>
        value is >= -9223372036854775808.0 and < 9223372036854775808.0 ? (long)value : long.MinValue;
}
