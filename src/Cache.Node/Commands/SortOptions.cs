using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>SORT's options as parsed (Redis' sortCommandGeneric loop): each error is replied where it is found.</summary>
internal sealed class SortOptions
{
    public bool Descending { get; private set; }

    public bool Alpha { get; private set; }

    public long Offset { get; private set; }

    /// <summary>LIMIT's count; -1 without LIMIT (everything from the offset).</summary>
    public long Count { get; private set; } = -1;

    /// <summary>The BY pattern, null without BY.</summary>
    public byte[]? By { get; private set; }

    /// <summary>BY with a pattern without '*': the elements keep their order.</summary>
    public bool DontSort { get; private set; }

    /// <summary>The argument index of STORE's destination; 0 without STORE.</summary>
    public int StoreIndex { get; private set; }

    public List<byte[]> Gets { get; } = [];

    public static bool TryParse(ClientSession client, in RespRequest request, bool readOnly, out SortOptions options)
    {
        options = new SortOptions();
        for (var j = 2; j < request.Count; j++)
        {
            var arg = request[j];
            var left = request.Count - j - 1;
            if (Args.Is(arg, "ASC"u8))
            {
                options.Descending = false;
            }
            else if (Args.Is(arg, "DESC"u8))
            {
                options.Descending = true;
            }
            else if (Args.Is(arg, "ALPHA"u8))
            {
                options.Alpha = true;
            }
            else if (Args.Is(arg, "LIMIT"u8) && left >= 2)
            {
                if (!Args.TryInteger(client, request[j + 1], out var offset) || !Args.TryInteger(client, request[j + 2], out var count))
                {
                    return false;
                }

                (options.Offset, options.Count) = (offset, count);
                j += 2;
            }
            else if (!readOnly && Args.Is(arg, "STORE"u8) && left >= 1)
            {
                options.StoreIndex = ++j;
            }
            else if (Args.Is(arg, "BY"u8) && left >= 1)
            {
                options.By = request[++j].ToArray();
                options.DontSort = !options.By.AsSpan().Contains((byte)'*');
            }
            else if (Args.Is(arg, "GET"u8) && left >= 1)
            {
                options.Gets.Add(request[++j].ToArray());
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return false;
            }
        }

        return true;
    }
}
