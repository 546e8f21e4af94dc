using System.Text;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Background;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// The primary's half of a write: after a command changed keys, ship each key's versioned state
/// to the slot's other owners and hold the client's reply until the write quorum holds it. The
/// writes of one batch of a client's pipeline travel together (one APPLY per peer), so a
/// pipeline costs a round trip per batch, not per write. Collecting runs under the key space
/// gate; sending and waiting happen off it.
/// </summary>
internal sealed class Replicator(ClusterMembership cluster, PeerLinks peers, Func<int, int> quorumFor, ReplicationStats stats, BackgroundFailures failures)
{
    public ReplicationStats Stats => stats;

    /// <summary>True when writes have anywhere to go (more than one copy per slot).</summary>
    public bool Active => cluster.Ring.Replicas > 1;

    /// <summary>
    /// Adds the state of <paramref name="touched"/> to <paramref name="batch"/> (created on first
    /// use), to go to the other owners when the batch is sent. False when there is nothing to wait
    /// for: the reply can go now. Runs under the key space gate.
    /// </summary>
    public bool Collect(ref ReplicationBatch? batch, KeySpace keys, List<byte[]> touched)
    {
        var ring = batch?.Ring ?? cluster.Ring;
        var self = cluster.IndexIn(ring);
        if (ring.Replicas <= 1 && self >= 0)
        {
            return false;
        }

        var waits = false;
        var seen = touched.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        foreach (var key in touched)
        {
            if (seen?.Add(Encoding.Latin1.GetString(key)) == false || keys.Export(key) is not { } entry)
            {
                continue;   // repeated, or already expired (replicas expire it themselves)
            }

            batch ??= new ReplicationBatch(ring);
            var slot = HashSlot.ForKey(key);
            var owners = ring.OwnerIndices(slot);
            var quorum = quorumFor(owners.Length);
            batch.Needs.TryAdd(slot, owners.Contains(self) ? quorum - 1 : quorum);
            waits |= batch.Needs[slot] > 0;
            foreach (var owner in owners)
            {
                if (owner == self)
                {
                    continue;
                }

                if (!batch.Targets.TryGetValue(owner, out var args))
                {
                    args = ["GOSSIPCACHE"u8.ToArray(), "APPLY"u8.ToArray()];
                    batch.Targets[owner] = args;
                }

                ReplicationCodec.Append(args, key, entry);
                batch.Bytes += key.Length + entry.Value.Length + 64;
                waits = true;
            }
        }

        return waits;
    }

    /// <summary>Sends a batch: one APPLY per target node; its <see cref="ReplicationBatch.Done"/> says whether every slot reached its quorum.</summary>
    public void Send(ReplicationBatch batch)
    {
        var ring = batch.Ring;
        var sends = new List<(int Owner, Task<RespReply> Reply)>(batch.Targets.Count);
        foreach (var (owner, args) in batch.Targets)
        {
            var endpoint = cluster.RespEndpointOf(ring.Nodes[owner].Id);
            var task = endpoint is null
                ? Task.FromException<RespReply>(new RespConnectionException($"No RESP endpoint is known for node {ring.Nodes[owner].Id}."))
                : peers.ForReplication(endpoint).SendAsync([.. args]);
            sends.Add((owner, task));
        }

        stats.BatchesSent(sends.Count);
        _ = CompleteAsync(batch, sends);
    }

    /// <summary>The reply to send once the batch holding the write was acknowledged: <paramref name="reply"/>, or NOREPLICAS.</summary>
    public static async Task<byte[]> ReplyAfterAsync(Task<bool> quorum, byte[] reply) =>
        await quorum.ConfigureAwait(false) ? reply : "-NOREPLICAS Not enough good replicas to write.\r\n"u8.ToArray();

    private async Task CompleteAsync(ReplicationBatch batch, List<(int Owner, Task<RespReply> Reply)> sends)
    {
        try
        {
            batch.Complete(await AwaitQuorumAsync(batch.Ring, batch.Needs, sends).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            // Peers' failures are counted in AwaitQuorumAsync; anything reaching here is a fault of ours.
            failures.Report(BackgroundWork.Replication, ex);
            batch.Fail(ex);
        }
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

    private async Task<bool> AwaitQuorumAsync(SlotMap ring, Dictionary<int, int> needs, List<(int Owner, Task<RespReply> Reply)> sends)
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
            failures.Observe(BackgroundWork.Replication, CountFailureAsync(straggler));
        }

        if (needs.Values.All(n => n <= 0))
        {
            return true;
        }

        stats.QuorumMissedOnce();
        return false;
    }
}
