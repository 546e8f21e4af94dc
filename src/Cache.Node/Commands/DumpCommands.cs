using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>DUMP and RESTORE, over <see cref="DumpPayload"/> (Redis' serialized-value format).</summary>
internal static class DumpCommands
{
    private const string Group = "generic";

    public static void Register(CommandTable table)
    {
        table.Add(new("dump", 2, CommandFlags.ReadOnly, Dump, Group, "Returns a serialized representation of the value stored at a key.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = AclCategories.Keyspace,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("restore", -4, CommandFlags.Write | CommandFlags.DenyOom, Restore, Group, "Creates a key from the serialized representation of a value.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.OW | KeySpecFlags.Update),
            Acl = AclCategories.Keyspace | AclCategories.Dangerous,
        });
        // What MIGRATE sends a cluster target (Redis Cluster's form, for a slot being imported); the same RESTORE here.
        table.Add(new("restore-asking", -4, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Asking, Restore, Group,
            "An internal command for migrating keys in a cluster.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.OW | KeySpecFlags.Update),
            Acl = AclCategories.Keyspace | AclCategories.Dangerous,
        });
    }

    private static void Dump(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        ref var entry = ref keys.LookupRead(request[1]);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Null();
            return;
        }

        if (DumpPayload.Serialize(keys, entry) is not { } payload)
        {
            client.Reply.Error("ERR DUMP does not support this value type yet"u8);
            return;
        }

        client.Reply.Bulk(payload);
    }

    /// <summary>RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency].</summary>
    private static void Restore(ClientSession client, in RespRequest request)
    {
        var replace = false;
        var absolute = false;
        var idle = -1L;
        var frequency = -1L;
        for (var i = 4; i < request.Count; i++)
        {
            var more = i + 1 < request.Count;
            if (Args.Is(request[i], "REPLACE"u8))
            {
                replace = true;
            }
            else if (Args.Is(request[i], "ABSTTL"u8))
            {
                absolute = true;
            }
            else if (Args.Is(request[i], "IDLETIME"u8) && more && frequency == -1)
            {
                if (!RespNumbers.TryParseInt64(request[++i], out idle))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return;
                }

                if (idle < 0)
                {
                    client.Reply.Error("ERR Invalid IDLETIME value, must be >= 0"u8);
                    return;
                }
            }
            else if (Args.Is(request[i], "FREQ"u8) && more && idle == -1)
            {
                if (!RespNumbers.TryParseInt64(request[++i], out frequency))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return;
                }

                if (frequency is < 0 or > 255)
                {
                    client.Reply.Error("ERR Invalid FREQ value, must be >= 0 and <= 255"u8);
                    return;
                }
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        // Redis' order of checks: the target, then the TTL, then the payload.
        var keys = client.Keys;
        var key = request[1];
        if (!replace && !Unsafe.IsNullRef(ref keys.Lookup(key)))
        {
            client.Reply.Error("BUSYKEY Target key name already exists."u8);
            return;
        }

        if (!RespNumbers.TryParseInt64(request[2], out var ttl))
        {
            client.Reply.Error(Errors.NotInteger);
            return;
        }

        if (ttl < 0)
        {
            client.Reply.Error("ERR Invalid TTL value, must be >= 0"u8);
            return;
        }

        var payload = request[3];
        if (!DumpPayload.IsIntact(payload))
        {
            client.Reply.Error("ERR DUMP payload version or checksum are wrong"u8);
            return;
        }

        if (!DumpPayload.TryDeserialize(payload, out var kind, out var wire))
        {
            client.Reply.Error("ERR Bad data format"u8);
            return;
        }

        var expiresAt = ttl == 0 ? 0 : absolute ? ttl : keys.NowMs + ttl;
        if (expiresAt != 0 && expiresAt <= keys.NowMs)
        {
            // Already expired: Redis replaces nothing but deletes what REPLACE would have replaced.
            if (replace && keys.Delete(key))
            {
                client.Feed.Rewrite(2).Arg("DEL"u8).Arg(key);
                client.Notify(KeyspaceEvents.Generic, "del"u8, key);
            }

            client.Reply.Ok();
            return;
        }

        ref var entry = ref keys.GetOrAdd(key, out _);
        if (keys.CodecFor(kind) is { } codec)
        {
            codec.Import(ref entry, wire);
        }
        else
        {
            keys.SetValue(ref entry, wire, kind);
        }

        keys.SetExpiry(ref entry, expiresAt);
        keys.Touch(key);
        if (expiresAt != 0 && !absolute)
        {
            // A relative TTL replicates as the absolute time it gave, with ABSTTL added (Redis' restoreCommand).
            var propagated = client.Feed.Rewrite(request.Count + 1);
            for (var i = 0; i < request.Count; i++)
            {
                if (i == 2)
                {
                    propagated.Arg(expiresAt);
                }
                else
                {
                    propagated.Arg(request[i]);
                }
            }

            propagated.Arg("ABSTTL"u8);
        }

        client.Notify(KeyspaceEvents.Generic, "restore"u8, key);
        client.Reply.Ok();
    }
}
