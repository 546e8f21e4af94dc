using System.Security.Cryptography;
using System.Text;
using Cache.Gossip;
using Cache.Gossip.Ring;
using Cache.Gossip.Transport;
using Cache.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Cluster;

/// <summary>
/// The node's place in the cluster: a gossip member that advertises this node's RESP endpoint,
/// joins the seeds from <c>--join</c> (retrying with back-off until one answers) and leaves
/// gracefully on shutdown.
/// </summary>
internal sealed class ClusterMembership : IAsyncDisposable
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(2);
    private RingCache _ring = new(-1, SlotMap.Empty);

    private ClusterMembership(GossipNode gossip, string nodeName)
    {
        Gossip = gossip;
        NodeId = IdOf(nodeName);
    }

    public GossipNode Gossip { get; }

    /// <summary>
    /// The slot map of the members that are up (alive or suspected: a suspect keeps its slots
    /// until it is declared dead, so a slow node does not make slots flap), rebuilt when the
    /// membership version changes. One copy per slot until replication arrives.
    /// </summary>
    public SlotMap Ring
    {
        get
        {
            var members = Gossip.Members;
            var cached = Volatile.Read(ref _ring);
            if (cached.Version == members.Version)
            {
                return cached.Map;
            }

            var up = members.Where(m => m.State is MemberState.Alive or MemberState.Suspect).Select(m => new RingNode(m.Name));
            var fresh = new RingCache(members.Version, SlotMap.Build(up, replicas: 1));
            Volatile.Write(ref _ring, fresh);
            return fresh.Map;
        }
    }

    /// <summary>This node's 40-hex-digit id, as Redis Cluster shows node ids.</summary>
    public string NodeId { get; }

    public static async Task<ClusterMembership> StartAsync(NodeOptions options, string nodeName, string respEndpoint, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var gossipOptions = options.GossipProfile switch
        {
            "wan" => GossipOptions.Wan(),
            "local" => GossipOptions.Local(),
            _ => GossipOptions.Lan(),
        };
        NodeOptionsValidator.TryParseBind(options.Bind, out var addresses, out _);
        gossipOptions.NodeName = nodeName;
        gossipOptions.BindAddress = addresses[0].ToString();
        gossipOptions.Port = options.EffectiveGossipPort;
        gossipOptions.ClusterLabel = options.ClusterLabel ?? "";
        gossipOptions.Metadata = new NodeMetadata(respEndpoint).Encode();
        // A node keeps trying its seeds (with back-off up to JoinMaxBackoff) until one answers.
        gossipOptions.JoinMaxAttempts = 0;
        if (!string.IsNullOrEmpty(options.GossipKey))
        {
            gossipOptions.SecretKey = Convert.FromBase64String(options.GossipKey);
        }

        foreach (var seed in NodeOptionsValidator.SplitSeeds(options.Join))
        {
            gossipOptions.Seeds.Add(seed);
        }

        gossipOptions.Validate();
        var logger = loggers.CreateLogger("Cache.Gossip");
        var announce = NodeHost.AnnouncedAddress(options, addresses[0]).ToString();
        var transport = new SocketTransport(gossipOptions.BindAddress, gossipOptions.Port, announce, logger);
        var gossip = new GossipNode(gossipOptions, transport, time, logger);
        await gossip.StartAsync(cancellationToken).ConfigureAwait(false);
        return new ClusterMembership(gossip, nodeName);
    }

    /// <summary>The gossip port actually bound.</summary>
    public int GossipPort
    {
        get
        {
            var address = Gossip.Address;
            var colon = address.LastIndexOf(':');
            return colon > 0 && int.TryParse(address.AsSpan(colon + 1), out var port) ? port : 0;
        }
    }

    /// <summary>Redis Cluster style id of a node name: the SHA-1 of the name in hex.</summary>
    public static string IdOf(string nodeName) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(nodeName)));

    private sealed record RingCache(long Version, SlotMap Map);

    public async ValueTask DisposeAsync()
    {
        await Gossip.LeaveAsync(LeaveTimeout).ConfigureAwait(false);
        await Gossip.DisposeAsync().ConfigureAwait(false);
    }
}
