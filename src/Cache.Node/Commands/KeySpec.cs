using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// One Redis 7 key spec: where a run of key arguments begins, how it continues, and what the
/// command does with those keys. A command has one per kind of key (RENAME: the source it
/// deletes, the destination it overwrites).
/// </summary>
internal sealed class KeySpec(KeySpecFlags flags, KeyBeginSearch begin, KeyFindKeys find)
{
    // Upper-cased once, for Args.Is.
    private readonly byte[]? _keyword = begin.Keyword is { } keyword ? Encoding.ASCII.GetBytes(keyword.ToUpperInvariant()) : null;

    public KeySpecFlags Flags { get; } = flags;

    public KeyBeginSearch Begin { get; } = begin;

    public KeyFindKeys Find { get; } = find;

    /// <summary>Whether the spec is a plain index and range, the shape the legacy first/last/step can show.</summary>
    public bool IsIndexRange => Begin.Kind == KeyBeginSearchKind.Index && Find.Kind == KeyFindKeysKind.Range;

    /// <summary>One key at <paramref name="index"/> (GET, SET, HSET ...).</summary>
    public static KeySpec At(int index, KeySpecFlags flags) => new(flags, KeyBeginSearch.AtIndex(index), KeyFindKeys.Range(0));

    /// <summary>Keys from <paramref name="index"/> to the last argument, every <paramref name="step"/> (DEL, MGET, MSET ...).</summary>
    public static KeySpec ToEnd(int index, KeySpecFlags flags, int step = 1) =>
        new(flags, KeyBeginSearch.AtIndex(index), KeyFindKeys.Range(-1, step));

    /// <summary>
    /// Where this spec's keys lie in <paramref name="request"/>: the first and last argument index
    /// and the step. False when its keyword is absent or it names no key (nothing to add); null
    /// when the arguments contradict it (out of range, a bad key count), which Redis calls invalid.
    /// </summary>
    public bool? TryLocate(in RespRequest request, out int first, out int last, out int step)
    {
        first = last = 0;
        step = 1;
        var count = request.Count;
        switch (Begin.Kind)
        {
            case KeyBeginSearchKind.Index:
                first = Begin.Index;
                break;
            case KeyBeginSearchKind.Keyword:
                first = FindKeyword(request);
                if (first <= 0)
                {
                    return false;
                }

                break;
            default:
                return null;
        }

        switch (Find.Kind)
        {
            case KeyFindKeysKind.Range:
                step = Math.Max(1, Find.KeyStep);
                if (Find.LastKey >= 0)
                {
                    last = first + Find.LastKey;
                }
                else if (Find.Limit <= 1)
                {
                    last = count + Find.LastKey;
                }
                else
                {
                    // Only the first 1/limit of the remaining arguments are keys.
                    last = first + ((count - first) / Find.Limit) - 1;
                }

                break;
            case KeyFindKeysKind.KeyNum:
                var countIndex = first + Find.KeyNumIndex;
                if (countIndex >= count || !RespNumbers.TryParseInt64(request[countIndex], out var keys) || keys < 0 || keys > count)
                {
                    return null;
                }

                if (keys == 0)
                {
                    return false;
                }

                step = Math.Max(1, Find.KeyStep);
                first += Find.FirstKey;
                last = first + ((int)(keys - 1) * step);
                break;
            default:
                return null;
        }

        if (first >= count || last >= count || last < first)
        {
            return null;
        }

        return true;
    }

    /// <summary>The index just after the keyword, or 0 when it is not there.</summary>
    private int FindKeyword(in RespRequest request)
    {
        var keyword = _keyword.AsSpan();
        var count = request.Count;
        if (Begin.StartFrom >= 0)
        {
            // A keyword in the last argument has no key after it.
            for (var i = Math.Max(1, Begin.StartFrom); i < count - 1; i++)
            {
                if (Args.Is(request[i], keyword))
                {
                    return i + 1;
                }
            }

            return 0;
        }

        for (var i = Math.Min(count + Begin.StartFrom, count - 2); i >= 1; i--)
        {
            if (Args.Is(request[i], keyword))
            {
                return i + 1;
            }
        }

        return 0;
    }
}
