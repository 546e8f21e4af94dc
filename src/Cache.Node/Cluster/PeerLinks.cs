using System.Collections.Concurrent;
using System.Net;
using Cache.Client.Resp;
using Cache.Node.Configuration;

namespace Cache.Node.Cluster;

/// <summary>
/// The node's connections to its peers, one per peer endpoint and protocol version (a forwarded
/// reply is relayed as bytes, so it must come in the protocol the client chose), plus one per
/// peer for replication and hand-off.
/// </summary>
/// <remarks>
/// Replication must not share a link with forwarded commands: the peer serves a link's requests
/// in order, and a forwarded write there waits for this node's acknowledgement of its own
/// replication. An APPLY queued behind it on the same link would wait for that write while this
/// node's forwarded writes wait for the APPLY: two nodes forwarding to each other would stall
/// until the replication timeout. A replication link carries only APPLY and PULL, which the peer
/// answers at once, so it never waits on anything.
/// </remarks>
internal sealed class PeerLinks : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Endpoint, int Protocol, bool Replication), PeerLink> _links = new();
    private readonly RespConnectionOptions _options;

    /// <summary>Links that authenticate with <paramref name="credentials"/> (<see cref="PeerHandshake"/>), not with requirepass; over TLS with tls-cluster yes.</summary>
    public PeerLinks(PeerCredentials credentials, TimeSpan timeout, TimeProvider time, TlsSettings? tls = null)
    {
        Credentials = credentials;
        _options = new RespConnectionOptions
        {
            CommandTimeout = timeout,
            ConnectTimeout = timeout,
            // Order matters on a peer link (a client's SET then GET); never make a request wait for a slot.
            MaxInFlight = 1 << 24,
            TimeProvider = time,
        };
        if (tls is { Cluster: true })
        {
            // tls-cluster yes: every link is TLS to the peer's TLS port, this node's certificate shown, the peer's checked against the CA.
            _options.Tls = endpoint => tls.PeerClientOptions(((IPEndPoint)endpoint).Address.ToString());
            UsesTls = true;
        }
    }

    /// <summary>What each link proves on connect; the node id is set once the node joined gossip.</summary>
    public PeerCredentials Credentials { get; }
    /// <summary>True with tls-cluster yes.</summary>
    public bool UsesTls { get; }

    /// <summary>
    /// With tls-cluster yes, maps a peer's RESP endpoint to its TLS endpoint (from its gossip
    /// metadata); set once the membership is running. A peer with none is dialled at its RESP
    /// endpoint, where the TLS handshake fails: a node without TLS is never a TLS cluster's peer.
    /// </summary>
    public Func<string, string?>? TlsEndpointOf { get; set; }

    /// <summary>The link for forwarding clients' commands to the node whose RESP endpoint is <paramref name="endpoint"/> ("ip:port").</summary>
    public PeerLink Get(string endpoint, int protocol) => Get((endpoint, protocol, false));

    /// <summary>The link for replication and hand-off (GOSSIPCACHE APPLY and PULL) to the node at <paramref name="endpoint"/>.</summary>
    public PeerLink ForReplication(string endpoint) => Get((endpoint, 2, true));

    private PeerLink Get((string Endpoint, int Protocol, bool Replication) key) =>
        _links.GetOrAdd(key, static (key, links) => new PeerLink(IPEndPoint.Parse(links.DialedEndpoint(key.Endpoint)), key.Protocol, links._options, links.Credentials), this);

    private string DialedEndpoint(string respEndpoint) => UsesTls ? TlsEndpointOf?.Invoke(respEndpoint) ?? respEndpoint : respEndpoint;

    /// <summary>True when this node's replication link to <paramref name="endpoint"/> broke or failed to connect within <paramref name="window"/>.</summary>
    public bool LooksDown(string endpoint, TimeSpan window) =>
        _links.TryGetValue((endpoint, 2, true), out var link) && link.LooksDown(window);

    /// <summary>Closes the links to nodes whose endpoints are not in <paramref name="endpoints"/> (they left the ring).</summary>
    public void Retain(IReadOnlySet<string> endpoints)
    {
        foreach (var key in _links.Keys)
        {
            if (!endpoints.Contains(key.Endpoint) && _links.TryRemove(key, out var link))
            {
                _ = link.DisposeAsync().AsTask();
            }
        }
    }

    /// <summary>Open links (for tests and INFO).</summary>
    public int Count => _links.Count;

    public async ValueTask DisposeAsync()
    {
        foreach (var link in _links.Values)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        _links.Clear();
    }
}
