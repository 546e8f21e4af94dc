using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>The SET variants and GETs that also write: SETNX SETEX PSETEX GETEX GETDEL GETSET.</summary>
internal static partial class StringCommands
{
    static partial void RegisterMore(CommandTable table)
    {
        const CommandFlags WriteOom = CommandFlags.Write | CommandFlags.DenyOom;
        const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
        table.Add(new("setnx", 3, WriteOom | CommandFlags.Fast, SetNx, Group, "Set the string value of a key only when the key doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.OW | KeySpecFlags.Insert),
            Acl = Category,
        });
        table.Add(new("setex", 4, WriteOom, SetEx, Group, "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.OW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("psetex", 4, WriteOom, PSetEx, Group, "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.OW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("getex", -2, CommandFlags.Write | CommandFlags.Fast, GetEx, Group, "Returns the string value of a key after setting its expiration time.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("getdel", 2, CommandFlags.Write | CommandFlags.Fast, GetDel, Group, "Returns the string value of a key after deleting the key.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete),
            Acl = Category,
        });
        table.Add(new("getset", 3, WriteOom | CommandFlags.Fast, GetSet, Group, "Returns the previous string value of a key after setting it to a new value.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("mget", -2, ReadFast, MGet, Group, "Atomically returns the string values of one or more keys.")
        {
            Keys = new([KeySpec.ToEnd(1, KeySpecFlags.RO | KeySpecFlags.Access)]),
            Acl = Category,
            Tips = ["request_policy:multi_shard"],
        });
        table.Add(new("mset", -3, WriteOom, MSet, Group, "Atomically creates or modifies the string values of one or more keys.")
        {
            Keys = new([KeySpec.ToEnd(1, KeySpecFlags.OW | KeySpecFlags.Update, step: 2)]),
            Acl = Category,
            Tips = ["request_policy:multi_shard", "response_policy:all_succeeded"],
        });
        table.Add(new("msetnx", -3, WriteOom, MSetNx, Group, "Atomically modifies the string values of one or more keys only when all keys don't exist.")
        {
            Keys = new([KeySpec.ToEnd(1, KeySpecFlags.OW | KeySpecFlags.Insert, step: 2)]),
            Acl = Category,
            Tips = ["request_policy:multi_shard", "response_policy:agg_min"],
        });
        table.Add(new("append", 3, WriteOom | CommandFlags.Fast, Append, Group, "Appends a string to the value of a key. Creates the key if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Insert),
            Acl = Category,
        });
        table.Add(new("strlen", 2, ReadFast, StrLen, Group, "Returns the length of a string value.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        table.Add(new("getrange", 4, CommandFlags.ReadOnly, GetRange, Group, "Returns a substring of the string stored at a key.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("substr", 4, CommandFlags.ReadOnly, GetRange, Group, "Returns a substring from a string value.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("setrange", 4, WriteOom, SetRange, Group, "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("incr", 2, WriteOom | CommandFlags.Fast, Incr, Group, "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("decr", 2, WriteOom | CommandFlags.Fast, Decr, Group, "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("incrby", 3, WriteOom | CommandFlags.Fast, IncrBy, Group, "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("decrby", 3, WriteOom | CommandFlags.Fast, DecrBy, Group, "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("incrbyfloat", 3, WriteOom | CommandFlags.Fast, IncrByFloat, Group, "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        LcsCommand.Register(table);
    }

    private static void SetNx(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        if (keys.Exists(request[1]))
        {
            client.Reply.Integer(0);
            return;
        }

        keys.SetString(request[1], request[2]);
        client.Notify(KeyspaceEvents.String, "set"u8, request[1]);
        client.Reply.Integer(1);
    }

    private static void SetEx(ClientSession client, in RespRequest request) => SetWithExpiry(client, request, seconds: true, "setex");

    private static void PSetEx(ClientSession client, in RespRequest request) => SetWithExpiry(client, request, seconds: false, "psetex");

    private static void SetWithExpiry(ClientSession client, in RespRequest request, bool seconds, string command)
    {
        if (!Args.TryInteger(client, request[2], out var amount))
        {
            return;
        }

        if (!SetOptions.TryRelativeToAbsolute(amount, seconds, client.Keys.NowMs, out var expiresAt))
        {
            client.Reply.Error(Errors.InvalidExpireTime(command));
            return;
        }

        client.Keys.SetString(request[1], request[3], expiresAt);
        client.Feed.Rewrite(5).Arg("SET"u8).Arg(request[1]).Arg(request[3]).Arg("PXAT"u8).Arg(expiresAt);
        client.Notify(KeyspaceEvents.String, "set"u8, request[1]);
        client.Notify(KeyspaceEvents.Generic, "expire"u8, request[1]);
        client.Reply.Ok();
    }

    private static void GetEx(ClientSession client, in RespRequest request)
    {
        if (!SetOptions.TryParse(client, request, 2, "getex", allowGet: false, out var options, getEx: true))
        {
            return;
        }

        var keys = client.Keys;
        var key = request[1];
        ref var entry = ref keys.LookupRead(key);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Null();
            return;
        }

        if (entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        // Redis checks the amount only once the key is known to hold a string.
        if (!options.TryResolveExpiry(client, request, "getex", out var expiresAt))
        {
            return;
        }

        client.Reply.Bulk(client.Keys.ValueOf(entry));
        // Never replicated as sent: as DEL, PEXPIREAT key <absolute ms> or PERSIST (Redis' getexCommand).
        if (options.AbsoluteExpiry && expiresAt <= keys.NowMs)
        {
            keys.Delete(key);
            client.Feed.Rewrite(2).Arg("DEL"u8).Arg(key);
            client.Notify(KeyspaceEvents.Generic, "del"u8, key);
        }
        else if (expiresAt != 0)
        {
            keys.SetExpiry(ref entry, expiresAt);
            keys.Touch(key);
            client.Feed.Rewrite(3).Arg("PEXPIREAT"u8).Arg(key).Arg(expiresAt);
            client.Notify(KeyspaceEvents.Generic, "expire"u8, key);
        }
        else if (options.Persist && entry.ExpiresAt != 0)
        {
            keys.SetExpiry(ref entry, 0);
            keys.Touch(key);
            client.Feed.Rewrite(2).Arg("PERSIST"u8).Arg(key);
            client.Notify(KeyspaceEvents.Generic, "persist"u8, key);
        }
    }

    private static void GetDel(ClientSession client, in RespRequest request)
    {
        ref var entry = ref client.Keys.LookupRead(request[1]);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Null();
            return;
        }

        if (entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        client.Reply.Bulk(client.Keys.ValueOf(entry));
        client.Keys.Delete(request[1]);
        client.Feed.Rewrite(2).Arg("DEL"u8).Arg(request[1]);
        client.Notify(KeyspaceEvents.Generic, "del"u8, request[1]);
    }

    private static void GetSet(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        ref var entry = ref keys.LookupRead(request[1]);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Null();
        }
        else if (entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }
        else
        {
            client.Reply.Bulk(client.Keys.ValueOf(entry));
        }

        // Like SET without KEEPTTL: the old time to live is dropped.
        keys.SetString(request[1], request[2]);
        client.Feed.Rewrite(3).Arg("SET"u8).Arg(request[1]).Arg(request[2]);
        client.Notify(KeyspaceEvents.String, "set"u8, request[1]);
    }
}
