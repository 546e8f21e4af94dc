using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// INFO [section ...]: "# Section" headers, "field:value" lines joined by CRLF and a blank
/// line between sections, as Redis 7 formats them. A bulk string in RESP2, verbatim in RESP3.
/// </summary>
internal static partial class InfoCommand
{
    // In Redis' order; commandstats is only in "all" and "everything", as there.
    private static readonly string[] SectionNames = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "commandstats", "errorstats", "cluster", "gossip", "keyspace"];
    private const int CommandStatsSection = 7;

    public static void Register(CommandTable table) =>
        table.Add(new("info", -1, CommandFlags.Loading | CommandFlags.Stale, Info, "server", "Returns information and statistics about the server.")
        {
            Acl = AclCategories.Dangerous,
            Tips = ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
        });

    private static void Info(ClientSession client, in RespRequest request)
    {
        var wanted = new bool[SectionNames.Length];
        if (request.Count == 1)
        {
            SelectDefault(wanted);
        }

        for (var i = 1; i < request.Count; i++)
        {
            var arg = request[i];
            if (Args.Is(arg, "DEFAULT"u8))
            {
                SelectDefault(wanted);
                continue;
            }

            if (Args.Is(arg, "ALL"u8) || Args.Is(arg, "EVERYTHING"u8))
            {
                Array.Fill(wanted, true);
                continue;
            }

            // Unknown section names select nothing, as in Redis.
            var name = Args.Text(arg);
            var index = Array.FindIndex(SectionNames, s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                wanted[index] = true;
            }
        }

        var text = new StringBuilder();
        for (var i = 0; i < SectionNames.Length; i++)
        {
            if (!wanted[i])
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append("\r\n");
            }

            AppendSection(text, SectionNames[i], client);
        }

        client.Reply.Verbatim(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static void SelectDefault(bool[] wanted)
    {
        for (var i = 0; i < wanted.Length; i++)
        {
            wanted[i] |= i != CommandStatsSection;
        }
    }

    private static void AppendSection(StringBuilder text, string name, ClientSession client)
    {
        // Headers are capitalised ("# Server"), except Redis' "# CPU".
        if (name == "cpu")
        {
            text.Append("# CPU\r\n");
        }
        else if (name == "commandstats")
        {
            text.Append("# Commandstats\r\n");
        }
        else if (name == "errorstats")
        {
            text.Append("# Errorstats\r\n");
        }
        else
        {
            text.Append("# ").Append(char.ToUpperInvariant(name[0])).Append(name.AsSpan(1)).Append("\r\n");
        }

        switch (name)
        {
            case "server":
                Server(text, client);
                break;
            case "clients":
                Clients(text, client);
                break;
            case "memory":
                Memory(text, client);
                break;
            case "persistence":
                Persistence(text, client);
                break;
            case "stats":
                Stats(text, client);
                break;
            case "replication":
                Replication(text, client);
                break;
            case "cpu":
                Cpu(text);
                break;
            case "commandstats":
                CommandStats(text, client);
                break;
            case "errorstats":
                ErrorStats(text, client);
                break;
            case "cluster":
                Cluster(text, client);
                break;
            case "gossip":
                Gossip(text, client);
                break;
            case "keyspace":
                Keyspace(text, client);
                break;
        }
    }

    private static void Line(StringBuilder text, string field, string value) => text.Append(field).Append(':').Append(value).Append("\r\n");

    private static void Line(StringBuilder text, string field, long value) =>
        text.Append(field).Append(':').Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");

    /// <summary>Redis' bytesToHuman: B below 1K, then two decimals with K, M, G, T, P.</summary>
    internal static string BytesToHuman(long bytes)
    {
        if (bytes < 1024)
        {
            return bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + "B";
        }

        ReadOnlySpan<char> units = ['K', 'M', 'G', 'T', 'P'];
        var value = bytes / 1024.0;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + units[unit];
    }
}
