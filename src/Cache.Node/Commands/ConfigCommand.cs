using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>CONFIG GET SET RESETSTAT HELP over <see cref="ConfigParameters"/>.</summary>
internal static class ConfigCommand
{
    private const string Group = "server";
    private const CommandFlags Flags = CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;

    private static readonly string[] Help =
    [
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
    ];

    public static void Register(CommandTable table)
    {
        table.Add(new CommandDefinition("config", -2, CommandFlags.None, null, Group, "A container for server configuration commands.")
            .AddSubCommand(new("get", -3, Flags, Get, Group, "Returns the effective values of configuration parameters."))
            .AddSubCommand(new("set", -4, Flags, Set, Group, "Sets configuration parameters in-flight.")
            {
                Tips = ["request_policy:all_nodes", "response_policy:all_succeeded"],
            })
            .AddSubCommand(new("resetstat", 2, Flags, ResetStat, Group, "Resets the server's statistics."))
            .AddSubCommand(new("rewrite", 2, Flags, Rewrite, Group, "Persists the effective configuration to file."))
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, ShowHelp, Group, "Returns helpful text about the different subcommands.")));
    }

    private static void ShowHelp(ClientSession client, in RespRequest request) => HelpReply.Write(client, "CONFIG", Help);

    private static void Get(ClientSession client, in RespRequest request)
    {
        var matches = new List<(string Name, ConfigParameter Parameter)>();
        for (var i = 2; i < request.Count; i++)
        {
            var pattern = request[i];
            if (pattern.IndexOfAny("[*?"u8) < 0)
            {
                // A plain name is answered under the spelling the client used, as Redis does.
                var name = Args.Text(pattern);
                if (ConfigParameters.Find(name) is { } found && !matches.Exists(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    matches.Add((name, found));
                }

                continue;
            }

            foreach (var parameter in ConfigParameters.All)
            {
                if (!parameter.Hidden && Glob.IsMatch(pattern, System.Text.Encoding.ASCII.GetBytes(parameter.Name), ignoreCase: true)
                    && !matches.Exists(m => string.Equals(m.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    matches.Add((parameter.Name, parameter));
                }
            }
        }

        client.Reply.MapHeader(matches.Count);
        foreach (var (name, parameter) in matches)
        {
            client.Reply.Bulk(name);
            client.Reply.Bulk(parameter.Get(client.Server));
        }
    }

    private static void Set(ClientSession client, in RespRequest request)
    {
        if ((request.Count & 1) != 0)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        // First every name, then every value, then apply: one bad pair changes nothing.
        var pairs = new List<(string Name, ConfigParameter Parameter, string Value)>();
        for (var i = 2; i < request.Count; i += 2)
        {
            var name = Args.Text(request[i]);
            var parameter = ConfigParameters.Find(name);
            if (parameter is null)
            {
                client.Reply.Error($"ERR Unknown option or number of arguments for CONFIG SET - '{name}'");
                return;
            }

            if (parameter.Parse is null)
            {
                client.Reply.Error(Failed(name, "can't set immutable config"));
                return;
            }

            if (parameter.Protected)
            {
                client.Reply.Error(Failed(name, "can't set protected config"));
                return;
            }

            if (pairs.Exists(p => p.Parameter == parameter))
            {
                client.Reply.Error(Failed(name, "duplicate parameter"));
                return;
            }

            pairs.Add((name, parameter, Args.Text(request[i + 1])));
        }

        var changes = new List<Action<CacheServer>>();
        foreach (var (name, parameter, value) in pairs)
        {
            if (!parameter.Volatile && string.Equals(parameter.Get(client.Server), value, StringComparison.Ordinal))
            {
                // The value it has: nothing to check or apply (Redis skips the apply step too).
                continue;
            }

            var (error, apply) = parameter.Parse!(value);
            if (error is not null)
            {
                client.Reply.Error(Failed(name, error));
                return;
            }

            changes.Add(apply!);
        }

        foreach (var change in changes)
        {
            change(client.Server);
        }

        client.Server.ApplyLimits();
        client.Reply.Ok();
    }

    private static void ResetStat(ClientSession client, in RespRequest request)
    {
        client.Server.Stats.Reset();
        client.Server.ErrorStats.Reset();
        foreach (var command in client.Server.Commands.All)
        {
            command.Stats.Reset();
            foreach (var sub in command.SubCommands?.All ?? [])
            {
                sub.Stats.Reset();
            }
        }

        client.Keys.ResetStats();
        client.Reply.Ok();
    }

    // The node reads no configuration file (its settings come from the command line, appsettings.json and the environment).
    private static void Rewrite(ClientSession client, in RespRequest request) =>
        client.Reply.Error("ERR The server is running without a config file"u8);

    private static string Failed(string name, string detail) => $"ERR CONFIG SET failed (possibly related to argument '{name}') - {detail}";
}
