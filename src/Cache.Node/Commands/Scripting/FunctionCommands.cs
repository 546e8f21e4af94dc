using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Functions: FCALL FCALL_RO and FUNCTION LOAD DELETE FLUSH LIST DUMP RESTORE STATS KILL HELP,
/// over the node's <see cref="FunctionLibraries"/>. The library changes replicate to the
/// replication stream as they were sent and count as changes for SAVE.
/// </summary>
internal static partial class FunctionCommands
{
    private const string Group = "scripting";
    private const AclCategories Category = AclCategories.Scripting;

    private static readonly ReadOnlyMemory<byte> PeerKind = "FUNCTIONS"u8.ToArray();

    public static void Register(CommandTable table)
    {
        const CommandFlags shared = CommandFlags.NoScript | CommandFlags.SkipMonitor | CommandFlags.NoMandatoryKeys | CommandFlags.Stale;
        var writeKeys = CommandKeys.Of(new KeySpec(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1)));
        var readKeys = CommandKeys.Of(new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1)));
        const string complexity = "Depends on the function that is executed.";
        table.Add(new("fcall", -3, shared | CommandFlags.MayReplicate, Fcall, Group, "Invokes a function.")
        {
            Keys = writeKeys,
            Acl = Category,
            Since = "7.0.0",
            Complexity = complexity,
        });
        table.Add(new("fcall_ro", -3, shared | CommandFlags.ReadOnly, FcallRo, Group, "Invokes a read-only function.")
        {
            Keys = readKeys,
            Acl = Category,
            Since = "7.0.0",
            Complexity = complexity,
        });
        const CommandFlags write = CommandFlags.Write | CommandFlags.NoScript;
        string[] allShards = ["request_policy:all_shards", "response_policy:all_succeeded"];
        table.Add(new CommandDefinition("function", -2, CommandFlags.None, null, Group, "A container for function commands.") { Since = "7.0.0", Complexity = "Depends on subcommand." }
            .AddSubCommand(new("delete", 3, write, Delete, Group, "Deletes a library and its functions.") { Acl = Category, Since = "7.0.0", Complexity = "O(1)", Tips = allShards })
            .AddSubCommand(new("dump", 2, CommandFlags.NoScript, Dump, Group, "Dumps all libraries into a serialized binary payload.") { Acl = Category, Since = "7.0.0", Complexity = "O(N) where N is the number of functions" })
            .AddSubCommand(new("flush", -2, write, Flush, Group, "Deletes all libraries and functions.") { Acl = Category, Since = "7.0.0", Complexity = "O(N) where N is the number of functions deleted", Tips = allShards })
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, ShowHelp, Group, "Returns helpful text about the different subcommands.") { Acl = Category, Since = "7.0.0", Complexity = "O(1)" })
            .AddSubCommand(new("kill", 2, CommandFlags.NoScript | CommandFlags.AllowBusy, Kill, Group, "Terminates a function during execution.")
            {
                Acl = Category,
                Since = "7.0.0",
                Complexity = "O(1)",
                Tips = ["request_policy:all_shards", "response_policy:one_succeeded"],
            })
            .AddSubCommand(new("list", -2, CommandFlags.NoScript, List, Group, "Returns information about all libraries.")
            {
                Acl = Category,
                Since = "7.0.0",
                Complexity = "O(N) where N is the number of functions",
                Tips = ["nondeterministic_output_order"],
            })
            .AddSubCommand(new("load", -3, write | CommandFlags.DenyOom, Load, Group, "Creates a library.") { Acl = Category, Since = "7.0.0", Complexity = "O(1) (considering compilation time is redundant)", Tips = allShards })
            .AddSubCommand(new("restore", -3, write | CommandFlags.DenyOom, Restore, Group, "Restores all libraries from a payload.") { Acl = Category, Since = "7.0.0", Complexity = "O(N) where N is the number of functions on the payload", Tips = allShards })
            .AddSubCommand(new("stats", 2, CommandFlags.NoScript | CommandFlags.AllowBusy, Stats, Group, "Returns information about a function during execution.")
            {
                Acl = Category,
                Since = "7.0.0",
                Complexity = "O(1)",
                Tips = ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
            }));
    }

    private static void Fcall(ClientSession client, in RespRequest request) => Call(client, request, readOnly: false);

    private static void FcallRo(ClientSession client, in RespRequest request) => Call(client, request, readOnly: true);

    private static void Call(ClientSession client, in RespRequest request, bool readOnly)
    {
        // As EVAL: MONITOR sees the FCALL (even one that fails) before the commands its function runs.
        client.FeedMonitorsFirst(request);
        var functions = client.Server.Functions;
        var function = functions.Find(request[1]);
        if (function is null)
        {
            client.Reply.Error("ERR Function not found"u8);
            return;
        }

        if (!ScriptCommands.TryReadNumKeys(client, request, "ERR Bad number of keys provided"u8, out var numKeys))
        {
            return;
        }

        functions.Engine.Run(client, function, request, numKeys, readOnly);
    }

    private static void Load(ClientSession client, in RespRequest request)
    {
        var replace = false;
        var at = 2;
        for (; at < request.Count - 1; at++)
        {
            if (!Args.Is(request[at], "REPLACE"u8))
            {
                client.Reply.Error("ERR Unknown option given: " + Args.Text(request[at]));
                return;
            }

            replace = true;
        }

        if (client.Server.Functions.Load(request[at].ToArray(), replace, timeout: true, out var name) is { } error)
        {
            client.Reply.Error(error);
            return;
        }

        Changed(client);
        client.Reply.Bulk(name!);
    }

    private static void Delete(ClientSession client, in RespRequest request)
    {
        if (!client.Server.Functions.Delete(Encoding.UTF8.GetString(request[2])))
        {
            client.Reply.Error("ERR Library not found"u8);
            return;
        }

        Changed(client);
        client.Reply.Ok();
    }

    private static void Flush(ClientSession client, in RespRequest request)
    {
        if (request.Count > 3)
        {
            SyntaxError(client, request);
            return;
        }

        if (request.Count == 3 && !Args.Is(request[2], "SYNC"u8) && !Args.Is(request[2], "ASYNC"u8))
        {
            client.Reply.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"u8);
            return;
        }

        client.Server.Functions.Flush();
        Changed(client);
        client.Reply.Ok();
    }

    private static void Dump(ClientSession client, in RespRequest request) =>
        client.Reply.Bulk(FunctionPayload.Write(client.Server.Functions.Libraries));

    private static void Restore(ClientSession client, in RespRequest request)
    {
        if (request.Count > 4)
        {
            SyntaxError(client, request);
            return;
        }

        var policy = FunctionLibraries.RestorePolicy.Append;
        if (request.Count == 4)
        {
            if (Args.Is(request[3], "APPEND"u8))
            {
                policy = FunctionLibraries.RestorePolicy.Append;
            }
            else if (Args.Is(request[3], "REPLACE"u8))
            {
                policy = FunctionLibraries.RestorePolicy.Replace;
            }
            else if (Args.Is(request[3], "FLUSH"u8))
            {
                policy = FunctionLibraries.RestorePolicy.Flush;
            }
            else
            {
                client.Reply.Error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."u8);
                return;
            }
        }

        var codes = FunctionPayload.TryRead(request[2], out var error);
        error ??= client.Server.Functions.Restore(codes!, policy);
        if (error is not null)
        {
            client.Reply.Error(error);
            return;
        }

        Changed(client);
        client.Reply.Ok();
    }

    private static void List(ClientSession client, in RespRequest request)
    {
        var withCode = false;
        byte[]? pattern = null;
        for (var i = 2; i < request.Count; i++)
        {
            if (!withCode && Args.Is(request[i], "WITHCODE"u8))
            {
                withCode = true;
                continue;
            }

            if (pattern is null && Args.Is(request[i], "LIBRARYNAME"u8))
            {
                if (i >= request.Count - 1)
                {
                    client.Reply.Error("ERR library name argument was not given"u8);
                    return;
                }

                pattern = request[++i].ToArray();
                continue;
            }

            client.Reply.Error("ERR Unknown argument " + Args.Text(request[i]));
            return;
        }

        var libraries = client.Server.Functions.Libraries
            .Where(l => pattern is null || Glob.IsMatch(pattern, Encoding.UTF8.GetBytes(l.Name), ignoreCase: true))
            .ToList();
        var reply = client.Reply;
        reply.ArrayHeader(libraries.Count);
        foreach (var library in libraries)
        {
            reply.MapHeader(withCode ? 4 : 3);
            reply.Bulk("library_name"u8);
            reply.Bulk(library.Name);
            reply.Bulk("engine"u8);
            reply.Bulk("LUA"u8);
            reply.Bulk("functions"u8);
            reply.ArrayHeader(library.Functions.Count);
            foreach (var function in library.Functions)
            {
                reply.MapHeader(3);
                reply.Bulk("name"u8);
                reply.Bulk(function.Name);
                reply.Bulk("description"u8);
                if (function.Description is { } description)
                {
                    reply.Bulk(description);
                }
                else
                {
                    reply.Null();
                }

                reply.Bulk("flags"u8);
                WriteFlags(reply, function.Flags);
            }

            if (withCode)
            {
                reply.Bulk("library_code"u8);
                reply.Bulk(library.Code);
            }
        }
    }

    private static void WriteFlags(ReplyWriter reply, ScriptFlags flags)
    {
        (ScriptFlags Flag, string Name)[] names =
        [
            (ScriptFlags.NoWrites, "no-writes"), (ScriptFlags.AllowOom, "allow-oom"), (ScriptFlags.AllowStale, "allow-stale"),
            (ScriptFlags.NoCluster, "no-cluster"), (ScriptFlags.AllowCrossSlot, "allow-cross-slot-keys"),
        ];
        reply.SetHeader(names.Count(n => (flags & n.Flag) != 0));
        foreach (var (flag, name) in names)
        {
            if ((flags & flag) != 0)
            {
                reply.SimpleString(name);
            }
        }
    }

    /// <summary>
    /// A change to the libraries: it replicates as sent, counts for the next SAVE, and the whole
    /// set goes to every other node of the cluster with its new version (GOSSIPCACHE FUNCTIONS).
    /// </summary>
    private static void Changed(ClientSession client)
    {
        client.Feed.Force();
        var server = client.Server;
        server.Persistence.MarkDirty();
        var version = server.Functions.NextVersion();
        if (server.Cluster is not null && !client.Connection.IsPeer)
        {
            Span<byte> text = stackalloc byte[20];
            var length = RespNumbers.Format(version, text);
            server.FanOut.Send(PeerKind, text[..length], FunctionPayload.Write(server.Functions.Libraries));
        }
    }

    /// <summary>GOSSIPCACHE FUNCTIONS version payload: another node's whole set of libraries, taken if newer; replies 1 when taken.</summary>
    public static void FromPeer(ClientSession client, in RespRequest request)
    {
        if (!RespNumbers.TryParseInt64(request[2], out var version))
        {
            client.Reply.Error("ERR value is not an integer or out of range"u8);
            return;
        }

        var codes = FunctionPayload.TryRead(request[3], out var error);
        if (codes is null)
        {
            client.Reply.Error(error!);
            return;
        }

        var taken = client.Server.Functions.TryAdopt(version, codes);
        if (taken)
        {
            client.Server.Persistence.MarkDirty();
        }

        client.Reply.Integer(taken ? 1 : 0);
    }

    private static void SyntaxError(ClientSession client, in RespRequest request) =>
        client.Reply.Error($"ERR unknown subcommand or wrong number of arguments for '{Args.Text(request[1])}'. Try FUNCTION HELP.");
}
