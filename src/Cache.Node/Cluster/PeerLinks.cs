using System.Collections.Concurrent;
using System.Net;
using Cache.Client.Resp;

namespace Cache.Node.Cluster;

/// <summary>
/// The node's connections to its peers, one per peer endpoint and protocol version (a forwarded
/// reply is relayed as bytes, so it must come in the protocol the client chose).
/// </summary>
internal sealed class PeerLinks : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Endpoint, int Protocol), PeerLink> _links = new();
    private readonly RespConnectionOptions _options;

    public PeerLinks(string? password, TimeSpan timeout, TimeProvider time)
    {
        _options = new RespConnectionOptions
        {
            Password = password,
            CommandTimeout = timeout,
            ConnectTimeout = timeout,
            // Order matters on a peer link (a client's SET then GET); never make a request wait for a slot.
            MaxInFlight = 1 << 24,
            TimeProvider = time,
        };
    }

    /// <summary>The link to the node whose RESP endpoint is <paramref name="endpoint"/> ("ip:port").</summary>
    public PeerLink Get(string endpoint, int protocol = 2) =>
        _links.GetOrAdd((endpoint, protocol), static (key, options) => new PeerLink(IPEndPoint.Parse(key.Endpoint), key.Protocol, options), _options);

    public async ValueTask DisposeAsync()
    {
        foreach (var link in _links.Values)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        _links.Clear();
    }
}
