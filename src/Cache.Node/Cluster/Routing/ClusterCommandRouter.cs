using Cache.Gossip.Ring;
using Cache.Node.Commands;
using Cache.Node.Resp;

namespace Cache.Node.Cluster.Routing;

/// <summary>
/// Routing on a cluster node, by the ring: a keyed command runs here when this node is the
/// slot's primary (or holds a copy and the connection said READONLY, or the primary looks down);
/// a client that routes itself gets MOVED, anyone else has the command forwarded to the primary.
/// All keys must share one slot (CROSSSLOT otherwise; a plain client's MGET, MSET, DEL, UNLINK,
/// EXISTS and TOUCH are split by owner instead), and a transaction stays in one slot. Peers'
/// connections are always served here, so two nodes whose rings differ never bounce a command.
/// (Not Cache.Client's ClusterRouter, which sends a client's calls to their nodes.)
/// </summary>
internal sealed class ClusterCommandRouter(IRoutingTopology topology, int readQuorum) : ICommandRouter
{
    public RouteDecision Route(CommandDefinition command, in RespRequest request, ConnectionState connection, TransactionState transaction)
    {
        var ring = topology.Ring;
        if (ring.Nodes.Count <= 1 || command.FirstKey >= request.Count)
        {
            return RouteDecision.Here;
        }

        if (command.Keys.IsMovable)
        {
            return RouteMovable(command, request, connection, transaction, ring);
        }

        var self = topology.IndexIn(ring);
        if (connection.IsPeer)
        {
            var peerSlot = HashSlot.ForKey(request[command.FirstKey]);
            var flags = ring.OwnerIndices(peerSlot).Contains(self) ? RouteFlags.None : RouteFlags.RingDisagreement;
            return Here(peerSlot, flags, transaction);
        }

        var last = command.LastKey < 0 ? request.Count + command.LastKey : Math.Min(command.LastKey, request.Count - 1);
        var step = Math.Max(1, command.Step);
        if (step > 1 && (request.Count - command.FirstKey) % step != 0)
        {
            // A key without its value (MSET a 1 b): the handler refuses it with Redis' arity error,
            // as on one node; a split would read past the request.
            return RouteDecision.Here;
        }

        var slot = HashSlot.ForKey(request[command.FirstKey]);
        for (var i = command.FirstKey + step; i <= last; i += step)
        {
            if (HashSlot.ForKey(request[i]) != slot)
            {
                return !connection.ClusterAware && !transaction.InMulti && CanSplit(command)
                    ? RouteDecision.SplitBy(Split(ring, self, request, step))
                    : RouteDecision.CrossSlot(slot);
            }
        }

        return RouteSlot(command, slot, command.FirstKey == command.LastKey, connection, transaction, ring, self);
    }

    /// <summary>
    /// A command whose keys only its arguments tell (numkeys, a keyword: ZUNIONSTORE, LMPOP,
    /// SINTERCARD, EVAL): every key its specs find must share one slot; never split.
    /// </summary>
    private RouteDecision RouteMovable(CommandDefinition command, in RespRequest request, ConnectionState connection, TransactionState transaction, SlotMap ring)
    {
        Span<int> positions = stackalloc int[16];
        var count = command.Keys.GetKeyPositions(request, positions);
        if (count <= 0)
        {
            // No key (EVAL with numkeys 0) or arguments the specs cannot read: the handler answers as on one node.
            return RouteDecision.Here;
        }

        if (count > positions.Length)
        {
            positions = new int[count];
            command.Keys.GetKeyPositions(request, positions);
        }

        var slot = HashSlot.ForKey(request[positions[0]]);
        var self = topology.IndexIn(ring);
        if (connection.IsPeer)
        {
            var flags = ring.OwnerIndices(slot).Contains(self) ? RouteFlags.None : RouteFlags.RingDisagreement;
            return Here(slot, flags, transaction);
        }

        for (var i = 1; i < count; i++)
        {
            if (HashSlot.ForKey(request[positions[i]]) != slot)
            {
                return RouteDecision.CrossSlot(slot);
            }
        }

        return RouteSlot(command, slot, singleKey: false, connection, transaction, ring, self);
    }

