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
            ? new ExportPage(page.Number, await ResolveAsync(entries, cancellationToken).ConfigureAwait(false))
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
            ? ((int)answered, await ResolveAsync(entries, cancellationToken).ConfigureAwait(false))
            : throw Unexpected("FETCH");
    }

    public async Task<int> ApplyAsync(IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries, CancellationToken cancellationToken)
    {
        List<ReadOnlyMemory<byte>> args = ["GOSSIPCACHE"u8.ToArray(), "APPLY"u8.ToArray()];
        var applied = 0;
        foreach (var (key, entry) in entries)
        {
            if (ValuePieces.IsLarge(entry))
            {
                var reply = await PutInPiecesAsync("apply"u8.ToArray(), key, entry, cancellationToken).ConfigureAwait(false);
                applied += (int)reply.ThrowIfError().Integer;
            }
            else
            {
                ReplicationCodec.Append(args, key, entry);
            }
        }

        return args.Count == 2
            ? applied
            : applied + (int)(await link.SendAsync([.. args]).WaitAsync(cancellationToken).ConfigureAwait(false)).ThrowIfError().Integer;
    }

    public async Task<bool> HandOffAsync(IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries, ulong ringHash, CancellationToken cancellationToken)
    {
        var hash = System.Text.Encoding.ASCII.GetBytes(ringHash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        List<ReadOnlyMemory<byte>> args = ["GOSSIPCACHE"u8.ToArray(), "HANDOFF"u8.ToArray(), hash];
        foreach (var (key, entry) in entries)
        {
            if (!ValuePieces.IsLarge(entry))
            {
                ReplicationCodec.Append(args, key, entry);
            }
            else if (!Accepted(await PutInPiecesAsync(hash, key, entry, cancellationToken).ConfigureAwait(false)))
            {
                return false;
            }
        }

        return args.Count == 3 || Accepted(await link.SendAsync([.. args]).WaitAsync(cancellationToken).ConfigureAwait(false));
    }

    private static bool Accepted(RespReply reply)
    {
        if (reply.IsError && reply.Text!.StartsWith("TRYAGAIN", StringComparison.Ordinal))
        {
            return false;
        }

        reply.ThrowIfError();
        return true;
    }

    // A large value pushed as PUTPIECEs on this link, in order; the last piece's reply is the merge's.
    private async Task<RespReply> PutInPiecesAsync(byte[] mode, byte[] key, ReplicatedEntry entry, CancellationToken cancellationToken)
    {
        var header = new List<ReadOnlyMemory<byte>>(ReplicationCodec.ArgsPerEntry);
        ReplicationCodec.Append(header, key, entry);
        var length = ReplicationCodec.Number(entry.Value.Length);
        var reply = RespReply.Number(0);
        for (var offset = 0; offset < entry.Value.Length; offset += ValuePieces.PieceBytes)
        {
            var piece = entry.Value.Slice(offset, Math.Min(ValuePieces.PieceBytes, entry.Value.Length - offset));
            reply = await link.SendAsync(["GOSSIPCACHE"u8.ToArray(), "PUTPIECE"u8.ToArray(), mode, header[0], header[1], header[2], header[3], header[4], length,
                ReplicationCodec.Number(offset), piece]).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (reply.IsError)
            {
                return reply;
            }
        }

        return reply;
    }

    // Stubs of a page replaced by their values, read in pieces under the entry's version; an entry
    // whose version moved on at the peer meanwhile is left out (a later round brings the newer one).
    private async Task<List<(byte[] Key, ReplicatedEntry Entry)>> ResolveAsync(List<(byte[] Key, ReplicatedEntry Entry)> entries, CancellationToken cancellationToken)
    {
        if (!entries.Exists(e => (long)e.Entry.Kind == ValuePieces.StubKind))
        {
            return entries;
        }

        var resolved = new List<(byte[] Key, ReplicatedEntry Entry)>(entries.Count);
        foreach (var (key, entry) in entries)
        {
            if ((long)entry.Kind != ValuePieces.StubKind)
            {
                resolved.Add((key, entry));
                continue;
            }

            if (!ValuePieces.TryReadStub(entry, out var kind, out var length))
            {
                throw Unexpected("PULL or FETCH (a malformed stub)");
            }

            var value = new byte[length];
            var received = 0;
            while (received < length)
            {
                var reply = await link.SendAsync(["GOSSIPCACHE"u8.ToArray(), "PIECE"u8.ToArray(), key, ReplicationCodec.Number(entry.Version.Clock),
                    ReplicationCodec.Number(entry.Version.Node), ReplicationCodec.Number(received)]).WaitAsync(cancellationToken).ConfigureAwait(false);
                if (reply.IsError && reply.Text!.StartsWith("GONE", StringComparison.Ordinal))
                {
                    break;
                }

                if (reply.ThrowIfError().Bytes is not { Length: > 0 } piece || piece.Length > length - received)
                {
                    throw Unexpected("PIECE");
                }

                piece.CopyTo(value.AsSpan(received));
                received += piece.Length;
            }

            if (received == length)
            {
                resolved.Add((key, new ReplicatedEntry(entry.Version, kind, entry.ExpiresAt, value)));
            }
        }

        return resolved;
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
