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
        if ((handler == (CommandHandler)ScriptCommands.Kill || handler == (CommandHandler)FunctionCommands.Kill || handler == (CommandHandler)FunctionCommands.Stats
                || handler == (CommandHandler)ShutdownCommand.Shutdown)
            && command.AcceptsArgumentCount(request.Count))
        {
            if (RequireAuth())
            {
                Run(command, request);
            }

            return;
        }

        // As Redis: MULTI passes (it only touches this session), so a pipelined transaction whose
        // first commands met the busy script is refused whole at EXEC rather than run in part.
        if (command.Id == CommandId.Multi && command.AcceptsArgumentCount(request.Count) && !Transaction.InMulti && RequireAuth())
        {
            Transaction.Begin();
            Reply.Ok();
            return;
        }

        var busy = Server.Functions.Engine.IsBusy ? ScriptCommands.BusyFunction : ScriptCommands.BusyEval;
        if (command.Id == CommandId.Exec && Transaction.InMulti)
        {
            // EXECABORT without the gate: the queue goes; WATCHes stay until the next EXEC, DISCARD or UNWATCH.
            Transaction.Forget();
            Reply.Error("EXECABORT Transaction discarded because of: " + busy);
            return;
        }

        Transaction.Fail();
        Reply.Error(busy);
    }
}
