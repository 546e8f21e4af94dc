using System.Runtime.CompilerServices;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT), TTL PTTL EXPIRETIME PEXPIRETIME and PERSIST.</summary>
internal static partial class KeyCommands
{
    [Flags]
    private enum ExpireCondition
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
    }

    private static void RegisterExpire(CommandTable table)
    {
        const CommandFlags writeFast = CommandFlags.Write | CommandFlags.Fast;
        const CommandFlags readFast = CommandFlags.ReadOnly | CommandFlags.Fast;
        table.Add(new("expire", -3, writeFast, Expire, Group, "Sets the expiration time of a key in seconds.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("pexpire", -3, writeFast, PExpire, Group, "Sets the expiration time of a key in milliseconds.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("expireat", -3, writeFast, ExpireAt, Group, "Sets the expiration time of a key to a Unix timestamp.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("pexpireat", -3, writeFast, PExpireAt, Group, "Sets the expiration time of a key to a Unix milliseconds timestamp.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("ttl", 2, readFast, Ttl, Group, "Returns the expiration time in seconds of a key.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("pttl", 2, readFast, PTtl, Group, "Returns the expiration time in milliseconds of a key.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("expiretime", 2, readFast, ExpireTime, Group, "Returns the expiration time of a key as a Unix timestamp.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("pexpiretime", 2, readFast, PExpireTime, Group, "Returns the expiration time of a key as a Unix milliseconds timestamp.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("persist", 2, writeFast, Persist, Group, "Removes the expiration time of a key.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
    }

    private static void Expire(ClientSession client, in RespRequest request) =>
        ExpireGeneric(client, request, client.Keys.NowMs, seconds: true, "expire");

    private static void PExpire(ClientSession client, in RespRequest request) =>
        ExpireGeneric(client, request, client.Keys.NowMs, seconds: false, "pexpire");

    private static void ExpireAt(ClientSession client, in RespRequest request) =>
        ExpireGeneric(client, request, 0, seconds: true, "expireat");

    private static void PExpireAt(ClientSession client, in RespRequest request) =>
        ExpireGeneric(client, request, 0, seconds: false, "pexpireat");

    /// <summary>
    /// Redis' expireGenericCommand: options first, then the number (negative allowed, only
    /// overflow is an error), then the key; a time not in the future deletes the key.
    /// </summary>
    private static void ExpireGeneric(ClientSession client, in RespRequest request, long baseTime, bool seconds, string command)
    {
        if (!TryParseExpireCondition(client, request, out var condition) || !Args.TryInteger(client, request[2], out var when))
        {
            return;
        }

        if (seconds)
        {
            if (when > long.MaxValue / 1000 || when < long.MinValue / 1000)
            {
                client.Reply.Error(Errors.InvalidExpireTime(command));
                return;
            }

            when *= 1000;
        }

        if (when > long.MaxValue - baseTime)
        {
            client.Reply.Error(Errors.InvalidExpireTime(command));
            return;
        }

        when += baseTime;
        var keys = client.Keys;
        var key = request[1];
        ref var entry = ref keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry) || !ConditionHolds(condition, entry.ExpiresAt, when))
        {
            client.Reply.Integer(0);
            return;
        }

        if (when <= keys.NowMs)
        {
            keys.Delete(key);
            client.Feed.Rewrite(2).Arg("DEL"u8).Arg(key);
            client.Notify(KeyspaceEvents.Generic, "del"u8, key);
        }
        else
        {
            keys.SetExpiry(ref entry, when);
            keys.Touch(key);
            // Replicated as PEXPIREAT key <absolute ms> with the same options (Redis' expireGenericCommand).
            var propagated = client.Feed.Rewrite(request.Count).Arg("PEXPIREAT"u8).Arg(key).Arg(when);
            for (var i = 3; i < request.Count; i++)
            {
                propagated.Arg(request[i]);
            }

            client.Notify(KeyspaceEvents.Generic, "expire"u8, key);
        }

        client.Reply.Integer(1);
    }

    /// <summary>NX XX GT LT against the current expiry (0 = none, which counts as an infinite TTL).</summary>
    private static bool ConditionHolds(ExpireCondition condition, long current, long when)
    {
        if ((condition & ExpireCondition.Nx) != 0 && current != 0)
        {
            return false;
        }

        if ((condition & ExpireCondition.Xx) != 0 && current == 0)
        {
            return false;
        }

        if ((condition & ExpireCondition.Gt) != 0 && (current == 0 || when <= current))
        {
            return false;
        }

        return (condition & ExpireCondition.Lt) == 0 || current == 0 || when < current;
    }

    private static bool TryParseExpireCondition(ClientSession client, in RespRequest request, out ExpireCondition condition)
    {
        condition = ExpireCondition.None;
        for (var i = 3; i < request.Count; i++)
        {
            var arg = request[i];
            if (Args.Is(arg, "NX"u8))
            {
                condition |= ExpireCondition.Nx;
            }
            else if (Args.Is(arg, "XX"u8))
            {
                condition |= ExpireCondition.Xx;
            }
            else if (Args.Is(arg, "GT"u8))
            {
                condition |= ExpireCondition.Gt;
            }
            else if (Args.Is(arg, "LT"u8))
            {
                condition |= ExpireCondition.Lt;
            }
            else
            {
                client.Reply.Error("ERR Unsupported option " + Args.Text(arg));
                return false;
            }
        }

        if ((condition & ExpireCondition.Nx) != 0 && condition != ExpireCondition.Nx)
        {
            client.Reply.Error("ERR NX and XX, GT or LT options at the same time are not compatible"u8);
            return false;
        }

        if ((condition & (ExpireCondition.Gt | ExpireCondition.Lt)) == (ExpireCondition.Gt | ExpireCondition.Lt))
        {
            client.Reply.Error("ERR GT and LT options at the same time are not compatible"u8);
            return false;
        }

        return true;
    }

    private static void Ttl(ClientSession client, in RespRequest request) => TtlGeneric(client, request, milliseconds: false, absolute: false);

    private static void PTtl(ClientSession client, in RespRequest request) => TtlGeneric(client, request, milliseconds: true, absolute: false);

    private static void ExpireTime(ClientSession client, in RespRequest request) => TtlGeneric(client, request, milliseconds: false, absolute: true);

    private static void PExpireTime(ClientSession client, in RespRequest request) => TtlGeneric(client, request, milliseconds: true, absolute: true);

    /// <summary>-2 for a missing key, -1 without expiry; seconds are rounded to the nearest, as Redis does.</summary>
    private static void TtlGeneric(ClientSession client, in RespRequest request, bool milliseconds, bool absolute)
    {
        var keys = client.Keys;
        ref var entry = ref keys.LookupRead(request[1], touch: false);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Integer(-2);
            return;
        }

        if (entry.ExpiresAt == 0)
        {
            client.Reply.Integer(-1);
            return;
        }

        var value = Math.Max(0, absolute ? entry.ExpiresAt : entry.ExpiresAt - keys.NowMs);
        // Unsigned, so a PEXPIREAT near long.MaxValue rounds up instead of wrapping, like Redis' build.
        client.Reply.Integer(milliseconds ? value : (long)(((ulong)value + 500) / 1000));
    }

    private static void Persist(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        var key = request[1];
        ref var entry = ref keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry) || entry.ExpiresAt == 0)
        {
            client.Reply.Integer(0);
            return;
        }

        keys.SetExpiry(ref entry, 0);
        keys.Touch(key);
        client.Notify(KeyspaceEvents.Generic, "persist"u8, key);
        client.Reply.Integer(1);
    }
}
