using System.Buffers;
using System.Buffers.Text;

namespace Cache.Node.Commands;

/// <summary>
/// One command being written to the replication stream, argument by argument, as a RESP array
/// whose length was given to <see cref="ReplicationFeed.Also"/> or <see cref="ReplicationFeed.Rewrite"/>.
/// A default value (no replica attached) writes nothing, so callers need not check.
/// </summary>
internal readonly ref struct PropagatedCommand
{
    private readonly ArrayBufferWriter<byte>? _output;

    internal PropagatedCommand(ArrayBufferWriter<byte>? output, int count)
    {
        _output = output;
        if (output is not null)
        {
            Header(output, (byte)'*', count);
        }
    }

    /// <summary>Appends one argument's bytes.</summary>
    public PropagatedCommand Arg(scoped ReadOnlySpan<byte> value)
    {
        if (_output is { } output)
        {
            Header(output, (byte)'$', value.Length);
            output.Write(value);
            output.Write("\r\n"u8);
        }

        return this;
    }

    /// <summary>Appends an integer argument, in decimal.</summary>
    public PropagatedCommand Arg(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var length);
        return Arg(digits[..length]);
    }

    internal static void Header(ArrayBufferWriter<byte> output, byte prefix, long count)
    {
        var span = output.GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(count, span[1..], out var length);
        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        output.Advance(length + 3);
    }
}
