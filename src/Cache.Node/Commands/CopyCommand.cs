using System.Runtime.CompilerServices;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>COPY source destination [DB destination-db] [REPLACE], in the one database a node has.</summary>
internal static class CopyCommand
{
    public static void Register(CommandTable table) =>
        table.Add(new("copy", -3, CommandFlags.Write | CommandFlags.DenyOom, Copy, "generic", "Copies the value of a key to a new key.")
        {
            Keys = new([KeySpec.At(1, KeySpecFlags.RO | KeySpecFlags.Access), KeySpec.At(2, KeySpecFlags.OW | KeySpecFlags.Update)]),
            Acl = AclCategories.Keyspace,
        });

    private static void Copy(ClientSession client, in RespRequest request)
    {
        var replace = false;
        for (var i = 3; i < request.Count; i++)
        {
            if (Args.Is(request[i], "REPLACE"u8))
            {
                replace = true;
            }
            else if (Args.Is(request[i], "DB"u8) && i + 1 < request.Count)
            {
                if (!RespNumbers.TryParseInt64(request[i + 1], out var db) || db is < int.MinValue or > int.MaxValue)
                {
                    client.Reply.Error(Errors.NotInteger);
                    return;
                }

                // One database, as a Redis started with "databases 1" (and Redis Cluster) has.
                if (db != 0)
                {
                    client.Reply.Error("ERR DB index is out of range"u8);
                    return;
                }

                i++;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        var source = request[1];
        var target = request[2];
        if (source.SequenceEqual(target))
        {
            client.Reply.Error("ERR source and destination objects are the same"u8);
            return;
        }

        var keys = client.Keys;
        if (Unsafe.IsNullRef(ref keys.LookupRead(source)) || (!replace && !Unsafe.IsNullRef(ref keys.Lookup(target))))
        {
            client.Reply.Integer(0);
            return;
        }

        if (replace && keys.Exists(target))
        {
            // As RENAME: Redis replaces by deleting and adding, so the target is a new key.
            client.Notify(KeyspaceEvents.New, "new"u8, target);
        }

        keys.Copy(source, target);
        client.Notify(KeyspaceEvents.Generic, "copy_to"u8, target);
        client.Reply.Integer(1);
    }
}
