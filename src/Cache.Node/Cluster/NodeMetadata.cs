using System.Globalization;
using System.Text;

namespace Cache.Node.Cluster;

/// <summary>
/// What a node advertises through gossip: its RESP endpoint, zone and weight, as short
/// "key=value;..." text so that it stays readable in captures and bounded in size. Unknown keys
/// are ignored, so newer nodes can add some.
/// </summary>
internal sealed record NodeMetadata(string RespEndpoint, string? Zone = null, int Weight = 1, int TlsPort = 0)
{
    public byte[] Encode()
    {
        var text = new StringBuilder("resp=").Append(RespEndpoint);
        if (!string.IsNullOrEmpty(Zone))
        {
            text.Append(";zone=").Append(Zone);
        }

        if (Weight != 1)
        {
            text.Append(";weight=").Append(Weight.ToString(CultureInfo.InvariantCulture));
        }

        if (TlsPort != 0)
        {
            text.Append(";tls=").Append(TlsPort.ToString(CultureInfo.InvariantCulture));
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static NodeMetadata? Decode(ReadOnlySpan<byte> bytes)
    {
        string? resp = null;
        string? zone = null;
        var weight = 1;
        var tls = 0;
        foreach (var part in Encoding.UTF8.GetString(bytes).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var value = part[(eq + 1)..];
            switch (part[..eq])
            {
                case "resp":
                    resp = value;
                    break;
                case "zone":
                    zone = value;
                    break;
                case "weight" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w > 0:
                    weight = w;
                    break;
                case "tls" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535:
                    tls = p;
                    break;
            }
        }

        return resp is null ? null : new NodeMetadata(resp, zone, weight, tls);
    }
}
