using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// The command that started the running function, kept for FUNCTION STATS, which another
/// connection may ask while the function is busy. The buffers are reused from call to call;
/// a very long command is kept only in part.
/// </summary>
internal sealed class ScriptCaller
{
    private const int MaxBytes = 4096;
    private const int MaxArguments = 64;

    private readonly byte[] _data = new byte[MaxBytes];
    private readonly int[] _ends = new int[MaxArguments];
    private int _count;

    public void Capture(in RespRequest request)
    {
        var used = 0;
        var count = 0;
        for (var i = 0; i < request.Count && count < MaxArguments; i++)
        {
            var arg = request[i];
            var take = Math.Min(arg.Length, MaxBytes - used);
            arg[..take].CopyTo(_data.AsSpan(used));
            used += take;
            _ends[count++] = used;
        }

        _count = count;
    }

    /// <summary>A copy of the arguments kept (the caller may be another thread than the one running the function).</summary>
    public byte[][] Arguments()
    {
        var count = Math.Min(_count, MaxArguments);
        var result = new byte[count][];
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            var end = Math.Clamp(_ends[i], start, MaxBytes);
            result[i] = _data.AsSpan(start, end - start).ToArray();
            start = end;
        }

        return result;
    }
}
