using System.Buffers.Binary;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>A replica reached over its replication link: GOSSIPCACHE TREE, DIGESTS, PULL and APPLY.</summary>
internal sealed class RespReplicaPeer(PeerLink link) : IReplicaPeer
{
    public async Task<byte[]> TreeAsync(byte[] mask, CancellationToken cancellationToken) =>
        await BytesAsync("TREE"u8.ToArray(), mask, cancellationToken).ConfigureAwait(false);

    public async Task<byte[]> DigestsAsync(byte[] mask, CancellationToken cancellationToken) =>
        await BytesAsync("DIGESTS"u8.ToArray(), mask, cancellationToken).ConfigureAwait(false);

    public async Task<ExportPage> PullAsync(long cursor, int count, byte[] slots, CancellationToken cancellationToken)
    {
        var reply = (await link.SendAsync(["GOSSIPCACHE"u8.ToArray(), "PULL"u8.ToArray(), ReplicationCodec.Number(cursor), ReplicationCodec.Number(count), SlotBitmap.ToWire(slots)])
            .WaitAsync(cancellationToken).ConfigureAwait(false)).ThrowIfError();
        return Page(reply, "PULL");
    }

    private ExportPage Page(RespReply reply, string command)
    {
        if (reply.Items is not [var next, { Items: { } items }] || !long.TryParse(next.Text, out var nextCursor))
        {
            throw new RespConnectionException($"{link.Endpoint} answered GOSSIPCACHE {command} with an unexpected reply.");
        }

        return new ExportPage(nextCursor, Entries(items));
    }

    private static List<(byte[] Key, ReplicatedEntry Entry)> Entries(IReadOnlyList<RespReply> items)
    {
        var entries = new List<(byte[] Key, ReplicatedEntry Entry)>(items.Count / ReplicationCodec.ArgsPerEntry);
        for (var at = 0; at + ReplicationCodec.ArgsPerEntry <= items.Count; at += ReplicationCodec.ArgsPerEntry)
        {
            if (ReplicationCodec.TryRead(items, at, out var key, out var entry))
            {
                entries.Add((key, entry));
            }
        }

        return entries;
    }

    public async Task<LeafPage> LeavesAsync(long cursor, int count, byte[] slots, CancellationToken cancellationToken)
    {
        // Read from the reply's bytes: a page holds thousands of leaves, not worth an object each.
        var frame = await link.SendRawAsync(["GOSSIPCACHE"u8.ToArray(), "LEAVES"u8.ToArray(), ReplicationCodec.Number(cursor), ReplicationCodec.Number(count), SlotBitmap.ToWire(slots)])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if (frame is [(byte)'-', ..])
        {
            throw new RespServerException(System.Text.Encoding.UTF8.GetString(frame.AsSpan(1)).TrimEnd());
        }

        return LeafReply.Parse(frame) ?? throw new RespConnectionException($"{link.Endpoint} answered GOSSIPCACHE LEAVES with an unexpected reply.");
    }

    public async Task<List<(byte[] Key, ReplicatedEntry Entry)>> FetchAsync(IReadOnlyList<byte[]> keys, CancellationToken cancellationToken)
    {
        // The peer answers a prefix of the names when their values are large; ask again for the rest.
        var entries = new List<(byte[] Key, ReplicatedEntry Entry)>();
        for (var next = 0; next < keys.Count;)
        {
            var args = new ReadOnlyMemory<byte>[keys.Count - next + 2];
            (args[0], args[1]) = ("GOSSIPCACHE"u8.ToArray(), "FETCH"u8.ToArray());
            for (var i = next; i < keys.Count; i++)
            {
                args[i - next + 2] = keys[i];
            }

            var reply = (await link.SendAsync(args).WaitAsync(cancellationToken).ConfigureAwait(false)).ThrowIfError();
            if (reply.Items is not [var answered, { Items: { } items }] || !int.TryParse(answered.Text, out var count) || count < 1 || count > keys.Count - next)
            {
                throw new RespConnectionException($"{link.Endpoint} answered GOSSIPCACHE FETCH with an unexpected reply.");
            }

            entries.AddRange(Entries(items));
            next += count;
        }

        return entries;
    }

    public async Task<int> ApplyAsync(IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries, CancellationToken cancellationToken)
    {
        List<ReadOnlyMemory<byte>> args = ["GOSSIPCACHE"u8.ToArray(), "APPLY"u8.ToArray()];
        foreach (var (key, entry) in entries)
        {
            ReplicationCodec.Append(args, key, entry);
        }

        var reply = (await link.SendAsync([.. args]).WaitAsync(cancellationToken).ConfigureAwait(false)).ThrowIfError();
        return (int)reply.Integer;
    }

    private async Task<byte[]> BytesAsync(byte[] sub, byte[] mask, CancellationToken cancellationToken)
    {
        var reply = (await link.SendAsync(["GOSSIPCACHE"u8.ToArray(), sub, SlotBitmap.ToWire(mask)]).WaitAsync(cancellationToken).ConfigureAwait(false)).ThrowIfError();
        return reply.Bytes ?? throw new RespConnectionException($"{link.Endpoint} answered GOSSIPCACHE {System.Text.Encoding.ASCII.GetString(sub)} with an unexpected reply.");
    }
}
