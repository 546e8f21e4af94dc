using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>Hash commands that walk fields: HGETALL HKEYS HVALS HSCAN.</summary>
internal static partial class HashCommands
{

    private static void RegisterIteration(CommandTable table)
    {
        table.Add(new("hgetall", 2, CommandFlags.ReadOnly, HGetAll, Group, "Returns all fields and values in a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output_order"],
        });
        table.Add(new("hkeys", 2, CommandFlags.ReadOnly, HKeys, Group, "Returns all fields in a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output_order"],
        });
        table.Add(new("hvals", 2, CommandFlags.ReadOnly, HVals, Group, "Returns all values in a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output_order"],
        });
        table.Add(new("hscan", -3, CommandFlags.ReadOnly, HScan, Group, "Iterates over fields and values of a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
    }

    private static void HGetAll(ClientSession client, in RespRequest request)
    {
        if (!TryRead(client, request[1], out var hash))
        {
            return;
        }

        client.Reply.MapHeader(hash.Count);
        WriteFields(client, hash, keys: true, values: true);
    }

    private static void HKeys(ClientSession client, in RespRequest request)
    {
        if (TryRead(client, request[1], out var hash))
        {
            client.Reply.ArrayHeader(hash.Count);
            WriteFields(client, hash, keys: true, values: false);
        }
    }

    private static void HVals(ClientSession client, in RespRequest request)
    {
        if (TryRead(client, request[1], out var hash))
        {
            client.Reply.ArrayHeader(hash.Count);
            WriteFields(client, hash, keys: false, values: true);
        }
    }

    /// <summary>Writes every field and/or value in storage order (the header is the caller's).</summary>
    private static void WriteFields(ClientSession client, HashHandle hash, bool keys, bool values)
    {
        if (hash.IsMissing)
        {
            return;
        }

        var reply = client.Reply;
        var fields = hash.Fields();
        while (fields.MoveNext())
        {
            if (keys)
            {
                reply.Bulk(fields.Field);
            }

            if (values)
            {
                reply.Bulk(fields.Value);
            }
        }
    }

    /// <summary>
    /// HSCAN key cursor [MATCH pattern] [COUNT count]. The cursor is a slot index: slots never
    /// move, so a field present for the whole scan is returned exactly once. Like Redis, the key
    /// is looked up before the options are parsed (a missing key answers an empty scan).
    /// </summary>
    private static void HScan(ClientSession client, in RespRequest request)
    {
        if (!ScanArguments.TryParseCursor(request[2], out var cursor))
        {
            client.Reply.Error(HashErrors.InvalidCursor);
            return;
        }

        if (!TryRead(client, request[1], out var hash))
        {
            return;
        }

        if (hash.IsMissing)
        {
            client.Reply.WriteRaw("*2\r\n$1\r\n0\r\n*0\r\n"u8);
            return;
        }

        if (!ScanArguments.TryParseOptions(client, request, out var count, out var patternAt))
        {
            return;
        }

        var pattern = patternAt > 0 ? request[patternAt] : ReadOnlySpan<byte>.Empty;
        var usePattern = patternAt > 0 && !(pattern.Length == 1 && pattern[0] == (byte)'*');

        // A packed hash answers whole, cursor 0, as Redis does for a listpack.
        var packed = hash.IsPacked;
        var found = new List<int>();
        var limit = packed ? int.MaxValue : hash.EntryLimit;
        var slot = packed ? 0 : cursor < (ulong)limit ? (int)cursor : limit;
        var fields = hash.Fields(slot);
        var next = 0;
        for (var seen = 0L; (packed || seen < count) && fields.MoveNext(); seen++)
        {
            if (!usePattern || Glob.IsMatch(pattern, fields.Field))
            {
                found.Add(fields.Position);
            }

            next = fields.NextPosition;
        }

        var more = !packed && fields.MoveNext();
        var reply = client.Reply;
        reply.ArrayHeader(2);
        reply.BulkInteger(more ? next : 0);
        reply.ArrayHeader(found.Count * 2);
        foreach (var position in found)
        {
            hash.ReadAt(position, out var field, out var value);
            reply.Bulk(field);
            reply.Bulk(value);
        }
    }
}
