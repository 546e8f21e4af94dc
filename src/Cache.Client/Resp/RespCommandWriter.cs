using System.Buffers;
using System.Buffers.Text;

namespace Cache.Client.Resp;

/// <summary>Encodes a command as a RESP multibulk frame.</summary>
internal static class RespCommandWriter
{
    public static byte[] Encode(ReadOnlyMemory<byte>[] args)
    {
        var size = 1 + Digits(args.Length) + 2;
        foreach (var a in args)
        {
            size += 1 + Digits(a.Length) + 2 + a.Length + 2;
        }

        var frame = new byte[size];
        var span = frame.AsSpan();
        var n = Header(span, (byte)'*', args.Length);
        foreach (var a in args)
        {
            n += Header(span[n..], (byte)'$', a.Length);
            a.Span.CopyTo(span[n..]);
            n += a.Length;
            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
        }

        return frame;
    }

    /// <summary>
    /// Encodes <c>before..., head+body, after...</c>: one argument made of two parts is written
    /// straight into the frame, so a cache value and its header are copied once, not twice.
    /// </summary>
    public static byte[] EncodeWithValue(ReadOnlySpan<ReadOnlyMemory<byte>> before, ReadOnlySpan<byte> head, in ReadOnlySequence<byte> body, ReadOnlySpan<ReadOnlyMemory<byte>> after)
    {
        var valueLength = checked(head.Length + (int)body.Length);
        var count = before.Length + 1 + after.Length;
        var size = 1 + Digits(count) + 2 + 1 + Digits(valueLength) + 2 + valueLength + 2;
        foreach (var a in before)
        {
            size += 1 + Digits(a.Length) + 2 + a.Length + 2;
        }

        foreach (var a in after)
        {
            size += 1 + Digits(a.Length) + 2 + a.Length + 2;
        }

        var frame = new byte[size];
        var span = frame.AsSpan();
        var n = Header(span, (byte)'*', count);
        foreach (var a in before)
        {
            n += Bulk(span[n..], a.Span);
        }

        n += Header(span[n..], (byte)'$', valueLength);
        head.CopyTo(span[n..]);
        n += head.Length;
        body.CopyTo(span[n..]);
        n += (int)body.Length;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        foreach (var a in after)
        {
            n += Bulk(span[n..], a.Span);
        }

        return frame;
    }

    private static int Bulk(Span<byte> span, ReadOnlySpan<byte> value)
    {
        var n = Header(span, (byte)'$', value.Length);
        value.CopyTo(span[n..]);
        n += value.Length;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        return n;
    }

    private static int Header(Span<byte> span, byte prefix, int value)
    {
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        return written + 3;
    }

    private static int Digits(int value) => value < 10 ? 1 : (int)Math.Floor(Math.Log10(value)) + 1;
}
