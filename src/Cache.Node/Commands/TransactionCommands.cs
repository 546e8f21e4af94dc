using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Transactions: MULTI EXEC DISCARD WATCH UNWATCH. The dispatcher queues commands while a
/// MULTI is open; EXEC replays them under the key-space lock it already holds, so nothing
/// runs in between. UNWATCH is queued inside MULTI, as in Redis (it is not a transaction command there).
/// </summary>
internal static class TransactionCommands
{
    private const string Group = "transactions";
    private const AclCategories Category = AclCategories.Transaction;

    public static void Register(CommandTable table)
    {
        const CommandFlags shared = CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;
        const CommandFlags flags = CommandFlags.Transaction | CommandFlags.Fast | CommandFlags.AllowBusy | shared;
        table.Add(new("multi", 1, flags, Multi, Group, "Starts a transaction.") { Acl = Category });
        table.Add(new("exec", 1, CommandFlags.Transaction | CommandFlags.SkipSlowlog | shared, Exec, Group, "Executes all commands in a transaction.") { Acl = Category });
        table.Add(new("discard", 1, flags, Discard, Group, "Discards a transaction.") { Acl = Category });
        table.Add(new("watch", -2, flags, Watch, Group, "Monitors changes to keys to determine the execution of a transaction.")
        {
            Keys = new([KeySpec.ToEnd(1, KeySpecFlags.RO)]),
            Acl = Category,
        });
        table.Add(new("unwatch", 1, CommandFlags.Fast | CommandFlags.AllowBusy | shared, Unwatch, Group, "Forgets about watched keys of a transaction.") { Acl = Category });
    }

    private static void Multi(ClientSession client, in RespRequest request)
    {
        if (client.Transaction.InMulti)
        {
            client.Reply.Error("ERR MULTI calls can not be nested"u8);
            return;
        }

        client.Transaction.Begin();
        client.Reply.Ok();
    }

    private static void Exec(ClientSession client, in RespRequest request)
    {
        var transaction = client.Transaction;
        if (!transaction.InMulti)
        {
            client.Reply.Error("ERR EXEC without MULTI"u8);
            return;
        }

        if (transaction.Failed)
        {
            transaction.End(client.Keys);
            client.Reply.Error("EXECABORT Transaction discarded because of previous errors."u8);
            return;
        }

        // A watched key that expired since WATCH counts as modified: looking it up expires it,
        // which touches it and so marks this client dirty.
        foreach (var key in transaction.Watch.Keys)
        {
            client.Keys.Exists(key);
        }

        if (transaction.Watch.Dirty)
        {
            transaction.End(client.Keys);
            client.Reply.NullArray();
            return;
        }

        var queue = transaction.Queue!;
        transaction.End(client.Keys);
        client.Reply.ArrayHeader(queue.Count);
        transaction.ExecutingCount = queue.Count;
        try
        {
            for (var i = 0; i < queue.Count; i++)
            {
                var (command, queued) = queue[i];
                var queuedRequest = queued.AsRequest();
                if (client.CheckPermissionInExec(command, queuedRequest))
                {
                    client.Run(command, queuedRequest);
                }
            }
        }
        finally
        {
            transaction.ExecutingCount = -1;
        }
    }

    private static void Discard(ClientSession client, in RespRequest request)
    {
        if (!client.Transaction.InMulti)
        {
            client.Reply.Error("ERR DISCARD without MULTI"u8);
            return;
        }

        client.Transaction.End(client.Keys);
        client.Reply.Ok();
    }

    private static void Watch(ClientSession client, in RespRequest request)
    {
        if (client.Transaction.InMulti)
        {
            client.Reply.Error("ERR WATCH inside MULTI is not allowed"u8);
            return;
        }

        var keys = client.Keys;
        for (var i = 1; i < request.Count; i++)
        {
            // Expire a stale key now: Redis ignores the later deletion of a key that was
            // already expired when watched, and deleting it first has the same effect.
            keys.Exists(request[i]);
            keys.Watch(request[i], client.Transaction.Watch);
        }

        client.Reply.Ok();
    }

    private static void Unwatch(ClientSession client, in RespRequest request)
    {
        client.Keys.Unwatch(client.Transaction.Watch);
        client.Reply.Ok();
    }
}
