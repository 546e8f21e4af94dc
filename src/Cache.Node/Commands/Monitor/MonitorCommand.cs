using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>MONITOR: every command the node runs from now on, streamed to this client.</summary>
internal static class MonitorCommand
{
    public static void Register(CommandTable table) =>
        table.Add(new("monitor", 1, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale, Monitor, "server", "Listens for all requests received by the server in real-time."));

    private static void Monitor(ClientSession client, in RespRequest request)
    {
        if (client.Transaction.InTransaction)
        {
            // Inside MULTI a client expects one reply per command (Redis' CLIENT_DENY_BLOCKING).
            client.Reply.Error("ERR MONITOR isn't allowed for DENY BLOCKING client"u8);
            return;
        }

        if (client.Monitor is not null)
        {
            // Already monitoring: Redis ignores it without a reply.
            return;
        }

        client.StartMonitoring();
        client.Reply.Ok();
    }
}
