using System.Diagnostics;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// DEBUG GC | SLEEP 0 | HELP, refused unless <c>enable-debug-command</c> allows this client
/// (<c>yes</c>, or <c>local</c> for loopback connections), with Redis' refusal text.
/// </summary>
internal static class DebugCommand
{
    private static readonly string[] Help =
    [
        "GC",
        "    Run a full blocking, compacting garbage collection; reply the pause in milliseconds.",
        "SLEEP <seconds>",
        "    Only 0 is accepted: the node never stops serving on request.",
    ];

    public static void Register(CommandTable table) =>
        table.Add(new("debug", -2, CommandFlags.Admin | CommandFlags.Protected | CommandFlags.Loading | CommandFlags.Stale, Debug, "server", "A container for debugging commands."));

    private static void Debug(ClientSession client, in RespRequest request)
    {
        var sub = request[1];
        if (Args.Is(sub, "HELP"u8) && request.Count == 2)
        {
            HelpReply.Write(client, "DEBUG", Help);
        }
        else if (Args.Is(sub, "GC"u8) && request.Count == 2)
        {
            // Runs under the key space gate on purpose: the pause is what every client would see.
            // The real monotonic clock, not the injected one: this measures the process, not the cache's time.
            var start = Stopwatch.GetTimestamp();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            client.Reply.Integer((long)Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        else if (Args.Is(sub, "SLEEP"u8) && request.Count == 3)
        {
            if (!RespNumbers.TryParseDouble(request[2], out var seconds) || seconds != 0)
            {
                client.Reply.Error("ERR DEBUG SLEEP only accepts 0 on this server"u8);
                return;
            }

            client.Reply.Ok();
        }
        else
        {
            client.Reply.Error($"ERR unknown subcommand or wrong number of arguments for '{Args.Text(sub)}'. Try DEBUG HELP.");
        }
    }

    /// <summary>Redis' refusal for a protected command that enable-debug-command does not allow.</summary>
    public const string NotAllowed = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

    /// <summary>Whether enable-debug-command lets this client run DEBUG.</summary>
    public static bool Allowed(ClientSession client) => client.Server.Options.EnableDebugCommand switch
    {
        "yes" => true,
        "local" => client.IsLoopback,
        _ => false,
    };
}
