using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// The generic key commands: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX RANDOMKEY here,
/// KEYS and SCAN in <c>KeyCommands.Scan.cs</c>, the EXPIRE and TTL families in
/// <c>KeyCommands.Expire.cs</c>.
/// </summary>
internal static partial class KeyCommands
{
    private const string Group = "generic";
    private const AclCategories Category = AclCategories.Keyspace;

    public static void Register(CommandTable table)
    {
        const CommandFlags write = CommandFlags.Write;
        const CommandFlags writeFast = CommandFlags.Write | CommandFlags.Fast;
        const CommandFlags readFast = CommandFlags.ReadOnly | CommandFlags.Fast;
        table.Add(new("del", -2, write, Del, Group, "Deletes one or more keys.")
        {
            Keys = new([KeySpec.ToEnd(1, KeySpecFlags.RM | KeySpecFlags.Delete)]),
            Acl = Category,
            Tips = ["request_policy:multi_shard", "response_policy:agg_sum"],
        });
        table.Add(new("unlink", -2, writeFast, Del, Group, "Asynchronously deletes one or more keys.")
        {
            Keys = new([KeySpec.ToEnd(1, KeySpecFlags.RM | KeySpecFlags.Delete)]),
            Acl = Category,
            Tips = ["request_policy:multi_shard", "response_policy:agg_sum"],
        });
        table.Add(new("exists", -2, readFast, Exists, Group, "Determines whether one or more keys exist.")
        {
            Keys = new([KeySpec.ToEnd(1, KeySpecFlags.RO)]),
            Acl = Category,
            Tips = ["request_policy:multi_shard", "response_policy:agg_sum"],
        });
        table.Add(new("touch", -2, readFast, Touch, Group, "Returns the number of existing keys out of those specified after updating the time they were last accessed.")
        {
            Keys = new([KeySpec.ToEnd(1, KeySpecFlags.RO)]),
            Acl = Category,
            Tips = ["request_policy:multi_shard", "response_policy:agg_sum"],
        });
        table.Add(new("type", 2, readFast, Type, Group, "Determines the type of value stored at a key.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        table.Add(new("rename", 3, write, Rename, Group, "Renames a key and overwrites the destination.")
        {
            Keys = new([KeySpec.At(1, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete), KeySpec.At(2, KeySpecFlags.OW | KeySpecFlags.Update)]),
            Acl = Category,
        });
        table.Add(new("renamenx", 3, writeFast, RenameNx, Group, "Renames a key only when the target key name doesn't exist.")
        {
            Keys = new([KeySpec.At(1, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete), KeySpec.At(2, KeySpecFlags.OW | KeySpecFlags.Insert)]),
            Acl = Category,
        });
        table.Add(new("randomkey", 1, CommandFlags.ReadOnly, RandomKey, Group, "Returns a random key name from the database.")
        {
            Acl = Category,
            Tips = ["request_policy:all_shards", "nondeterministic_output"],
        });
        RegisterScan(table);
        RegisterExpire(table);
    }

    /// <summary>The name TYPE reports for a live entry.</summary>
    internal static ReadOnlySpan<byte> TypeName(ValueKind kind) => kind switch
    {
        ValueKind.String => "string"u8,
        ValueKind.Hash => "hash"u8,
        ValueKind.List => "list"u8,
        ValueKind.Set => "set"u8,
        ValueKind.SortedSet => "zset"u8,
        ValueKind.Stream => "stream"u8,
        _ => "none"u8,
    };

    /// <summary>DEL and UNLINK: a key named twice is deleted (and counted) once.</summary>
    private static void Del(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        var deleted = 0;
        for (var i = 1; i < request.Count; i++)
        {
            if (keys.Delete(request[i]))
            {
                deleted++;
                client.Notify(KeyspaceEvents.Generic, "del"u8, request[i]);
            }
        }

        client.Reply.Integer(deleted);
    }

    private static void Exists(ClientSession client, in RespRequest request) => Count(client, request, touch: false);

    private static void Touch(ClientSession client, in RespRequest request) => Count(client, request, touch: true);

    /// <summary>EXISTS and TOUCH: a key named twice is counted twice; only TOUCH changes the keys' access time.</summary>
    private static void Count(ClientSession client, in RespRequest request, bool touch)
    {
        var keys = client.Keys;
        var found = 0;
        for (var i = 1; i < request.Count; i++)
        {
            if (!Unsafe.IsNullRef(ref keys.LookupRead(request[i], touch)))
            {
                found++;
            }
        }

        client.Reply.Integer(found);
    }

    private static void Type(ClientSession client, in RespRequest request)
    {
        ref var entry = ref client.Keys.LookupRead(request[1], touch: false);
        client.Reply.SimpleString(Unsafe.IsNullRef(ref entry) ? "none"u8 : TypeName(entry.Kind));
    }

    private static void Rename(ClientSession client, in RespRequest request) => RenameGeneric(client, request, nx: false);

    private static void RenameNx(ClientSession client, in RespRequest request) => RenameGeneric(client, request, nx: true);

    private static void RenameGeneric(ClientSession client, in RespRequest request, bool nx)
    {
        var keys = client.Keys;
        var source = request[1];
        var target = request[2];
        ref var entry = ref keys.Lookup(source);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Error(Errors.NoSuchKey);
            return;
        }

        // Renaming a key to itself changes nothing and signals nothing; RENAMENX finds the target taken.
        var sameKey = source.SequenceEqual(target);
        if (sameKey && !nx)
        {
            client.Reply.Ok();
            return;
        }

        if (nx && (sameKey || keys.Exists(target)))
        {
            client.Reply.Integer(0);
            return;
        }

        if (keys.Exists(target))
        {
            // Redis deletes the target and adds it again: an overwritten target is a new key too.
            client.Notify(KeyspaceEvents.New, "new"u8, target);
        }

        keys.Rename(source, target);
        client.Notify(KeyspaceEvents.Generic, "rename_from"u8, source);
        client.Notify(KeyspaceEvents.Generic, "rename_to"u8, target);
        if (nx)
        {
            client.Reply.Integer(1);
        }
        else
        {
            client.Reply.Ok();
        }
    }

    private static void RandomKey(ClientSession client, in RespRequest request)
    {
        var key = client.Keys.RandomKey(client.Server.Random);
        if (key is null)
        {
            client.Reply.Null();
        }
        else
        {
            client.Reply.Bulk(key);
        }
    }
}
