using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Cache.Client.Routing;

/// <summary>Parses <c>host:port</c>, <c>ip:port</c> and <c>[v6]:port</c>, as seeds, MOVED and CLUSTER RING give them.</summary>
internal static class NodeEndpoint
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out EndPoint? endpoint)
    {
        endpoint = null;
        text = text?.Trim();
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (IPAddress.TryParse(host, out var address))
        {
            endpoint = new IPEndPoint(address, port);
            return true;
        }

        if (host.Length == 0 || host.Contains(':', StringComparison.Ordinal) || Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            return false;
        }

        endpoint = new DnsEndPoint(host, port);
        return true;
    }

    /// <summary>Splits a seed list on commas, semicolons and white space.</summary>
    public static string[] SplitList(string? list) =>
        (list ?? "").Split([',', ';', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