    /// <summary>Where a command whose keys all hash to <paramref name="slot"/> runs.</summary>
    private RouteDecision RouteSlot(CommandDefinition command, int slot, bool singleKey, ConnectionState connection, TransactionState transaction, SlotMap ring, int self)
    {
        if (transaction.InMulti && transaction.PinnedSlot >= 0 && transaction.PinnedSlot != slot)
        {
            return RouteDecision.CrossSlot(slot);
        }

        var owners = ring.OwnerIndices(slot);
        var reads = command.HasFlag(CommandFlags.ReadOnly);
        if (owners[0] == self && readQuorum > 1 && owners.Length > 1 && !transaction.InMulti && reads && singleKey)
        {
            return RouteDecision.QuorumRead(slot, QuorumPeers(ring, self, owners));
        }

        if (owners[0] == self || (connection.ReadFromReplica && reads && owners.Contains(self)))
        {
            return Here(slot, RouteFlags.None, transaction);
        }

        var primary = ring.Nodes[owners[0]].Id;
        if (owners.Contains(self) && command.Id != CommandId.Watch && topology.LooksDown(primary))
        {
            // A node with a copy serves the slot (and coordinates its writes) until gossip decides,
            // rather than send clients to a node that is probably dead.
            return Here(slot, RouteFlags.UnreachablePrimary, transaction);
        }

        var endpoint = topology.RespEndpointOf(primary) ?? primary;
        if (connection.ClusterAware || command.Id == CommandId.Watch)
        {
            // WATCH belongs to this connection, so it cannot be forwarded: the client must go to the owner.
            return RouteDecision.Moved(slot, endpoint);
        }

        if (transaction.InMulti)
        {
            return RouteDecision.ForwardTransaction(slot, endpoint);
        }

        return RouteDecision.Forward(slot, endpoint, owners.Contains(self) ? RouteFlags.FallBackHere : RouteFlags.None);
    }

    private static bool CanSplit(CommandDefinition command) =>
        command.Id is CommandId.Mget or CommandId.Mset or CommandId.Del or CommandId.Unlink or CommandId.Exists or CommandId.Touch;

    /// <summary>Here, but a slot whose hand-off is still being pulled waits for it (never inside MULTI: EXEC runs it under the gate).</summary>
    private RouteDecision Here(int slot, RouteFlags flags, TransactionState transaction) =>
        !transaction.InMulti && topology.HandOffReady(slot) is { } ready
            ? RouteDecision.WaitForHandOff(slot, ready, flags)
            : RouteDecision.Local(slot, flags);

    private List<string> QuorumPeers(SlotMap ring, int self, ReadOnlySpan<int> owners)
    {
        var peers = new List<string>(readQuorum - 1);
        foreach (var owner in owners)
        {
            if (owner != self && peers.Count < readQuorum - 1 && topology.RespEndpointOf(ring.Nodes[owner].Id) is { } endpoint)
            {
                peers.Add(endpoint);
            }
        }

        return peers;
    }

    private SplitPlan Split(SlotMap ring, int self, in RespRequest request, int step)
    {
        // The split commands' keys run from the first argument to the last.
        var parts = new List<SplitPart>();
        var partOf = new Dictionary<int, int>();   // owner index -> its part
        for (var i = 1; i < request.Count; i += step)
        {
            var owner = ring.OwnerIndices(HashSlot.ForKey(request[i]))[0];
            if (!partOf.TryGetValue(owner, out var at))
            {
                at = parts.Count;
                partOf[owner] = at;
                var member = ring.Nodes[owner].Id;
                parts.Add(new SplitPart(owner == self ? null : topology.RespEndpointOf(member) ?? member, new List<int>()));
            }

            parts[at].Positions.Add(i);
        }

        return new SplitPlan(step, (request.Count - 1) / step, parts);
    }
}
