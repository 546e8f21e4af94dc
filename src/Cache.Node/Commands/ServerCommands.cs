using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>Server commands: DBSIZE FLUSHDB FLUSHALL (more are added beside these).</summary>
internal static partial class ServerCommands
{
    private const string Group = "server";

    public static void Register(CommandTable table)
    {
        table.Add(new("dbsize", 1, CommandFlags.ReadOnly | CommandFlags.Fast, DbSize, Group, "Returns the number of keys in the database.")
        {
            Acl = AclCategories.Keyspace,
            Tips = ["request_policy:all_shards", "response_policy:agg_sum"],
        });
        table.Add(new("flushdb", -1, CommandFlags.Write, Flush, Group, "Remove all keys from the current database.")
        {
            Acl = AclCategories.Keyspace | AclCategories.Dangerous,
            Tips = ["request_policy:all_shards", "response_policy:all_succeeded"],
        });
        table.Add(new("flushall", -1, CommandFlags.Write, FlushAll, Group, "Removes all keys from all databases.")
        {
            Acl = AclCategories.Keyspace | AclCategories.Dangerous,
            Tips = ["request_policy:all_shards", "response_policy:all_succeeded"],
        });
        RegisterMore(table);
    }

    static partial void RegisterMore(CommandTable table);

    private static void DbSize(ClientSession client, in RespRequest request) => client.Reply.Integer(client.Keys.Count);

    private static void FlushAll(ClientSession client, in RespRequest request)
    {
        if (!Flushed(client, request))
        {
            return;
        }

        var persistence = client.Server.Persistence;
        if (client.Server.Settings.SavePoints.Count > 0 && !persistence.BackgroundSaveInProgress)
        {
            // As Redis' FLUSHALL with save points: the empty data set is saved at once, and nothing is dirty.
            persistence.Save();
        }

        client.Reply.Ok();
    }

    private static void Flush(ClientSession client, in RespRequest request)
    {
        if (Flushed(client, request))
        {
            client.Reply.Ok();
        }
    }

    private static bool Flushed(ClientSession client, in RespRequest request)
    {
        // ASYNC and SYNC are accepted; freeing is immediate either way.
        if (request.Count > 2 || (request.Count == 2 && !Args.Is(request[1], "ASYNC"u8) && !Args.Is(request[1], "SYNC"u8)))
        {
            client.Reply.Error(Errors.Syntax);
            return false;
        }

        client.Keys.Clear();
        // As Redis: a flush replicates even when there was nothing to flush.
        client.Feed.Force();
        return true;
    }
}
