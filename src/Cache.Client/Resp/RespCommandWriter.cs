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
