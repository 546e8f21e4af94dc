using Cache.Gossip.Ring;

namespace Cache.Client.Routing;

/// <summary>
/// One immutable view of the cluster: the slot map rebuilt from CLUSTER RING and each member's RESP
/// endpoint, or a single node (standalone, or a node that does not know CLUSTER RING). Swapped whole,
/// so a request never sees half an update.
/// </summary>
internal sealed class TopologySnapshot
{
    private readonly string[] _endpointOfNode;   // by SlotMap node index; "" when unknown

    private TopologySnapshot(SlotMap map, string[] endpointOfNode, string? ringHash, string? single)
    {
        Map = map;
        _endpointOfNode = endpointOfNode;
        RingHash = ringHash;
        Single = single;
        Endpoints = single is not null ? [single] : endpointOfNode.Where(e => e.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Nothing known yet: the first request asks a seed.</summary>
    public static TopologySnapshot Unknown { get; } = new(SlotMap.Empty, [], null, null);

    public SlotMap Map { get; }

    /// <summary>The ring hash the node reported (16 lower-case hex digits); null when not a ring.</summary>
    public string? RingHash { get; }

    /// <summary>The one node every key goes to when there is no ring.</summary>
    public string? Single { get; }

    /// <summary>Every node endpoint of this view.</summary>
    public IReadOnlyList<string> Endpoints { get; }

    public bool IsKnown => Single is not null || Map.Nodes.Count > 0;

    public static TopologySnapshot ForSingle(string endpoint) => new(SlotMap.Empty, [], null, endpoint);

    public static TopologySnapshot ForRing(SlotMap map, IReadOnlyDictionary<string, string> endpointByName, string ringHash)
    {
        var endpoints = map.Nodes.Select(n => endpointByName.TryGetValue(n.Id, out var e) ? e : "").ToArray();
        return new TopologySnapshot(map, endpoints, ringHash, null);
    }

    /// <summary>How many owners a slot has (primary first); at least 1 once known.</summary>
    public int OwnerCount => Single is not null ? 1 : Map.Replicas;

    /// <summary>The <paramref name="rank"/>-th owner of <paramref name="slot"/> (0 = primary), wrapping around; null while unknown.</summary>
    public string? OwnerOf(int slot, int rank)
    {
        if (Single is not null)
        {
            return Single;
        }

        if (Map.Replicas == 0)
        {
            return null;
        }

        var owners = Map.OwnerIndices(slot);
        // An owner without a known endpoint is skipped in favour of the next one.
        for (var i = 0; i < owners.Length; i++)
        {
            var endpoint = _endpointOfNode[owners[(rank + i) % owners.Length]];
            if (endpoint.Length > 0)
            {
                return endpoint;
            }
        }

        return null;
    }
}
