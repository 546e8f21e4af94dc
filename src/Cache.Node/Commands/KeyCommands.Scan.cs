using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>KEYS and SCAN: walking the key space with a glob pattern (and, for SCAN, a type).</summary>
internal static partial class KeyCommands
{
    private static void RegisterScan(CommandTable table)
    {
        table.Add(new("keys", 2, CommandFlags.ReadOnly, Keys, Group, "Returns all key names that match a pattern.")
        {
            Acl = Category | AclCategories.Dangerous,
            Tips = ["request_policy:all_shards", "nondeterministic_output_order"],
        });
        table.Add(new("scan", -2, CommandFlags.ReadOnly, Scan, Group, "Iterates over the key names in the database.")
        {
            Acl = Category,
            Tips = ["nondeterministic_output", "request_policy:special"],
        });
    }

    private static void Keys(ClientSession client, in RespRequest request)
    {
        var found = new List<byte[]>();
        var pattern = request[1].ToArray();
        client.Keys.CollectKeys(key => Glob.IsMatch(pattern, key), found);
        WriteKeys(client, found);
    }

    /// <summary>SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]; the cursor is a slot index.</summary>
    private static void Scan(ClientSession client, in RespRequest request)
    {
        if (!ScanArguments.TryParseCursor(request[1], out var cursor))
        {
            client.Reply.Error("ERR invalid cursor"u8);
            return;
        }

        long count = 10;
        byte[]? pattern = null;
        byte[]? type = null;
        for (var i = 2; i < request.Count; i += 2)
        {
            var arg = request[i];
            var hasValue = i + 1 < request.Count;
            if (hasValue && Args.Is(arg, "COUNT"u8))
            {
                if (!Args.TryInteger(client, request[i + 1], out count))
                {
                    return;
                }

                if (count < 1)
                {
                    client.Reply.Error(Errors.Syntax);
                    return;
                }
            }
            else if (hasValue && Args.Is(arg, "MATCH"u8))
            {
                var match = request[i + 1];
                pattern = match is [(byte)'*'] ? null : match.ToArray();
            }
            else if (hasValue && Args.Is(arg, "TYPE"u8))
            {
                type = request[i + 1].ToArray();
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        var keys = client.Keys;
        var found = new List<byte[]>();
        ulong next = 0;

        // A cursor we never handed out past the end: the walk is over.
        if (cursor < (ulong)keys.EntryLimit)
        {
            var filter = Filter(pattern, type);
            next = (ulong)keys.Scan((long)cursor, (int)Math.Min(count, int.MaxValue), filter, found);
        }

        client.Reply.ArrayHeader(2);
        client.Reply.BulkInteger((long)next);
        WriteKeys(client, found);
    }

    private static Func<byte[], StoreEntry, bool> Filter(byte[]? pattern, byte[]? type) => (key, entry) =>
        (pattern is null || Glob.IsMatch(pattern, key)) && (type is null || IsType(type, entry.Kind));

    /// <summary>Redis compares the TYPE argument case-insensitively; unknown type names match nothing.</summary>
    private static bool IsType(byte[] type, ValueKind kind)
    {
        var name = TypeName(kind);
        if (name.Length != type.Length)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var b = type[i];
            if ((b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b) != name[i])
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteKeys(ClientSession client, List<byte[]> keys)
    {
        client.Reply.ArrayHeader(keys.Count);
        foreach (var key in keys)
        {
            client.Reply.Bulk(key);
        }
    }

}
