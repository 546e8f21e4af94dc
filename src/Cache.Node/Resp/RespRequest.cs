using System.Runtime.CompilerServices;

namespace Cache.Node.Resp;

/// <summary>Where one argument of a request lies inside the request's contiguous bytes.</summary>
internal readonly record struct ArgRange(int Offset, int Length);

/// <summary>
/// One parsed command: a view over the connection's input bytes, valid only until the
/// connection reads again. Arguments are spans, never strings.
/// </summary>
internal readonly ref struct RespRequest
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly ReadOnlySpan<ArgRange> _args;

    public RespRequest(ReadOnlySpan<byte> data, ReadOnlySpan<ArgRange> args)
    {
        _data = data;
        _args = args;
    }

    /// <summary>Number of arguments, the command name included.</summary>
    public int Count => _args.Length;

    public ReadOnlySpan<byte> this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var range = _args[index];
            return _data.Slice(range.Offset, range.Length);
        }
    }

    /// <summary>The arguments after <paramref name="start"/>, as a request of their own.</summary>
    public RespRequest Skip(int start) => new(_data, _args[start..]);

    /// <summary>Copies the request into one owned buffer, for MULTI queues.</summary>
    public QueuedRequest ToQueued()
    {
        var total = 0;
        foreach (var a in _args)
        {
            total += a.Length;
        }

        var bytes = new byte[total];
        var ranges = new ArgRange[_args.Length];
        var offset = 0;
        for (var i = 0; i < _args.Length; i++)
        {
            var arg = this[i];
            arg.CopyTo(bytes.AsSpan(offset));
            ranges[i] = new ArgRange(offset, arg.Length);
            offset += arg.Length;
        }

        return new QueuedRequest(bytes, ranges);
    }
}

/// <summary>An owned copy of a request, kept while a MULTI block is queued.</summary>
internal sealed class QueuedRequest(byte[] data, ArgRange[] args)
{
    public RespRequest AsRequest() => new(data, args);

    /// <summary>Bytes held for this request (CLIENT LIST's multi-mem counts them).</summary>
    public long Size => data.Length + ((long)args.Length * 8);

    /// <summary>A request made of <paramref name="args"/> (the command name first), as if a client had sent them.</summary>
    public static QueuedRequest From(ReadOnlyMemory<byte>[] args)
    {
        var data = new byte[args.Sum(a => a.Length)];
        var ranges = new ArgRange[args.Length];
        var offset = 0;
        for (var i = 0; i < args.Length; i++)
        {
            args[i].Span.CopyTo(data.AsSpan(offset));
            ranges[i] = new ArgRange(offset, args[i].Length);
            offset += args[i].Length;
        }

        return new QueuedRequest(data, ranges);
    }
}
