using Cache.Client.Resp;
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
internal static class QuorumRead
{
    /// <summary>Asks <paramref name="peers"/> for the key's version now; the read itself waits for its turn.</summary>
    public static Func<Task<byte[]>> Start(ClientSession session, CommandDefinition command, in RespRequest request, IReadOnlyList<string> peers)
    {
        var key = request[command.FirstKey].ToArray();
        var asked = new List<(string Endpoint, Task<byte[]> Reply)>(peers.Count);
        foreach (var endpoint in peers)
        {
            asked.Add((endpoint, session.Server.Peers!.ForReplication(endpoint).SendRawAsync(["GOSSIPCACHE"u8.ToArray(), "ENTRY"u8.ToArray(), key])));
        }

        var queued = request.ToQueued();
        return () => ReadRepairedAsync(session, command, queued, key, asked);
    }

    private static async Task<byte[]> ReadRepairedAsync(ClientSession session, CommandDefinition command, QueuedRequest request, byte[] key,
        List<(string Endpoint, Task<byte[]> Reply)> asked)
    {
        var server = session.Server;
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
                answers.Add((endpoint, PeerReplyParser.ParseEntry(frame)));
            }
            catch (Exception ex) when (ex is RespConnectionException or TimeoutException or RespServerException)
            {
                // An owner that does not answer cannot be compared; the quorum decides below.
            }
        }

        if (answered < server.Settings.ReadQuorum - 1)
        {
            server.Replication?.Stats.ReadQuorumMissedOnce();
            return "-TRYAGAIN not enough copies answered the quorum read; retry, or lower --read-quorum\r\n"u8.ToArray();
        }

        var keys = server.Keys;
        Task<byte[]> read;
        ReplicatedEntry? mine;
        using (keys.Enter())
        {
            foreach (var (_, entry) in answers)
            {
                if (entry is { } newer && keys.Apply(key, newer))
                {
                    server.Replication?.Stats.ReadRepairedOnce();
                }
            }

            mine = keys.Export(key);
            read = session.RunCaptured(command, request.AsRequest());
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
                    _ = server.Peers!.ForReplication(endpoint).SendAsync([.. args]).ContinueWith(static _ => { }, TaskScheduler.Default);
                    server.Replication?.Stats.ReadRepairedOnce();
                }
            }
        }

        return await read.ConfigureAwait(false);
    }
}
