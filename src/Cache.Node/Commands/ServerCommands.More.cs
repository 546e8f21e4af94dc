using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>TIME, plus registration of the introspection commands that live in their own classes.</summary>
internal static partial class ServerCommands
{
    static partial void RegisterMore(CommandTable table)
    {
        table.Add(new("time", 1, CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast, Time, Group, "Returns the server time.") { Tips = ["nondeterministic_output"] });
        ClientCommand.Register(table);
        InfoCommand.Register(table);
        ConfigCommand.Register(table);
        CommandCommand.Register(table);
        DebugCommand.Register(table);
        MonitorCommand.Register(table);
        PersistenceCommands.Register(table);
    }

    private static void Time(ClientSession client, in RespRequest request)
    {
        // Ticks since the Unix epoch give microseconds exactly, from the injected clock.
        var ticks = client.Keys.Time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        client.Reply.ArrayHeader(2);
        client.Reply.BulkInteger(ticks / TimeSpan.TicksPerSecond);
        client.Reply.BulkInteger(ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond);
    }
}
