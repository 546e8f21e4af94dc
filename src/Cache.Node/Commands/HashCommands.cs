using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Hash commands: HSET HGET and the rest of Redis' hash family. A hash is a
/// <see cref="ByteKeyTable{TValue}"/> of field to value stored under <see cref="ValueKind.Hash"/>;
/// a hash whose last field goes is deleted, so an empty hash never exists.
/// </summary>
internal static partial class HashCommands
{
    internal const string Group = "hash";
    internal const AclCategories Category = AclCategories.Hash;

    public static void Register(CommandTable table)
    {
        const CommandFlags write = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags read = CommandFlags.ReadOnly | CommandFlags.Fast;
        table.Add(new("hset", -4, write, HSet, Group, "Creates or modifies the value of a field in a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("hmset", -4, write, HMSet, Group, "Sets the values of multiple fields.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("hsetnx", 4, write, HSetNx, Group, "Sets the value of a field in a hash only when the field doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Insert),
            Acl = Category,
        });
        table.Add(new("hget", 3, read, HGet, Group, "Returns the value of a field in a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("hmget", -3, read, HMGet, Group, "Returns the values of all fields in a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("hdel", -3, CommandFlags.Write | CommandFlags.Fast, HDel, Group, "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Delete),
            Acl = Category,
        });
        table.Add(new("hexists", 3, read, HExists, Group, "Determines whether a field exists in a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        table.Add(new("hlen", 2, read, HLen, Group, "Returns the number of fields in a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        table.Add(new("hstrlen", 3, read, HStrLen, Group, "Returns the length of the value of a field.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        RegisterIteration(table);
        RegisterNumbers(table);
        HashRandomFieldCommand.Register(table);
    }

    /// <summary>
    /// Looks a hash up for reading. Returns false after replying WRONGTYPE; otherwise
    /// <paramref name="hash"/> is the hash or a missing handle when the key does not exist.
    /// </summary>
    internal static bool TryRead(ClientSession client, ReadOnlySpan<byte> key, out HashHandle hash) =>
        TryFind(client, key, countHit: true, out hash);

    /// <summary>Like <see cref="TryRead"/> but without counting a hit or miss (Redis' lookupKeyWrite).</summary>
    private static bool TryFindForWrite(ClientSession client, ReadOnlySpan<byte> key, out HashHandle hash) =>
        TryFind(client, key, countHit: false, out hash);

    private static bool TryFind(ClientSession client, ReadOnlySpan<byte> key, bool countHit, out HashHandle hash)
    {
        ref var entry = ref countHit ? ref client.Keys.LookupRead(key) : ref client.Keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry))
        {
            hash = default;
            return true;
        }

        if (entry.Kind != ValueKind.Hash)
        {
            client.Reply.Error(Errors.WrongType);
            hash = default;
            return false;
        }

        hash = new HashHandle(client.Keys, ref entry);
        return true;
    }

    /// <summary>
    /// The hash at <paramref name="key"/>, created when missing (it becomes a hash on its first
    /// field); false after replying WRONGTYPE.
    /// </summary>
    private static bool GetOrCreate(ClientSession client, ReadOnlySpan<byte> key, out HashHandle hash)
    {
        ref var entry = ref client.Keys.GetOrAdd(key, out var added);
        if (!added && entry.Kind != ValueKind.Hash)
        {
            client.Reply.Error(Errors.WrongType);
            hash = default;
            return false;
        }

        hash = new HashHandle(client.Keys, ref entry);
        return true;
    }

    private static void HSet(ClientSession client, in RespRequest request)
    {
        if (SetFields(client, request, "hset") is var added and >= 0)
        {
            client.Reply.Integer(added);
        }
    }

    private static void HMSet(ClientSession client, in RespRequest request)
    {
        if (SetFields(client, request, "hmset") >= 0)
        {
            client.Reply.Ok();
        }
    }

    /// <summary>Stores the field/value pairs from argument 2 on; returns how many fields are new, or -1 after an error reply.</summary>
    private static int SetFields(ClientSession client, in RespRequest request, string command)
    {
        if (request.Count % 2 == 1)
        {
            client.Reply.Error($"ERR wrong number of arguments for '{command}' command");
            return -1;
        }

        var key = request[1];
        if (!GetOrCreate(client, key, out var hash))
        {
            return -1;
        }

        var added = 0;
        for (var i = 2; i < request.Count; i += 2)
        {
            if (hash.Set(request[i], request[i + 1]))
            {
                added++;
            }
        }

        client.Keys.Touch(key);
        client.Notify(KeyspaceEvents.Hash, "hset"u8, key);
        return added;
    }

    private static void HSetNx(ClientSession client, in RespRequest request)
    {
        var key = request[1];
        if (!GetOrCreate(client, key, out var hash))
        {
            return;
        }

        if (hash.TryGet(request[2], out _))
        {
            client.Reply.Integer(0);
            return;
        }

        hash.Set(request[2], request[3]);
        client.Keys.Touch(key);
        client.Notify(KeyspaceEvents.Hash, "hset"u8, key);
        client.Reply.Integer(1);
    }

    private static void HGet(ClientSession client, in RespRequest request)
    {
        if (!TryRead(client, request[1], out var hash))
        {
            return;
        }

        ReplyField(client, hash, request[2]);
    }

    private static void HMGet(ClientSession client, in RespRequest request)
    {
        if (!TryRead(client, request[1], out var hash))
        {
            return;
        }

        client.Reply.ArrayHeader(request.Count - 2);
        for (var i = 2; i < request.Count; i++)
        {
            ReplyField(client, hash, request[i]);
        }
    }

    private static void ReplyField(ClientSession client, HashHandle hash, ReadOnlySpan<byte> field)
    {
        if (hash.TryGet(field, out var value))
        {
            client.Reply.Bulk(value);
        }
        else
        {
            client.Reply.Null();
        }
    }

    private static void HDel(ClientSession client, in RespRequest request)
    {
        var key = request[1];
        if (!TryFindForWrite(client, key, out var hash))
        {
            return;
        }

        if (hash.IsMissing)
        {
            client.Reply.Integer(0);
            return;
        }

        var deleted = 0;
        for (var i = 2; i < request.Count; i++)
        {
            if (hash.Remove(request[i]))
            {
                deleted++;
            }
        }

        var removed = hash.Count == 0;
        if (removed)
        {
            client.Keys.Delete(key);
        }
        else if (deleted > 0)
        {
            client.Keys.Touch(key);
        }

        if (deleted > 0)
        {
            client.Notify(KeyspaceEvents.Hash, "hdel"u8, key);
        }

        if (removed)
        {
            client.Notify(KeyspaceEvents.Generic, "del"u8, key);
        }

        client.Reply.Integer(deleted);
    }

    private static void HExists(ClientSession client, in RespRequest request)
    {
        if (TryRead(client, request[1], out var hash))
        {
            client.Reply.Integer(hash.TryGet(request[2], out _) ? 1 : 0);
        }
    }

    private static void HLen(ClientSession client, in RespRequest request)
    {
        if (TryRead(client, request[1], out var hash))
        {
            client.Reply.Integer(hash.Count);
        }
    }

    private static void HStrLen(ClientSession client, in RespRequest request)
    {
        if (!TryRead(client, request[1], out var hash))
        {
            return;
        }

        client.Reply.Integer(hash.TryGet(request[2], out var value) ? value.Length : 0);
    }
}
