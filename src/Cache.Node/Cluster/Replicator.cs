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
internal sealed class Replicator(ClusterMembership cluster, PeerLinks peers, WriteQuorum quorum, KeySpace keys, ReplicationStats stats, BackgroundFailures failures,
    TimeProvider time, TimeSpan timeout)
{
    private readonly DeltaFallbacks _fallbacks = new(keys, stats.Traffic);

    public ReplicationStats Stats => stats;

    /// <summary>Who must acknowledge a write, and whether this node can reach them.</summary>
    public WriteQuorum Quorum => quorum;

    /// <summary>True when writes need other nodes: the cluster has (or had, and may have again) more than one voter, or the node has not met its seeds.</summary>
    public bool Active => cluster.Voters.Replicas > 1 || cluster.Ring.Replicas > 1 || quorum.Required == int.MaxValue;

    /// <summary>
    /// Adds the state of <paramref name="touched"/> to <paramref name="batch"/> (created on first
    /// use), to go to the other owners when the batch is sent: each key's full entry, or, given
    /// <paramref name="delta"/> (the command's one key, a large value), the delta. False when there
    /// is nothing to wait for: the reply can go now. Runs under the key space gate.
    /// </summary>
    public bool Collect(ref ReplicationBatch? batch, KeySpace keys, List<byte[]> touched, ReplicatedDelta? delta = null)
    {
        var ring = batch?.Ring ?? cluster.Ring;
        var voters = batch?.Voters ?? cluster.Voters;
        var self = cluster.Gossip.Name;
        var required = quorum.RequiredIn(voters);
        if (required <= 1 && ring.Replicas <= 1)
        {
            return false;
        }

        var waits = false;
        var seen = touched.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        foreach (var key in touched)
        {
            if (seen?.Add(Encoding.Latin1.GetString(key)) == false)
            {
                continue;
            }

            var change = delta is { } d ? new Change(default, d) : keys.Export(key) is { } full ? new Change(full, null) : (Change?)null;
            if (change is not { } entry)
            {
                continue;   // already expired (replicas expire it themselves)
            }

            batch ??= new ReplicationBatch(ring, voters);
            var slot = HashSlot.ForKey(key);
            if (!batch.Needs.ContainsKey(slot))
            {
                // Only the voters' owners count (a copy on a stand-in owner is a hint, never a vote);
                // this node's own copy counts when it is one of them.
                batch.Needs[slot] = OwnsIn(voters, slot, self) ? required - 1 : required;
            }

            batch.Written.Add((slot, key, entry.Version));
            waits |= batch.Needs[slot] > 0;
            foreach (var owner in ring.OwnerIndices(slot))
            {
                waits |= AddTarget(batch, ring.Nodes[owner].Id, self, key, entry);
            }

            foreach (var owner in voters.OwnerIndices(slot))
            {
                // A voter the ring lost (failed, perhaps only cut off) is not sent to; one that is up
                // but not an owner on the ring (the rings differ while a change spreads) still is.
                var name = voters.Nodes[owner].Id;
                if (ring.IndexOf(name) >= 0 && !OwnsIn(ring, slot, name))
                {
                    waits |= AddTarget(batch, name, self, key, entry);
                }
            }
        }

        return waits;
    }

    private static bool OwnsIn(SlotMap map, int slot, string name)
    {
        var index = map.IndexOf(name);
        return index >= 0 && map.OwnerIndices(slot).Contains(index);
    }

    // What goes for one key: its full entry, or a delta.
    private readonly record struct Change(ReplicatedEntry Full, ReplicatedDelta? Delta)
    {
        public EntryVersion Version => Delta?.Version ?? Full.Version;
    }

    private static bool AddTarget(ReplicationBatch batch, string target, string self, byte[] key, Change entry)
    {
        if (target == self)
        {
            return false;
        }

        if (!batch.Targets.TryGetValue(target, out var args))
        {
            args = ["GOSSIPCACHE"u8.ToArray(), "REPLICATE"u8.ToArray(), ReadOnlyMemory<byte>.Empty];
            batch.Targets[target] = args;
        }

        if (entry.Delta is { } delta)
        {
            ReplicationDeltaCodec.Append(args, key, delta);
            batch.Bytes += key.Length + delta.Command.Length + 64;
        }
        else
        {
            ReplicationCodec.Append(args, key, entry.Full);
            batch.Bytes += key.Length + entry.Full.Value.Length + 64;
        }

        return true;
    }

    /// <summary>Sends a batch: one REPLICATE per target node; its <see cref="ReplicationBatch.Done"/> says whether every slot reached its quorum.</summary>
    public void Send(ReplicationBatch batch)
    {
        var sends = new List<(string Owner, Task<RespReply> Reply)>(batch.Targets.Count);
        // Replicas refuse the write once half the wait has passed (by their clock), so an answer
        // they give still arrives in time, and one that comes too late (after a heal, a pause)
        // cannot land a write this node may already have refused.
        var deadline = Encoding.ASCII.GetBytes((time.GetUtcNow() + (timeout / 2)).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (owner, args) in batch.Targets)
        {
            args[2] = deadline;
            var endpoint = cluster.RespEndpointOf(owner);
            var task = endpoint is null
                ? Task.FromException<RespReply>(new RespConnectionException($"No RESP endpoint is known for node {owner}."))
                : SendAsync(owner, peers.ForReplication(endpoint), [.. args]);
            sends.Add((owner, task));
        }

        stats.BatchesSent(sends.Count);
        _ = CompleteAsync(batch, sends);
    }

    // One REPLICATE, counted; when the replica refused deltas (it held another version), their
    // keys go again whole, under the same deadline, and that is the peer's answer.
    private async Task<RespReply> SendAsync(string owner, PeerLink link, ReadOnlyMemory<byte>[] args)
    {
        Count(owner, args);
        var reply = await link.SendAsync(args).ConfigureAwait(false);
        return reply.Kind == RespReplyKind.Array && reply.Items is { Count: > 0 } refused
            ? await _fallbacks.ResendAsync(owner, link, args, refused, Count).ConfigureAwait(false)
            : reply;
    }

    private void Count(string owner, ReadOnlyMemory<byte>[] args)
    {
        // The request's bytes as RESP puts them on the wire.
        long bytes = 1 + Digits(args.Length) + 2;
        int deltas = 0, entries = 0;
        foreach (var arg in args)
        {
            bytes += 1 + Digits(arg.Length) + 2 + arg.Length + 2;
        }

        for (var at = 3; at + ReplicationCodec.ArgsPerEntry <= args.Length; at += ReplicationCodec.ArgsPerEntry)
        {
            entries++;
            if (args[at + 3].Span.SequenceEqual(ReplicationDeltaCodec.DeltaKindBytes))
            {
                deltas++;
            }
        }

        stats.Traffic.Sent(owner, bytes, deltas, entries - deltas);
    }

    private static int Digits(long value) => value < 10 ? 1 : (int)Math.Floor(Math.Log10(value)) + 1;

    /// <summary>The reply to send once the batch holding the write was acknowledged: <paramref name="reply"/>, or NOREPLICAS.</summary>
    public static async Task<byte[]> ReplyAfterAsync(Task<bool> quorum, byte[] reply) =>
        await quorum.ConfigureAwait(false) ? reply : "-NOREPLICAS Not enough good replicas to write.\r\n"u8.ToArray();

    private async Task CompleteAsync(ReplicationBatch batch, List<(string Owner, Task<RespReply> Reply)> sends)
    {
        try
        {
            var reached = await AwaitQuorumAsync(batch.Voters, batch.Needs, sends).ConfigureAwait(false);
            if (!reached)
            {
                DropRefused(batch);
            }

            batch.Complete(reached);
        }
        catch (Exception ex)
        {
            // Peers' failures are counted in AwaitQuorumAsync; anything reaching here is a fault of ours.
            failures.Report(BackgroundWork.Replication, ex);
            batch.Fail(ex);
        }
    }

    /// <summary>
    /// A write refused with NOREPLICAS must not come back later over a write the quorum did
    /// acknowledge: this node drops its copy of each key of a slot that missed its quorum, if it
    /// still holds the version written (no tombstone: an older acknowledged version lives on W
    /// other owners, and repair brings it back). A copy that reached some owner stays there: the
    /// refused write's outcome is unknown, as with Redis' WAIT.
    /// </summary>
    private void DropRefused(ReplicationBatch batch)
    {
        var dropped = 0;
        using (keys.Enter())
        {
            foreach (var (slot, key, version) in batch.Written)
            {
                if (batch.Needs[slot] > 0 && keys.DropIfUnchanged(key, version))
                {
                    dropped++;
                }
            }
        }

        stats.RefusedWritesDropped(dropped);
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

    private async Task<bool> AwaitQuorumAsync(SlotMap voters, Dictionary<int, int> needs, List<(string Owner, Task<RespReply> Reply)> sends)
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
                    if (OwnsIn(voters, slot, owner))
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
