using System.Text;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// The primary's half of a write: after a command changed keys, ship each key's versioned state
/// to the slot's other owners and hold the client's reply until the write quorum holds it.
/// Runs under the key space gate up to the sends; the wait happens off it.
/// </summary>
internal sealed class Replicator(ClusterMembership cluster, PeerLinks peers, Func<int, int> quorumFor, ReplicationStats stats)
{
    public ReplicationStats Stats => stats;

    /// <summary>True when writes have anywhere to go (more than one copy per slot).</summary>
    public bool Active => cluster.Ring.Replicas > 1;

    /// <summary>
    /// Sends the state of <paramref name="touched"/> to the other owners. Returns null when there
    /// is nothing to wait for (the reply can go now), else the reply to send once the quorum
    /// acknowledged: <paramref name="reply"/>, or a NOREPLICAS error.
    /// </summary>
    public Task<byte[]>? Replicate(KeySpace keys, List<byte[]> touched, byte[] reply)
    {
        var ring = cluster.Ring;
        var self = cluster.IndexIn(ring);
        if (ring.Replicas <= 1 && self >= 0)
        {
            return null;
        }

        // Per target node: the APPLY arguments; per touched slot: how many acks it still needs.
        var batches = new Dictionary<int, List<ReadOnlyMemory<byte>>>();
        var needs = new Dictionary<int, int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in touched)
        {
            if (!seen.Add(Encoding.Latin1.GetString(key)) || keys.Export(key) is not { } entry)
            {
                continue;   // repeated, or already expired (replicas expire it themselves)
            }

            var slot = HashSlot.ForKey(key);
            var owners = ring.OwnerIndices(slot);
            var quorum = quorumFor(owners.Length);
            needs.TryAdd(slot, owners.Contains(self) ? quorum - 1 : quorum);
            foreach (var owner in owners)
            {
                if (owner == self)
                {
                    continue;
                }

                if (!batches.TryGetValue(owner, out var args))
                {
                    args = ["GOSSIPCACHE"u8.ToArray(), "APPLY"u8.ToArray()];
                    batches[owner] = args;
                }

                ReplicationCodec.Append(args, key, entry);
            }
        }

        if (needs.Values.All(n => n <= 0) && batches.Count == 0)
        {
            return null;
        }

        var sends = new List<(int Owner, Task<RespReply> Reply)>(batches.Count);
        foreach (var (owner, args) in batches)
        {
            var endpoint = cluster.RespEndpointOf(ring.Nodes[owner].Id);
            var task = endpoint is null
                ? Task.FromException<RespReply>(new RespConnectionException($"No RESP endpoint is known for node {ring.Nodes[owner].Id}."))
                : peers.Get(endpoint).SendAsync([.. args]);
            sends.Add((owner, task));
        }

        stats.BatchesSent(sends.Count);
        return AwaitQuorumAsync(ring, needs, sends, reply);
    }

    private static async ValueTask<bool> Succeeded(Task<RespReply> reply)
    {
        try
        {
            return !(await reply.ConfigureAwait(false)).IsError;
        }
        catch (Exception ex) when (ex is RespConnectionException or TimeoutException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task CountFailureAsync(Task<RespReply> reply)
    {
        if (!await Succeeded(reply).ConfigureAwait(false))
        {
            stats.Failed();
        }
    }

    private async Task<byte[]> AwaitQuorumAsync(SlotMap ring, Dictionary<int, int> needs, List<(int Owner, Task<RespReply> Reply)> sends, byte[] reply)
    {
        var pending = sends.ToList();
        while (needs.Values.Any(n => n > 0) && pending.Count > 0)
        {
            var done = await Task.WhenAny(pending.Select(p => p.Reply)).ConfigureAwait(false);
            var index = pending.FindIndex(p => p.Reply == done);
            var owner = pending[index].Owner;
            pending.RemoveAt(index);
            if (await Succeeded(done).ConfigureAwait(false))
            {
                foreach (var slot in needs.Keys.ToList())
                {
                    if (ring.OwnerIndices(slot).Contains(owner))
                    {
                        needs[slot]--;
                    }
                }
            }
            else
            {
                stats.Failed();
            }
        }

        // Let the stragglers finish unobserved: their failures were counted above or do not matter.
        foreach (var (_, straggler) in pending)
        {
            _ = CountFailureAsync(straggler);
        }

        if (needs.Values.All(n => n <= 0))
        {
            return reply;
        }

        stats.QuorumMissedOnce();
        return "-NOREPLICAS Not enough good replicas to write.\r\n"u8.ToArray();
    }
}
