using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace Cache.Node.Resp;

/// <summary>
/// Writes RESP2 or RESP3 replies straight into the connection's output pipe. One per
/// connection; replies are flushed once per batch of commands by the connection loop.
/// </summary>
internal sealed class ReplyWriter
{
    private IBufferWriter<byte> _output;

    public ReplyWriter(IBufferWriter<byte> output) => _output = output;

    /// <summary>2 or 3: the protocol the client chose with HELLO.</summary>
    public int Protocol { get; set; } = 2;

    public bool IsResp3 => Protocol == 3;

    /// <summary>Bytes written since the counter was last reset; lets callers bound buffered output.</summary>
    public long BytesWritten { get; set; }

    /// <summary>Where error replies are counted (INFO errorstats); null counts nothing.</summary>
    public ErrorReplyStats? ErrorStats { get; init; }

    /// <summary>Error replies written on this connection: a command failed when its handler raised it.</summary>
    public long ErrorCount { get; private set; }

    /// <summary>Redirects output (used by tests and benchmarks that run without sockets).</summary>
    public void Reset(IBufferWriter<byte> output) => _output = output;

    public void Ok() => WriteRaw("+OK\r\n"u8);

    public void Queued() => WriteRaw("+QUEUED\r\n"u8);

    public void Pong() => WriteRaw("+PONG\r\n"u8);

    public void SimpleString(ReadOnlySpan<byte> value)
    {
        var span = Reserve(value.Length + 3);
        span[0] = (byte)'+';
        value.CopyTo(span[1..]);
        span[value.Length + 1] = (byte)'\r';
        span[value.Length + 2] = (byte)'\n';
        Commit(value.Length + 3);
    }

    public void SimpleString(string value) => SimpleString(Encoding.UTF8.GetBytes(value));

    /// <summary>An error reply; <paramref name="message"/> includes its code, e.g. "ERR syntax error".</summary>
    public void Error(ReadOnlySpan<byte> message)
    {
        ErrorCount++;
        ErrorStats?.Record(message);
        var span = Reserve(message.Length + 3);
        span[0] = (byte)'-';
        message.CopyTo(span[1..]);
        // Redis replaces newlines in error strings so the reply stays one line.
        for (var i = 1; i <= message.Length; i++)
        {
            if (span[i] is (byte)'\r' or (byte)'\n')
            {
                span[i] = (byte)' ';
            }
        }

        span[message.Length + 1] = (byte)'\r';
        span[message.Length + 2] = (byte)'\n';
        Commit(message.Length + 3);
    }

    public void Error(string message) => Error(Encoding.UTF8.GetBytes(message));

    public void Integer(long value)
    {
        if ((ulong)value < 10)
        {
            var small = Reserve(4);
            small[0] = (byte)':';
            small[1] = (byte)('0' + value);
            small[2] = (byte)'\r';
            small[3] = (byte)'\n';
            Commit(4);
            return;
        }

        WriteNumberLine((byte)':', value);
    }

    /// <summary>A bulk string.</summary>
    public void Bulk(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4096)
        {
            var span = Reserve(value.Length + 24);
            span[0] = (byte)'$';
            var n = 1 + RespNumbers.Format(value.Length, span[1..]);
            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
            value.CopyTo(span[n..]);
            n += value.Length;
            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
            Commit(n);
            return;
        }

        WriteNumberLine((byte)'$', value.Length);
        WriteLarge(value);
        WriteRaw("\r\n"u8);
    }

    public void Bulk(string value) => Bulk(Encoding.UTF8.GetBytes(value));

    /// <summary>An integer sent as a bulk string (as INCRBYFLOAT and CONFIG GET do).</summary>
    public void BulkInteger(long value)
    {
        Span<byte> digits = stackalloc byte[24];
        var n = RespNumbers.Format(value, digits);
        Bulk(digits[..n]);
    }

    /// <summary>The null reply: <c>$-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void Null() => WriteRaw(IsResp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>A null array: <c>*-1</c> in RESP2, <c>_</c> in RESP3.</summary>
    public void NullArray() => WriteRaw(IsResp3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void ArrayHeader(int count)
    {
        if ((uint)count < 10)
        {
            var span = Reserve(4);
            span[0] = (byte)'*';
            span[1] = (byte)('0' + count);
            span[2] = (byte)'\r';
            span[3] = (byte)'\n';
            Commit(4);
            return;
        }

        WriteNumberLine((byte)'*', count);
    }

    /// <summary>A map of <paramref name="pairs"/> entries: <c>%</c> in RESP3, a flat array in RESP2.</summary>
    public void MapHeader(int pairs)
    {
        if (IsResp3)
        {
            WriteNumberLine((byte)'%', pairs);
        }
        else
        {
            ArrayHeader(pairs * 2);
        }
    }

    /// <summary>A set: <c>~</c> in RESP3, an array in RESP2.</summary>
    public void SetHeader(int count)
    {
        if (IsResp3)
        {
            WriteNumberLine((byte)'~', count);
        }
        else
        {
            ArrayHeader(count);
        }
    }

    /// <summary>A double: <c>,</c> in RESP3, a bulk string in RESP2; formatted "%.17g" as Redis 7.0 does.</summary>
    public void Double(double value)
    {
        Span<byte> text = stackalloc byte[64];
        var n = RespNumbers.FormatDouble(value, text);
        if (!IsResp3)
        {
            Bulk(text[..n]);
            return;
        }

        var span = Reserve(n + 3);
        span[0] = (byte)',';
        text[..n].CopyTo(span[1..]);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        Commit(n + 3);
    }

    /// <summary>A verbatim string (<c>=</c> in RESP3, bulk in RESP2), as INFO and CLIENT INFO reply.</summary>
    public void Verbatim(ReadOnlySpan<byte> text)
    {
        if (!IsResp3)
        {
            Bulk(text);
            return;
        }

        WriteNumberLine((byte)'=', text.Length + 4);
        WriteRaw("txt:"u8);
        WriteLarge(text);
        WriteRaw("\r\n"u8);
    }

    /// <summary>Copies pre-encoded RESP bytes to the output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        var span = Reserve(bytes.Length);
        bytes.CopyTo(span);
        Commit(bytes.Length);
    }

    private void WriteNumberLine(byte prefix, long value)
    {
        var span = Reserve(24);
        span[0] = prefix;
        var n = 1 + RespNumbers.Format(value, span[1..]);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        Commit(n);
    }

    private void WriteLarge(ReadOnlySpan<byte> value)
    {
        while (!value.IsEmpty)
        {
            var span = _output.GetSpan(Math.Min(value.Length, 64 * 1024));
            var n = Math.Min(span.Length, value.Length);
            value[..n].CopyTo(span);
            Commit(n);
            value = value[n..];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int size) => _output.GetSpan(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(int count)
    {
        _output.Advance(count);
        BytesWritten += count;
    }
}
