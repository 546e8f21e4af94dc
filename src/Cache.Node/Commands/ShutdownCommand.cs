using Cache.Node.Resp;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Commands;

/// <summary>
/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], as Redis 7.0's shutdownCommand: the data set is
/// saved when save points are set or SAVE is given (unless NOSAVE), a failed save stops the
/// shutdown unless FORCE, and then the client's connection closes without a reply while the host
/// stops the node (<see cref="ShutdownSignal"/>). A node never waits for lagging replicas, so NOW
/// changes nothing and ABORT always finds no shutdown in progress.
/// </summary>
internal static partial class ShutdownCommand
{
    public static void Register(CommandTable table) =>
        table.Add(new("shutdown", -1, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale
            | CommandFlags.NoMulti | CommandFlags.AllowBusy, Shutdown, "server", "Synchronously saves the database(s) to disk and shuts down the Redis server."));

    /// <summary>The handler, also run while a script is busy (only NOSAVE passes then).</summary>
    public static void Shutdown(ClientSession client, in RespRequest request)
    {
        bool noSave = false, save = false, now = false, force = false, abort = false;
        for (var i = 1; i < request.Count; i++)
        {
            var option = request[i];
            if (Args.Is(option, "NOSAVE"u8))
            {
                noSave = true;
            }
            else if (Args.Is(option, "SAVE"u8))
            {
                save = true;
            }
            else if (Args.Is(option, "NOW"u8))
            {
                now = true;
            }
            else if (Args.Is(option, "FORCE"u8))
            {
                force = true;
            }
            else if (Args.Is(option, "ABORT"u8))
            {
                abort = true;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        if ((abort && (noSave || save || now || force)) || (noSave && save))
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        if (abort)
        {
            client.Reply.Error("ERR No shutdown in progress."u8);
            return;
        }

        var server = client.Server;
        if (!noSave && (server.Scripts.IsBusy || server.Functions.Engine.IsBusy))
        {
            // As Redis: past its busy threshold a script leaves only SHUTDOWN NOSAVE (nothing could be saved consistently).
            client.Reply.Error(server.Functions.Engine.IsBusy ? ScriptCommands.BusyFunction : ScriptCommands.BusyEval);
            return;
        }

        if (!noSave && (save || server.Settings.SavePoints.Count > 0) && server.Persistence.Save() is { } error)
        {
            LogSaveFailed(server.Shutdown.Logger, error, force);
            if (!force)
            {
                client.Reply.Error("ERR Errors trying to SHUTDOWN. Check logs."u8);
                return;
            }
        }

        server.Shutdown.Request();
        // As Redis, which exits: the client sees its connection close, no reply.
        client.Connection.CloseRequested = true;
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Warning, Message = "SHUTDOWN could not save the data set ({Error}); forced: {Forced}")]
    private static partial void LogSaveFailed(ILogger logger, string error, bool forced);
}
