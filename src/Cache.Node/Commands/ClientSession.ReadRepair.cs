using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Cluster;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Quorum reads (<c>--read-quorum</c> above 1): the primary asks the key's other owners for their
/// version, merges a newer one before it answers, and pushes its own to owners that were behind
/// (read repair). The read runs when its turn in the reply order comes, and the batch ends with
/// it, so no later command of the client runs before it.
/// </summary>
internal sealed partial class ClientSession
{
    /// <summary>Set when the connection loop must stop the batch here and drain before the next command.</summary>
    public bool EndBatch { get; set; }

    private void ReadWithQuorum(ClusterMembership cluster, SlotMap ring, ReadOnlySpan<int> owners, CommandDefinition command, in RespRequest request)
    {
        var key = request[command.FirstKey].ToArray();
        var asked = new List<(string Endpoint, Task<byte[]> Reply)>();
        var self = cluster.IndexIn(ring);
        foreach (var owner in owners)
        {
            if (owner != self && asked.Count < Server.Settings.ReadQuorum - 1 && cluster.RespEndpointOf(ring.Nodes[owner].Id) is { } endpoint)
            {
                asked.Add((endpoint, Server.Peers!.ForReplication(endpoint).SendRawAsync(["GOSSIPCACHE"u8.ToArray(), "ENTRY"u8.ToArray(), key])));
            }
        }

        var queued = request.ToQueued();
        EndBatch = true;
        Defer(() => ReadRepairedAsync(command, queued, key, asked));
    }

    private async Task<byte[]> ReadRepairedAsync(CommandDefinition command, QueuedRequest request, byte[] key, List<(string Endpoint, Task<byte[]> Reply)> asked)
    {
        var answers = new List<(string Endpoint, ReplicatedEntry? Entry)>();
        var answered = 0;
        foreach (var (endpoint, reply) in asked)
        {
            try
            {
                var frame = await reply.ConfigureAwait(false);
                if (frame is [(byte)'-', ..])
                {
                    // A refusal is no answer.
                    continue;
                }

                answered++;
                answers.Add((endpoint, Cluster.PeerReplyParser.ParseEntry(frame)));
            }
            catch (Exception ex) when (ex is RespConnectionException or TimeoutException or RespServerException)
            {
                // An owner that does not answer cannot be compared; the quorum decides below.
            }
        }

        if (answered < Server.Settings.ReadQuorum - 1)
        {
            Server.Replication?.Stats.ReadQuorumMissedOnce();
            return "-TRYAGAIN not enough copies answered the quorum read; retry, or lower --read-quorum\r\n"u8.ToArray();
        }

        Task<byte[]> read;
        ReplicatedEntry? mine;
        using (Keys.Gate.EnterScope())
        {
            foreach (var (_, entry) in answers)
            {
                if (entry is { } newer && Keys.Apply(key, newer))
                {
                    Server.Replication?.Stats.ReadRepairedOnce();
                }
            }

            mine = Keys.Export(key);
            read = RunCaptured(command, request.AsRequest());
        }

        // Owners that were behind get this node's (now newest) state.
        if (mine is { } current)
        {
            foreach (var (endpoint, entry) in answers)
            {
                if (entry is not { } theirs || EntryMerge.Replaces(current, theirs))
                {
                    List<ReadOnlyMemory<byte>> args = ["GOSSIPCACHE"u8.ToArray(), "APPLY"u8.ToArray()];
                    ReplicationCodec.Append(args, key, current);
                    _ = Server.Peers!.ForReplication(endpoint).SendAsync([.. args]).ContinueWith(static _ => { }, TaskScheduler.Default);
                    Server.Replication?.Stats.ReadRepairedOnce();
                }
            }
        }

        return await read.ConfigureAwait(false);
    }
}
