using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// While a script runs past busy-reply-threshold it holds the key-space lock; the connection
/// loop then serves other clients here, without the lock: SCRIPT KILL, FUNCTION KILL and STATS, and BUSY for the rest,
/// as Redis does. Only this session's own state and the engine's thread-safe kill are touched.
/// </summary>
internal sealed partial class ClientSession
{
    /// <summary>True while a script's redis.call runs a command for this session.</summary>
    public bool InScript { get; set; }

    public void ExecuteWhileBusy(in RespRequest request)
    {
        if (request.Count == 0)
        {
            return;
        }

        var command = Server.Commands.Find(request[0]);
        if (command is null)
        {
            RejectUnknownCommand(request);
            return;
        }

        if (command.SubCommands is not null && request.Count >= 2)
        {
            command = command.SubCommands.Find(request[1]) ?? command;
        }

        var handler = command.Handler;
        if ((handler == (CommandHandler)ScriptCommands.Kill || handler == (CommandHandler)FunctionCommands.Kill || handler == (CommandHandler)FunctionCommands.Stats)
            && command.AcceptsArgumentCount(request.Count))
        {
            if (RequireAuth())
            {
                Run(command, request);
            }

            return;
        }

        Reply.Error(Server.Functions.Engine.IsBusy ? ScriptCommands.BusyFunction : ScriptCommands.BusyEval);
    }
}
