using Cache.Node.Cluster;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// GOSSIPCACHE PIECE and PUTPIECE: large values between replicas in bounded pieces
/// (<see cref="ValuePieces"/>), so a million-element collection never travels as one message.
/// </summary>
internal static partial class PeerCommands
{
    // key clock node offset: the piece, or GONE once this node's version of the key moved on.
    private static void Piece(ClientSession client, in RespRequest request)
    {
        if (!RespNumbers.TryParseInt64(request[3], out var clock) || clock < 0
            || !RespNumbers.TryParseInt64(request[4], out var node) || node is < 0 or > ushort.MaxValue
            || !RespNumbers.TryParseInt64(request[5], out var offset) || offset < 0)
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        if (!client.Pieces.TryRead(client.Keys, request[2].ToArray(), new EntryVersion(clock, (ushort)node), offset, out var piece))
        {
            client.Reply.Error("GONE this node no longer holds that version of the key"u8);
            return;
        }

        client.Reply.Bulk(piece.Span);
    }

    // apply|ring-hash key clock node kind expires-at length offset bytes: pieces of one value in
    // order; the last one merges it (as APPLY, or as HANDOFF when a ring hash is given).
    private static void PutPiece(ClientSession client, in RespRequest request)
    {
        ulong ringHash = 0;
        var handOff = !request[2].SequenceEqual("apply"u8);
        if ((handOff && (!System.Buffers.Text.Utf8Parser.TryParse(request[2], out ringHash, out var used, 'x') || used != request[2].Length))
            || !ReplicationCodec.TryRead(request, 3, out var header) || header.IsTombstone
            || !RespNumbers.TryParseInt64(request[8], out var length) || !RespNumbers.TryParseInt64(request[9], out var offset) || offset < 0)
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        if (handOff && client.Server.Cluster?.Ring.Hash != ringHash)
        {
            client.Reply.Error("TRYAGAIN this node's ring differs from the sender's; hand off again once the ring change has spread"u8);
            return;
        }

        if (RefusedAhead(client, header.Version.Clock))
        {
            return;
        }

        var key = request[3].ToArray();
        if (!client.Pieces.TryAdd(key, header with { Value = ReadOnlyMemory<byte>.Empty }, length, offset, request[10], out var complete))
        {
            client.Reply.Error("ERR piece out of order; send the value again from its first piece"u8);
            return;
        }

        if (complete is not { } entry)
        {
            client.Reply.Ok();
            return;
        }

        var applied = client.Keys.Apply(key, entry) ? 1 : 0;
        client.Server.Replication?.Stats.AppliedEntries(applied);
        client.Reply.Integer(applied);
    }
}
