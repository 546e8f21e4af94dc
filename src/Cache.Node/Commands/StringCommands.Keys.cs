using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>The key finders of string commands whose key flags depend on their arguments.</summary>
internal static partial class StringCommands
{
    /// <summary>
    /// SET's one key at 1: read as well as written with GET (the old value comes back), only
    /// overwritten without. The options are scanned only when the caller asks for flags.
    /// </summary>
    private static int SetKeys(in RespRequest request, Span<int> positions, Span<KeySpecFlags> flags)
    {
        if (request.Count < 3)
        {
            return -1;
        }

        if (positions.Length > 0)
        {
            positions[0] = 1;
        }

        if (flags.Length > 0)
        {
            flags[0] = KeySpecFlags.OW | KeySpecFlags.Update;
            for (var i = 3; i < request.Count; i++)
            {
                if (Args.Is(request[i], "GET"u8))
                {
                    flags[0] = KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update;
                    break;
                }
            }
        }

        return 1;
    }
}
