using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>FUNCTION KILL, STATS and HELP: the first two are also served while a script is busy, outside the key-space lock.</summary>
internal static partial class FunctionCommands
{
    private static readonly string[] Help =
    [
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
    ];

    /// <summary>FUNCTION KILL: a busy function that has not written stops; an EVAL script is SCRIPT KILL's.</summary>
    public static void Kill(ClientSession client, in RespRequest request)
    {
        if (client.Server.Scripts.IsBusy)
        {
            client.Reply.Error(ScriptCommands.BusyEval);
            return;
        }

        ScriptCommands.ReplyKill(client, client.Server.Functions.Engine.Kill());
    }

    /// <summary>FUNCTION STATS: the function running (while it is busy), and the engine's counts.</summary>
    public static void Stats(ClientSession client, in RespRequest request)
    {
        var server = client.Server;
        if (server.Scripts.IsBusy)
        {
            client.Reply.Error(ScriptCommands.BusyEval);
            return;
        }

        var reply = client.Reply;
        var engine = server.Functions.Engine;
        reply.MapHeader(2);
        reply.Bulk("running_script"u8);
        if (engine.IsBusy && engine.RunningFunction is { } name)
        {
            var command = engine.RunningCommand();
            reply.MapHeader(3);
            reply.Bulk("name"u8);
            reply.Bulk(name);
            reply.Bulk("command"u8);
            reply.ArrayHeader(command.Length);
            foreach (var argument in command)
            {
                reply.Bulk(argument);
            }

            reply.Bulk("duration_ms"u8);
            reply.Integer(engine.RunningMs);
        }
        else
        {
            reply.Null();
        }

        reply.Bulk("engines"u8);
        reply.MapHeader(1);
        reply.Bulk("LUA"u8);
        reply.MapHeader(2);
        reply.Bulk("libraries_count"u8);
        reply.Integer(server.Functions.LibraryCount);
        reply.Bulk("functions_count"u8);
        reply.Integer(server.Functions.FunctionCount);
    }

    private static void ShowHelp(ClientSession client, in RespRequest request) => HelpReply.Write(client, "FUNCTION", Help);
}
