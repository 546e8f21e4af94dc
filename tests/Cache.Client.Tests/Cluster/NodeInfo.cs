using System.Globalization;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Client.Tests.Cluster;

/// <summary>Reads counters from a node's INFO over a plain connection.</summary>
internal static class NodeInfo
{
    /// <summary>The integer field <paramref name="field"/> of <c>INFO <paramref name="section"/></c> on the node at <paramref name="port"/>.</summary>
    public static async Task<long> ReadAsync(int port, string section, string field)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        var text = await client.CallAsync("INFO", section);
        var prefix = field + ":";
        var line = text.Split("\r\n").SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"INFO {section} on port {port} has no {field}:\n{text}");
        return long.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }
}
