using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>SAVE, BGSAVE [SCHEDULE] and LASTSAVE over <see cref="Persistence"/>.</summary>
internal static class PersistenceCommands
{
    private const string Group = "server";
    private const string InProgress = "ERR Background save already in progress";

    public static void Register(CommandTable table)
    {
        table.Add(new("save", 1, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.NoAsyncLoading | CommandFlags.NoMulti, Save, Group,
            "Synchronously saves the database(s) to disk."));
        table.Add(new("bgsave", -1, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.NoAsyncLoading, BackgroundSave, Group,
            "Asynchronously saves the database(s) to disk."));
        table.Add(new("lastsave", 1, CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast, LastSave, Group,
            "Returns the Unix timestamp of the last successful save to disk.")
        {
            Acl = AclCategories.Admin | AclCategories.Dangerous,
            Tips = ["nondeterministic_output"],
        });
    }

    private static void Save(ClientSession client, in RespRequest request)
    {
        var persistence = client.Server.Persistence;
        if (persistence.BackgroundSaveInProgress)
        {
            client.Reply.Error(InProgress);
            return;
        }

        if (persistence.Save() is { } error)
        {
            // Redis answers a bare ERR and logs why; we have no log here, so the reason goes in the reply.
            client.Reply.Error("ERR " + ReplyQueue.OneLine(error));
            return;
        }

        client.Reply.Ok();
    }

    private static void BackgroundSave(ClientSession client, in RespRequest request)
    {
        // SCHEDULE only matters behind an AOF rewrite (never run here); behind a BGSAVE Redis refuses it too.
        if (request.Count > 2 || (request.Count == 2 && !Args.Is(request[1], "SCHEDULE"u8)))
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        var persistence = client.Server.Persistence;
        if (persistence.BackgroundSaveInProgress)
        {
            client.Reply.Error(InProgress);
            return;
        }

        persistence.StartBackgroundSave();
        client.Reply.SimpleString("Background saving started"u8);
    }

    private static void LastSave(ClientSession client, in RespRequest request) => client.Reply.Integer(client.Server.Persistence.LastSaveSeconds);
}
