using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Scripting: EVAL EVALSHA EVAL_RO EVALSHA_RO and SCRIPT LOAD EXISTS FLUSH KILL HELP, over the
/// node's <see cref="ScriptEngine"/>. EVAL's keys are declared by a key count, so the router
/// sends the script to its slot's primary like any keyed command.
/// </summary>
internal static class ScriptCommands
{
    private const string Group = "scripting";
    private const AclCategories Category = AclCategories.Scripting;
    private const string Complexity = "Depends on the script that is executed.";

    private static readonly string[] Help =
    [
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
    ];

    public static void Register(CommandTable table)
    {
        const CommandFlags shared = CommandFlags.NoScript | CommandFlags.SkipMonitor | CommandFlags.NoMandatoryKeys | CommandFlags.Stale;
        var writeKeys = CommandKeys.Of(new KeySpec(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1)));
        var readKeys = CommandKeys.Of(new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1)));
        table.Add(new("eval", -3, shared | CommandFlags.MayReplicate, Eval, Group, "Executes a server-side Lua script.")
        {
            Keys = writeKeys,
            Acl = Category,
            Since = "2.6.0",
            Complexity = Complexity,
        });
        table.Add(new("evalsha", -3, shared | CommandFlags.MayReplicate, EvalSha, Group, "Executes a server-side Lua script by SHA1 digest.")
        {
            Keys = writeKeys,
            Acl = Category,
            Since = "2.6.0",
            Complexity = Complexity,
        });
        table.Add(new("eval_ro", -3, shared | CommandFlags.ReadOnly, EvalRo, Group, "Executes a read-only server-side Lua script.")
        {
            Keys = readKeys,
            Acl = Category,
            Since = "7.0.0",
            Complexity = Complexity,
        });
        table.Add(new("evalsha_ro", -3, shared | CommandFlags.ReadOnly, EvalShaRo, Group, "Executes a read-only server-side Lua script by SHA1 digest.")
        {
            Keys = readKeys,
            Acl = Category,
            Since = "7.0.0",
            Complexity = Complexity,
        });
        table.Add(new CommandDefinition("script", -2, CommandFlags.None, null, Group, "A container for Lua scripts management commands.") { Since = "2.6.0", Complexity = "Depends on subcommand." }
            .AddSubCommand(new("debug", 3, CommandFlags.NoScript, Debug, Group, "Sets the debug mode of server-side Lua scripts.") { Acl = Category, Since = "3.2.0", Complexity = "O(1)" })
            .AddSubCommand(new("exists", -3, CommandFlags.NoScript, Exists, Group, "Determines whether server-side Lua scripts exist in the script cache.")
            {
                Acl = Category,
                Since = "2.6.0",
                Complexity = "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
                Tips = ["request_policy:all_shards", "response_policy:agg_logical_and"],
            })
            .AddSubCommand(new("flush", -2, CommandFlags.NoScript, Flush, Group, "Removes all server-side Lua scripts from the script cache.")
            {
                Acl = Category,
                Since = "2.6.0",
                Complexity = "O(N) with N being the number of scripts in cache",
                Tips = ["request_policy:all_nodes", "response_policy:all_succeeded"],
            })
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, ShowHelp, Group, "Returns helpful text about the different subcommands.") { Acl = Category, Since = "5.0.0", Complexity = "O(1)" })
            .AddSubCommand(new("kill", 2, CommandFlags.NoScript | CommandFlags.AllowBusy, Kill, Group, "Terminates a server-side Lua script during execution.")
            {
                Acl = Category,
                Since = "2.6.0",
                Complexity = "O(1)",
                Tips = ["request_policy:all_shards", "response_policy:one_succeeded"],
            })
            .AddSubCommand(new("load", 3, CommandFlags.NoScript | CommandFlags.Stale, Load, Group, "Loads a server-side Lua script to the script cache.")
            {
                Acl = Category,
                Since = "2.6.0",
                Complexity = "O(N) with N being the length in bytes of the script body.",
                Tips = ["request_policy:all_nodes", "response_policy:all_succeeded"],
            }));
    }

    private static void Eval(ClientSession client, in RespRequest request) => Run(client, request, bySha: false, readOnly: false);

    private static void EvalSha(ClientSession client, in RespRequest request) => Run(client, request, bySha: true, readOnly: false);

    private static void EvalRo(ClientSession client, in RespRequest request) => Run(client, request, bySha: false, readOnly: true);

    private static void EvalShaRo(ClientSession client, in RespRequest request) => Run(client, request, bySha: true, readOnly: true);

    /// <summary>
    /// The numkeys argument of an EVAL- or FCALL-shaped request (name, body, numkeys, keys...,
    /// args...), with Redis' errors; <paramref name="notANumber"/> differs between the two.
    /// </summary>
    internal static bool TryReadNumKeys(ClientSession client, in RespRequest request, ReadOnlySpan<byte> notANumber, out int numKeys)
    {
        numKeys = 0;
        if (!RespNumbers.TryParseInt64(request[2], out var count))
        {
            client.Reply.Error(notANumber);
            return false;
        }

        if (count > request.Count - 3)
        {
            client.Reply.Error("ERR Number of keys can't be greater than number of args"u8);
            return false;
        }

        if (count < 0)
        {
            client.Reply.Error("ERR Number of keys can't be negative"u8);
            return false;
        }

        numKeys = (int)count;
        return true;
    }

    private static void Run(ClientSession client, in RespRequest request, bool bySha, bool readOnly)
    {
        client.FeedMonitorsFirst(request);
        if (!TryReadNumKeys(client, request, "ERR value is not an integer or out of range"u8, out var numKeys))
        {
            return;
        }

        var engine = client.Server.Scripts;
        Script? script;
        if (bySha)
        {
            script = engine.Find(request[1]);
            if (script is null)
            {
                client.Reply.Error("NOSCRIPT No matching script. Please use EVAL."u8);
                return;
            }
        }
        else
        {
            script = engine.GetOrCompile(request[1], out var error);
            if (script is null)
            {
                client.Reply.Error(error!);
                return;
            }
        }

        engine.Run(client, script, request, numKeys, readOnly);
    }

    private static void Load(ClientSession client, in RespRequest request)
    {
        var script = client.Server.Scripts.GetOrCompile(request[2], out var error);
        if (script is null)
        {
            client.Reply.Error(error!);
            return;
        }

        client.Reply.Bulk(script.Sha);
    }

    private static void Exists(ClientSession client, in RespRequest request)
    {
        client.Reply.ArrayHeader(request.Count - 2);
        for (var i = 2; i < request.Count; i++)
        {
            client.Reply.Integer(client.Server.Scripts.Find(request[i]) is null ? 0 : 1);
        }
    }

    private static void Flush(ClientSession client, in RespRequest request)
    {
        if (request.Count > 3 || (request.Count == 3 && !Ascii(request[2], "sync"u8) && !Ascii(request[2], "async"u8)))
        {
            client.Reply.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option"u8);
            return;
        }

        client.Server.Scripts.Flush();
        client.Reply.Ok();
    }

    /// <summary>The BUSY error while an EVAL script is busy.</summary>
    public const string BusyEval = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

    /// <summary>The BUSY error while a function is busy.</summary>
    public const string BusyFunction = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    /// <summary>SCRIPT KILL; also served while a script is busy, outside the key-space lock.</summary>
    public static void Kill(ClientSession client, in RespRequest request)
    {
        if (client.Server.Functions.Engine.IsBusy)
        {
            client.Reply.Error(BusyFunction);
            return;
        }

        ReplyKill(client, client.Server.Scripts.Kill());
    }

    /// <summary>The reply to SCRIPT KILL or FUNCTION KILL.</summary>
    public static void ReplyKill(ClientSession client, ScriptKill outcome)
    {
        switch (outcome)
        {
            case ScriptKill.Killed:
                client.Reply.Ok();
                break;
            case ScriptKill.Unkillable:
                client.Reply.Error("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."u8);
                break;
            default:
                client.Reply.Error("NOTBUSY No scripts in execution right now."u8);
                break;
        }
    }

    private static void Debug(ClientSession client, in RespRequest request)
    {
        if (Ascii(request[2], "no"u8))
        {
            client.Reply.Ok();
        }
        else if (Ascii(request[2], "yes"u8) || Ascii(request[2], "sync"u8))
        {
            client.Reply.Error("ERR the Lua debugger (SCRIPT DEBUG YES/SYNC) is not supported by this node"u8);
        }
        else
        {
            client.Reply.Error("ERR Use SCRIPT DEBUG YES/SYNC/NO"u8);
        }
    }

    private static void ShowHelp(ClientSession client, in RespRequest request) => HelpReply.Write(client, "SCRIPT", Help);

    private static bool Ascii(ReadOnlySpan<byte> value, ReadOnlySpan<byte> lower) => System.Text.Ascii.EqualsIgnoreCase(value, lower);
}
