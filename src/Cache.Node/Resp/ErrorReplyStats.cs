using System.Text;

namespace Cache.Node.Resp;

/// <summary>
/// INFO errorstats: error replies counted by their code (the first word: ERR, WRONGTYPE, MOVED...),
/// shared by every connection. As in Redis, at most 128 distinct codes are tracked, so a client
/// inventing codes cannot grow it; the total counts every error reply.
/// </summary>
internal sealed class ErrorReplyStats
{
    private const int MaxCodes = 128;
    private const int MaxCodeLength = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>Every error reply since start or the last reset (INFO stats total_error_replies).</summary>
    public long Total => Volatile.Read(ref _total);

    /// <summary>Counts one error reply whose text (code included) is <paramref name="message"/>.</summary>
    public void Record(ReadOnlySpan<byte> message)
    {
        var space = message.IndexOf((byte)' ');
        var code = space < 0 ? message : message[..space];
        code = code[..Math.Min(code.Length, MaxCodeLength)];
        Span<char> chars = stackalloc char[code.Length];
        Encoding.Latin1.GetChars(code, chars);
        lock (_gate)
        {
            _total++;
            var lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(chars, out var count))
            {
                lookup[chars] = count + 1;
            }
            else if (_counts.Count < MaxCodes)
            {
                _counts[new string(chars)] = 1;
            }
        }
    }

    /// <summary>The codes seen and their counts, sorted by code.</summary>
    public List<KeyValuePair<string, long>> Snapshot()
    {
        lock (_gate)
        {
            var list = _counts.ToList();
            list.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return list;
        }
    }

    /// <summary>CONFIG RESETSTAT.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _counts.Clear();
            _total = 0;
        }
    }
}
