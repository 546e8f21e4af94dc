using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>String commands: GET SET and the rest of Redis' string family.</summary>
internal static partial class StringCommands
{
    internal const string Group = "string";
    internal const AclCategories Category = AclCategories.String;

    public static void Register(CommandTable table)
    {
        table.Add(new("get", 2, CommandFlags.ReadOnly | CommandFlags.Fast, Get, Group, "Returns the string value of a key.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("set", -3, CommandFlags.Write | CommandFlags.DenyOom, Set, Group, "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.")
        {
            Keys = new([KeySpec.At(1, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update | KeySpecFlags.VariableFlags)], SetKeys),
            Acl = Category,
        });
        RegisterMore(table);
    }

    static partial void RegisterMore(CommandTable table);

    private static void Get(ClientSession client, in RespRequest request)
    {
        ref var entry = ref client.Keys.LookupRead(request[1]);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Null();
        }
        else if (entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
        }
        else
        {
            client.Reply.Bulk(client.Keys.ValueOf(entry));
        }
    }

    private static void Set(ClientSession client, in RespRequest request)
    {
        if (!SetOptions.TryParse(client, request, 3, "set", allowGet: true, out var options))
        {
            return;
        }

        var keys = client.Keys;
        var key = request[1];
        ref var entry = ref keys.Lookup(key);
        var exists = !Unsafe.IsNullRef(ref entry);
        if (options.Get && exists && entry.Kind != ValueKind.String)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        var old = options.Get && exists ? client.Keys.ValueOf(entry).ToArray() : null;
        if ((options.Nx && exists) || (options.Xx && !exists))
        {
            ReplyOldOrNull(client, options.Get, old);
            return;
        }

        if (options.ExpiresAt != 0 && options.ExpiresAt <= keys.NowMs)
        {
            // An absolute expiry in the past: the write happens and the key is gone at once.
            keys.Delete(key);
        }
        else
        {
            keys.SetString(key, request[2], options.ExpiresAt, options.KeepTtl);
        }

        PropagateSet(client, request, options);
        client.Notify(KeyspaceEvents.String, "set"u8, key);
        if (options.ExpiresAt != 0)
        {
            client.Notify(KeyspaceEvents.Generic, "expire"u8, key);
        }

        if (options.Get)
        {
            ReplyOldOrNull(client, true, old);
        }
        else
        {
            client.Reply.Ok();
        }
    }

    /// <summary>
    /// Redis' setGenericCommand: with an expiry, SET key value PXAT &lt;absolute ms&gt; (the other
    /// options dropped); with GET and no expiry, the command without its GET.
    /// </summary>
    private static void PropagateSet(ClientSession client, in RespRequest request, in SetOptions options)
    {
        if (options.ExpiresAt != 0)
        {
            client.Feed.Rewrite(5).Arg("SET"u8).Arg(request[1]).Arg(request[2]).Arg("PXAT"u8).Arg(options.ExpiresAt);
            return;
        }

        if (!options.Get)
        {
            return;
        }

        var count = 0;
        for (var i = 0; i < request.Count; i++)
        {
            count += i >= 3 && Args.Is(request[i], "GET"u8) ? 0 : 1;
        }

        var propagated = client.Feed.Rewrite(count);
        for (var i = 0; i < request.Count; i++)
        {
            if (i < 3 || !Args.Is(request[i], "GET"u8))
            {
                propagated.Arg(request[i]);
            }
        }
    }

    private static void ReplyOldOrNull(ClientSession client, bool get, byte[]? old)
    {
        if (get && old is not null)
        {
            client.Reply.Bulk(old);
        }
        else
        {
            client.Reply.Null();
        }
    }
}
