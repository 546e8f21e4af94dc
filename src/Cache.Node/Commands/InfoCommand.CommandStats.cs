using System.Globalization;
using System.Text;

namespace Cache.Node.Commands;

/// <summary>INFO commandstats and errorstats, in Redis' line formats.</summary>
internal static partial class InfoCommand
{
    private static void CommandStats(StringBuilder text, ClientSession client)
    {
        foreach (var command in client.Server.Commands.All)
        {
            CommandStatsLine(text, command);
            foreach (var sub in command.SubCommands?.All ?? [])
            {
                CommandStatsLine(text, sub);
            }
        }
    }

    private static void CommandStatsLine(StringBuilder text, CommandDefinition command)
    {
        var stats = command.Stats;
        if (stats.IsEmpty)
        {
            return;
        }

        var calls = stats.Calls;
        var usec = stats.Microseconds;
        var perCall = calls == 0 ? 0 : (double)usec / calls;
        text.Append(CultureInfo.InvariantCulture,
            $"cmdstat_{command.FullName}:calls={calls},usec={usec},usec_per_call={perCall:F2},rejected_calls={stats.Rejected},failed_calls={stats.Failed}\r\n");
    }

    private static void ErrorStats(StringBuilder text, ClientSession client)
    {
        foreach (var (code, count) in client.Server.ErrorStats.Snapshot())
        {
            text.Append(CultureInfo.InvariantCulture, $"errorstat_{code}:count={count}\r\n");
        }
    }
}
