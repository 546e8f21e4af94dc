using System.Text;

namespace Cache.Node.Cluster;

/// <summary>
/// What a node advertises through gossip: its RESP endpoint (and later zone and weight), as
/// short "key=value;..." text so that it stays readable in captures and bounded in size.
/// </summary>
internal sealed record NodeMetadata(string RespEndpoint)
{
    public byte[] Encode() => Encoding.UTF8.GetBytes($"resp={RespEndpoint}");

    public static NodeMetadata? Decode(ReadOnlySpan<byte> bytes)
    {
        string? resp = null;
        foreach (var part in Encoding.UTF8.GetString(bytes).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq] == "resp")
            {
                resp = part[(eq + 1)..];
            }
        }

        return resp is null ? null : new NodeMetadata(resp);
    }
}
