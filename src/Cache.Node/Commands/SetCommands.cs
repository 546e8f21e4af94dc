using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Set commands: SADD SREM and the rest of Redis' set family, over <see cref="SetStore"/>. A set
/// whose last member goes is deleted, so an empty set never exists.
/// </summary>
internal static partial class SetCommands
{
    internal const string Group = "set";
    internal const AclCategories Category = AclCategories.Set;

    public static void Register(CommandTable table)
    {
        const CommandFlags read = CommandFlags.ReadOnly | CommandFlags.Fast;
        table.Add(new("sadd", -3, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, SAdd, Group, "Adds one or more members to a set. Creates the key if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Insert),
            Acl = Category,
        });
        table.Add(new("srem", -3, CommandFlags.Write | CommandFlags.Fast, SRem, Group, "Removes one or more members from a set. Deletes the set if the last member was removed.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Delete),
            Acl = Category,
        });
        table.Add(new("scard", 2, read, SCard, Group, "Returns the number of members in a set.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        table.Add(new("sismember", 3, read, SIsMember, Group, "Determines whether a member belongs to a set.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        table.Add(new("smismember", -3, read, SMIsMember, Group, "Determines whether multiple members belong to a set.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("smembers", 2, CommandFlags.ReadOnly, SMembers, Group, "Returns all members of a set.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output_order"],
        });
        RegisterRandom(table);
        RegisterMoveAndScan(table);
        RegisterAlgebra(table);
    }

    /// <summary>
    /// Finds a set. Returns false after replying WRONGTYPE; otherwise the entry, or a null ref when
    /// the key does not exist. <paramref name="countHit"/>: a read (Redis' lookupKeyRead) counts a hit or miss.
    /// </summary>
    internal static ref StoreEntry Find(ClientSession client, ReadOnlySpan<byte> key, bool countHit, out bool wrongType)
    {
        ref var entry = ref countHit ? ref client.Keys.LookupRead(key) : ref client.Keys.Lookup(key);
        wrongType = !Unsafe.IsNullRef(ref entry) && entry.Kind != ValueKind.Set;
        if (wrongType)
        {
            client.Reply.Error(Errors.WrongType);
        }

        return ref entry;
    }

    private static void SAdd(ClientSession client, in RespRequest request)
    {
        var key = request[1];
        ref var entry = ref client.Keys.GetOrAdd(key, out var created);
        if (!created && entry.Kind != ValueKind.Set)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        var sets = client.Keys.Sets;
        var added = 0;
        for (var i = 2; i < request.Count; i++)
        {
            if (sets.Add(ref entry, request[i]))
            {
                added++;
            }
        }

        if (added > 0)
        {
            client.Keys.Touch(key);
            client.Notify(KeyspaceEvents.Set, "sadd"u8, key);
        }

        client.Reply.Integer(added);
    }

    private static void SRem(ClientSession client, in RespRequest request)
    {
        var key = request[1];
        ref var entry = ref Find(client, key, countHit: false, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Integer(0);
            return;
        }

        var sets = client.Keys.Sets;
        var removed = 0;
        for (var i = 2; i < request.Count; i++)
        {
            if (sets.Remove(ref entry, request[i]))
            {
                removed++;
                if (sets.Count(entry) == 0)
                {
                    break;
                }
            }
        }

        var emptied = removed > 0 && sets.Count(entry) == 0;
        if (emptied)
        {
            client.Keys.Delete(key);
        }
        else if (removed > 0)
        {
            client.Keys.Touch(key);
        }

        if (removed > 0)
        {
            client.Notify(KeyspaceEvents.Set, "srem"u8, key);
        }

        if (emptied)
        {
            client.Notify(KeyspaceEvents.Generic, "del"u8, key);
        }

        client.Reply.Integer(removed);
    }

    private static void SCard(ClientSession client, in RespRequest request)
    {
        ref var entry = ref Find(client, request[1], countHit: true, out var wrongType);
        if (!wrongType)
        {
            client.Reply.Integer(Unsafe.IsNullRef(ref entry) ? 0 : client.Keys.Sets.Count(entry));
        }
    }

    private static void SIsMember(ClientSession client, in RespRequest request)
    {
        ref var entry = ref Find(client, request[1], countHit: true, out var wrongType);
        if (!wrongType)
        {
            client.Reply.Integer(!Unsafe.IsNullRef(ref entry) && client.Keys.Sets.Contains(entry, request[2]) ? 1 : 0);
        }
    }

    private static void SMIsMember(ClientSession client, in RespRequest request)
    {
        ref var entry = ref Find(client, request[1], countHit: true, out var wrongType);
        if (wrongType)
        {
            return;
        }

        var missing = Unsafe.IsNullRef(ref entry);
        client.Reply.ArrayHeader(request.Count - 2);
        for (var i = 2; i < request.Count; i++)
        {
            client.Reply.Integer(!missing && client.Keys.Sets.Contains(entry, request[i]) ? 1 : 0);
        }
    }

    private static void SMembers(ClientSession client, in RespRequest request)
    {
        ref var entry = ref Find(client, request[1], countHit: true, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.SetHeader(0);
            return;
        }

        WriteWholeSet(client, entry);
    }

    /// <summary>Replies every member of a set as a set (RESP3 <c>~</c>).</summary>
    internal static void WriteWholeSet(ClientSession client, in StoreEntry entry)
    {
        var sets = client.Keys.Sets;
        client.Reply.SetHeader(sets.Count(entry));
        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        var members = sets.Members(entry, scratch);
        while (members.MoveNext())
        {
            client.Reply.Bulk(members.Current);
        }
    }
}
