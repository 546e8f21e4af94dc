using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// LCS: the longest common subsequence of two strings by the classic dynamic-programming table,
/// walked back from the end the way Redis walks it, so ties pick the same subsequence and the
/// IDX ranges come out in the same order (last match first).
/// </summary>
internal static class LcsCommand
{
    public static void Register(CommandTable table) =>
        table.Add(new("lcs", -3, CommandFlags.ReadOnly, Lcs, StringCommands.Group, "Finds the longest common substring.")
        {
            Keys = new([new(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AtIndex(1), KeyFindKeys.Range(1))]),
            Acl = StringCommands.Category,
        });

    private static void Lcs(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        ref var first = ref keys.LookupRead(request[1]);
        var a = StringOrEmpty(keys, ref first, out var aIsString);
        ref var second = ref keys.LookupRead(request[2]);
        var b = StringOrEmpty(keys, ref second, out var bIsString);
        if (!aIsString || !bIsString)
        {
            client.Reply.Error("ERR The specified keys must contain string values"u8);
            return;
        }

        bool getIdx = false, getLen = false, withMatchLen = false;
        long minMatchLen = 0;
        for (var i = 3; i < request.Count; i++)
        {
            var opt = request[i];
            if (Args.Is(opt, "IDX"u8))
            {
                getIdx = true;
            }
            else if (Args.Is(opt, "LEN"u8))
            {
                getLen = true;
            }
            else if (Args.Is(opt, "WITHMATCHLEN"u8))
            {
                withMatchLen = true;
            }
            else if (Args.Is(opt, "MINMATCHLEN"u8) && i + 1 < request.Count)
            {
                if (!Args.TryInteger(client, request[++i], out minMatchLen))
                {
                    return;
                }

                minMatchLen = Math.Max(0, minMatchLen);
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        if (getIdx && getLen)
        {
            client.Reply.Error("ERR If you want both the length and indexes, please just use IDX."u8);
            return;
        }

        var cells = ((long)a.Length + 1) * (b.Length + 1);
        if (cells * sizeof(uint) > client.Server.Limits.MaxBulkLength || cells > Array.MaxLength)
        {
            client.Reply.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"u8);
            return;
        }

        var table = BuildLcsTable(a, b);
        ReplyLcs(client, a, b, table, getIdx, getLen, withMatchLen, minMatchLen);
    }

    private static byte[] StringOrEmpty(KeySpace keys, ref StoreEntry entry, out bool isString)
    {
        if (Unsafe.IsNullRef(ref entry))
        {
            isString = true;
            return [];
        }

        isString = entry.Kind == ValueKind.String;
        return isString ? keys.ValueOf(entry).ToArray() : [];
    }

    /// <summary>table[i * (b.Length + 1) + j] is the LCS length of a[..i] and b[..j].</summary>
    private static uint[] BuildLcsTable(byte[] a, byte[] b)
    {
        var width = b.Length + 1;
        var table = new uint[(a.Length + 1) * width];
        for (var i = 1; i <= a.Length; i++)
        {
            var row = i * width;
            var above = row - width;
            for (var j = 1; j <= b.Length; j++)
            {
                table[row + j] = a[i - 1] == b[j - 1]
                    ? table[above + j - 1] + 1
                    : Math.Max(table[above + j], table[row + j - 1]);
            }
        }

        return table;
    }

    private static void ReplyLcs(ClientSession client, byte[] a, byte[] b, uint[] table, bool getIdx, bool getLen, bool withMatchLen, long minMatchLen)
    {
        var width = b.Length + 1;
        var length = (int)table[^1];
        if (getLen)
        {
            client.Reply.Integer(length);
            return;
        }

        var result = new byte[length];
        var ranges = new List<(int AStart, int AEnd, int BStart, int BEnd)>();
        var idx = length;
        int i = a.Length, j = b.Length;
        var noRange = a.Length; // aStart == a.Length: no range is being tracked
        int aStart = noRange, aEnd = 0, bStart = 0, bEnd = 0;
        while (i > 0 && j > 0)
        {
            var emit = false;
            if (a[i - 1] == b[j - 1])
            {
                result[--idx] = a[i - 1];
                if (aStart == noRange)
                {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                }
                else if (aStart == i && bStart == j)
                {
                    // Contiguous with the range being tracked: extend it backwards.
                    aStart--;
                    bStart--;
                }
                else
                {
                    emit = true;
                }

                if (aStart == 0 || bStart == 0)
                {
                    emit = true;
                }

                i--;
                j--;
            }
            else
            {
                if (table[((i - 1) * width) + j] > table[(i * width) + j - 1])
                {
                    i--;
                }
                else
                {
                    j--;
                }

                if (aStart != noRange)
                {
                    emit = true;
                }
            }

            if (emit)
            {
                if (getIdx && (minMatchLen == 0 || aEnd - aStart + 1 >= minMatchLen))
                {
                    ranges.Add((aStart, aEnd, bStart, bEnd));
                }

                aStart = noRange;
            }
        }

        if (!getIdx)
        {
            client.Reply.Bulk(result);
            return;
        }

        var reply = client.Reply;
        reply.MapHeader(2);
        reply.Bulk("matches"u8);
        reply.ArrayHeader(ranges.Count);
        foreach (var (s1, e1, s2, e2) in ranges)
        {
            reply.ArrayHeader(withMatchLen ? 3 : 2);
            reply.ArrayHeader(2);
            reply.Integer(s1);
            reply.Integer(e1);
            reply.ArrayHeader(2);
            reply.Integer(s2);
            reply.Integer(e2);
            if (withMatchLen)
            {
                reply.Integer(e1 - s1 + 1);
            }
        }

        reply.Bulk("len"u8);
        reply.Integer(length);
    }
}
