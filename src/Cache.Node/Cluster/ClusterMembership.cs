using System.Security.Cryptography;
using System.Text;
using Cache.Gossip;
using Cache.Gossip.Ring;
using Cache.Gossip.Transport;
using Cache.Gossip.Wire;
using Cache.Node.Background;
using Cache.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Cluster;

/// <summary>
/// The node's place in the cluster: a gossip member that advertises this node's RESP endpoint,
/// joins the seeds from <c>--join</c> (retrying with back-off until one answers) and leaves
/// gracefully on shutdown. Besides the ring of the members that are up, it keeps the voters: every
/// member it has seen that did not leave gracefully (nor was forgotten with CLUSTER FORGET), so a
/// node cut off from the others still counts them when it asks whether a write has its quorum.
/// </summary>
internal sealed class ClusterMembership : IAsyncDisposable
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(2);
    private SlotMap _ring = SlotMap.Empty;
    private string[] _ringMembers = [];
    private SlotMap _voters = SlotMap.Empty;
    private readonly Dictionary<string, RingNode> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forgotten = new(StringComparer.Ordinal);
    private bool _metPeer;
    private int _pendingRebuilds;
    private readonly Lock _rebuildLock = new();
    private readonly int _replicas;
    private readonly BackgroundFailures _failures;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ReadOnlyMemory<byte> Metadata, string? Endpoint)> _endpoints = new(StringComparer.Ordinal);

    private ClusterMembership(GossipNode gossip, string nodeName, int replicas, bool hasSeeds, BackgroundFailures failures)
    {
        Gossip = gossip;
        _replicas = replicas;
        HasSeeds = hasSeeds;
        _failures = failures;
        NodeId = IdOf(nodeName);
        // Subscribe before the first build: gossip is already running and may change meanwhile.
        gossip.MembershipChanged += (_, _) => ScheduleRebuild();
        RebuildRing();
    }

    public GossipNode Gossip { get; }

    /// <summary>
    /// The slot map of the members that are up (alive or suspected: a suspect keeps its slots
    /// until it is declared dead, so a slow node does not make slots flap), with
    /// <c>--replicas</c> owners per slot. Rebuilt off the command path when the set of members that are
    /// up changes, and published whole; readers never wait for it.
    /// </summary>
    public SlotMap Ring => Volatile.Read(ref _ring);

    /// <summary>Raised (on a pool thread) after a new <see cref="Ring"/> is published, with the previous one.</summary>
    public event Action<SlotMap, SlotMap>? RingChanged;

    /// <summary>
    /// The slot map of the voters: every member seen that neither left gracefully nor was
    /// forgotten, up or not, with <c>--replicas</c> owners per slot. A slot's write quorum is counted
    /// among its owners here, so a node that lost sight of the others (its <see cref="Ring"/> shrunk
    /// to itself) still needs them; a member that left gracefully no longer counts.
    /// </summary>
    public SlotMap Voters => Volatile.Read(ref _voters);

    /// <summary>True when the node was started with <c>--join</c>: until it has met another member, it has no quorum of its own.</summary>
    public bool HasSeeds { get; }

    /// <summary>True once another member has been seen (it may have left or been forgotten since).</summary>
    public bool HasMetPeer => Volatile.Read(ref _metPeer);

    /// <summary>
    /// Forgets a member that is not up (a crashed node that will not come back), so it no longer
    /// counts as a voter: how an operator shrinks a cluster whose node cannot leave gracefully.
    /// Per node, as Redis' CLUSTER FORGET: send it to every node. False when the member is unknown or up.
    /// </summary>
    public bool Forget(string name)
    {
        lock (_rebuildLock)
        {
            if (name == Gossip.Name || Gossip.Members[name] is { State: MemberState.Alive or MemberState.Suspect } || !_known.ContainsKey(name))
            {
                return false;
            }

            _forgotten.Add(name);
            RebuildRingLocked();
            return true;
        }
    }

    /// <summary>The name of the voter whose Redis-style id (<see cref="IdOf"/>) or name is <paramref name="idOrName"/>, or null.</summary>
    public string? VoterNamed(string idOrName)
    {
        foreach (var node in Voters.Nodes)
        {
            if (node.Id == idOrName || IdOf(node.Id) == idOrName)
            {
                return node.Id;
            }
        }

        return null;
    }

    /// <summary>True when gossip sees <paramref name="memberName"/> alive (this node counts as alive).</summary>
    public bool IsAlive(string memberName) => memberName == Gossip.Name || Gossip.Members[memberName] is { State: MemberState.Alive };

    /// <summary>The copies per key asked for (<c>--replicas</c>); the ring holds fewer while the cluster is smaller.</summary>
    public int ConfiguredReplicas => _replicas;

    /// <summary>This node's index in <paramref name="ring"/>'s nodes, or -1 when it is not in it.</summary>
    public int IndexIn(SlotMap ring) => ring.IndexOf(Gossip.Name);

    /// <summary>A 16-bit id for version tiebreaks, derived from the node name.</summary>
    public static ushort VersionNodeId(string nodeName) => (ushort)(K4os.Hash.xxHash.XXH64.DigestOf(Encoding.UTF8.GetBytes(nodeName)) & 0xFFFF);

    /// <summary>This node's 40-hex-digit id, as Redis Cluster shows node ids.</summary>
    public string NodeId { get; }

    /// <summary>
    /// Starts gossip on <see cref="NodeSettings.GossipPort"/>, advertising <paramref name="respEndpoint"/>,
    /// and joins the seeds in the background. Failures of later ring rebuilds go to <paramref name="failures"/>.
    /// </summary>
    public static async Task<ClusterMembership> StartAsync(NodeSettings settings, string nodeName, string respEndpoint, int tlsPort, TimeProvider time,
        ILoggerFactory loggers, BackgroundFailures failures, CancellationToken cancellationToken)
    {
        var gossipOptions = settings.GossipProfile switch
        {
            GossipProfile.Wan => GossipOptions.Wan(),
            GossipProfile.Local => GossipOptions.Local(),
            _ => GossipOptions.Lan(),
        };
        gossipOptions.NodeName = nodeName;
        gossipOptions.BindAddress = settings.BindAddresses[0].ToString();
        gossipOptions.Port = settings.GossipPort;
        gossipOptions.ClusterLabel = settings.ClusterLabel;
        gossipOptions.Metadata = new NodeMetadata(respEndpoint, settings.Zone, settings.Weight, tlsPort).Encode();
        // A node keeps trying its seeds (with back-off up to JoinMaxBackoff) until one answers.
        gossipOptions.JoinMaxAttempts = 0;
        if (settings.GossipKey is { } key)
        {
            gossipOptions.SecretKey = key;
        }

        foreach (var seed in settings.Seeds)
        {
            gossipOptions.Seeds.Add(seed);
        }

        gossipOptions.Validate();
        var logger = loggers.CreateLogger("Cache.Gossip");
        var announce = settings.AnnouncedAddress.ToString();
        var transport = new SocketTransport(gossipOptions.BindAddress, gossipOptions.Port, announce, logger);
        var gossip = new GossipNode(gossipOptions, transport, time, logger);
        await gossip.StartAsync(cancellationToken).ConfigureAwait(false);
        return new ClusterMembership(gossip, nodeName, settings.Replicas, settings.HasSeeds, failures);
    }

    /// <summary>True when gossip suspects <paramref name="memberName"/> (it stopped answering probes, not yet declared dead).</summary>
    public bool IsSuspect(string memberName) => Gossip.Members[memberName] is { State: MemberState.Suspect };

    /// <summary>The RESP endpoint a member advertises, or null when it is unknown.</summary>
    public string? RespEndpointOf(string memberName)
    {
        if (Gossip.Members[memberName] is not { } member)
        {
            return null;
        }

        // Asked for on every forwarded or replicated command: decode a member's metadata once per version of it.
        if (_endpoints.TryGetValue(memberName, out var known) && known.Metadata.Equals(member.Metadata))
        {
            return known.Endpoint;
        }

        var endpoint = NodeMetadata.Decode(member.Metadata.Span)?.RespEndpoint;
        _endpoints[memberName] = (member.Metadata, endpoint);
        return endpoint;
    }

    /// <summary>
    /// True when a member that is alive or suspected gossips from, or serves RESP at, <paramref name="address"/>:
    /// with no cluster secret, the only sign a connection is a peer's (docs/security.md).
    /// </summary>
    public bool IsMemberAddress(System.Net.IPAddress address)
    {
        foreach (var member in Gossip.Members)
        {
            if (member.State is MemberState.Alive or MemberState.Suspect
                && (SameHost(member.Address, address) || (RespEndpointOf(member.Name) is { } endpoint && SameHost(endpoint, address))))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SameHost(string endpoint, System.Net.IPAddress address) =>
        System.Net.IPEndPoint.TryParse(endpoint, out var parsed) && (parsed.Address.Equals(address)
            || (address.IsIPv4MappedToIPv6 && parsed.Address.Equals(address.MapToIPv4())));

    /// <summary>
    /// The TLS endpoint ("ip:port") of the member that advertises <paramref name="respEndpoint"/>, or
    /// null when none does or it has no TLS port (a link to it over TLS then cannot be made).
    /// </summary>
    public string? TlsEndpointOf(string respEndpoint)
    {
        foreach (var member in Gossip.Members)
        {
            if (NodeMetadata.Decode(member.Metadata.Span) is { TlsPort: > 0 } meta && meta.RespEndpoint == respEndpoint)
            {
                var endpoint = System.Net.IPEndPoint.Parse(respEndpoint);
                endpoint.Port = meta.TlsPort;
                return endpoint.ToString();
            }
        }

        return null;
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

    private void ScheduleRebuild()
    {
        // Coalesce bursts of membership events into as few rebuilds as possible.
        if (Interlocked.Increment(ref _pendingRebuilds) == 1)
        {
            _ = Task.Run(RebuildPending);
        }
    }

    private void RebuildPending()
    {
        int seen;
        do
        {
            seen = Volatile.Read(ref _pendingRebuilds);
            try
            {
                RebuildRing();
            }
            catch (Exception ex)
            {
                // The counter must still come down, or no membership change would rebuild the ring again.
                _failures.Report(BackgroundWork.RingRebuild, ex);
            }
        }
        while (Interlocked.Add(ref _pendingRebuilds, -seen) != 0);
    }

    private void RebuildRing()
    {
        lock (_rebuildLock)
        {
            RebuildRingLocked();
        }
    }

    private void RebuildRingLocked()
    {
        var up = Gossip.Members.Where(m => m.State is MemberState.Alive or MemberState.Suspect).Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();
        UpdateVoters();
        if (up.SequenceEqual(_ringMembers))
        {
            return;
        }

        var map = SlotMap.Build(up.Select(RingNodeOf), _replicas);
        var previous = _ring;
        _ringMembers = up;
        Volatile.Write(ref _ring, map);
        if (RingChanged is not { } handlers)
        {
            return;
        }

        // One handler that throws must not keep the ring change from the others (hand-off, anti-entropy).
        foreach (var handler in handlers.GetInvocationList().Cast<Action<SlotMap, SlotMap>>())
        {
            try
            {
                handler(previous, map);
            }
            catch (Exception ex)
            {
                _failures.Report(BackgroundWork.RingRebuild, ex);
            }
        }
    }

    /// <summary>
    /// Left (a member's own goodbye) removes a voter; failed (dead: unreachable, perhaps only cut
    /// off) does not, and neither does gossip reaping the dead member later. A forgotten member
    /// counts again only once it is seen up.
    /// </summary>
    private void UpdateVoters()
    {
        var changed = false;
        foreach (var member in Gossip.Members)
        {
            if (member.State is MemberState.Left)
            {
                changed |= _known.Remove(member.Name);
                continue;
            }

            if (member.State is MemberState.Alive or MemberState.Suspect)
            {
                _forgotten.Remove(member.Name);
            }

            if (_forgotten.Contains(member.Name))
            {
                continue;
            }

            var node = RingNodeOf(member.Name);
            if (!_known.TryGetValue(member.Name, out var had) || had != node)
            {
                _known[member.Name] = node;
                changed = true;
            }
        }

        foreach (var name in _forgotten)
        {
            changed |= _known.Remove(name);
        }

        if (_known.Count > 1)
        {
            Volatile.Write(ref _metPeer, true);
        }

        if (changed || _voters.Nodes.Count != _known.Count)
        {
            Volatile.Write(ref _voters, SlotMap.Build(_known.Values.OrderBy(n => n.Id, StringComparer.Ordinal), _replicas));
        }
    }

    private RingNode RingNodeOf(string name) =>
        Gossip.Members[name] is { } member && NodeMetadata.Decode(member.Metadata.Span) is { } meta
            ? new RingNode(name, meta.Weight, string.IsNullOrEmpty(meta.Zone) ? null : meta.Zone)
            : new RingNode(name);

    public async ValueTask DisposeAsync()
    {
        await Gossip.LeaveAsync(LeaveTimeout).ConfigureAwait(false);
        await Gossip.DisposeAsync().ConfigureAwait(false);
    }
}
