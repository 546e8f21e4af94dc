using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// A replica reached over its replication link: GOSSIPCACHE TREE, DIGESTS, PULL, LEAVES, FETCH
/// and APPLY. Paged replies are decoded as their bytes arrive (<see cref="PeerPageDecoder"/>): a page
/// holds thousands of bulks, not worth an object each, nor a copy of the reply.
/// </summary>
internal sealed class RespReplicaPeer(PeerLink link) : IReplicaPeer
{
    public async Task<byte[]> TreeAsync(byte[] mask, CancellationToken cancellationToken) =>
        await BytesAsync("TREE"u8.ToArray(), mask, cancellationToken).ConfigureAwait(false);

    public async Task<byte[]> DigestsAsync(byte[] mask, CancellationToken cancellationToken) =>
        await BytesAsync("DIGESTS"u8.ToArray(), mask, cancellationToken).ConfigureAwait(false);

    public async Task<ExportPage> PullAsync(long cursor, int count, byte[] slots, CancellationToken cancellationToken)
    {
        var page = await DecodeAsync(["GOSSIPCACHE"u8.ToArray(), "PULL"u8.ToArray(), ReplicationCodec.Number(cursor), ReplicationCodec.Number(count), SlotBitmap.ToWire(slots)], new EntryPageDecoder(), cancellationToken).ConfigureAwait(false);
        return page.Entries is { } entries
            ? new ExportPage(page.Number, entries)
            : throw Unexpected("PULL");
    }

    public async Task<LeafPage> LeavesAsync(long cursor, int count, byte[] slots, CancellationToken cancellationToken)
    {
        var page = await DecodeAsync(["GOSSIPCACHE"u8.ToArray(), "LEAVES"u8.ToArray(), ReplicationCodec.Number(cursor), ReplicationCodec.Number(count), SlotBitmap.ToWire(slots)], new LeafPageDecoder(), cancellationToken).ConfigureAwait(false);
        return page.Page ?? throw Unexpected("LEAVES");
    }

    public async Task<(int Answered, List<(byte[] Key, ReplicatedEntry Entry)> Entries)> FetchAsync(IReadOnlyList<byte[]> keys, CancellationToken cancellationToken)
    {
        var args = new ReadOnlyMemory<byte>[keys.Count + 2];
        (args[0], args[1]) = ("GOSSIPCACHE"u8.ToArray(), "FETCH"u8.ToArray());
        for (var i = 0; i < keys.Count; i++)
        {
            args[i + 2] = keys[i];
        }

        var page = await DecodeAsync(args, new EntryPageDecoder(), cancellationToken).ConfigureAwait(false);
        return page is { Entries: { } entries, Number: var answered } && answered >= 1 && answered <= keys.Count
            ? ((int)answered, entries)
            : throw Unexpected("FETCH");
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

    public async Task<bool> HandOffAsync(IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries, ulong ringHash, CancellationToken cancellationToken)
    {
        List<ReadOnlyMemory<byte>> args = ["GOSSIPCACHE"u8.ToArray(), "HANDOFF"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(ringHash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture))];
        foreach (var (key, entry) in entries)
        {
            ReplicationCodec.Append(args, key, entry);
        }

        var reply = await link.SendAsync([.. args]).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (reply.IsError && reply.Text!.StartsWith("TRYAGAIN", StringComparison.Ordinal))
        {
            return false;
        }

        reply.ThrowIfError();
        return true;
    }

    private async Task<byte[]> BytesAsync(byte[] sub, byte[] mask, CancellationToken cancellationToken)
    {
        var reply = (await link.SendAsync(["GOSSIPCACHE"u8.ToArray(), sub, SlotBitmap.ToWire(mask)]).WaitAsync(cancellationToken).ConfigureAwait(false)).ThrowIfError();
        return reply.Bytes ?? throw Unexpected(System.Text.Encoding.ASCII.GetString(sub));
    }

    /// <summary>The decoder once it has seen the reply; an error reply throws as the parsed path would.</summary>
    private async Task<TDecoder> DecodeAsync<TDecoder>(ReadOnlyMemory<byte>[] args, TDecoder decoder, CancellationToken cancellationToken)
        where TDecoder : PeerPageDecoder
    {
        await link.SendDecodedAsync(args, decoder).WaitAsync(cancellationToken).ConfigureAwait(false);
        return decoder.Error is { } error ? throw new RespServerException(error) : decoder;
    }

    private RespConnectionException Unexpected(string command) =>
        new($"{link.Endpoint} answered GOSSIPCACHE {command} with an unexpected reply.");
}
