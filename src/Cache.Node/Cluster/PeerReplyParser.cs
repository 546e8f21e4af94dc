using System.Buffers;
using Cache.Client.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// Peers' replies to LEAVES, PULL, FETCH and ENTRY read from a whole frame already in hand, through
/// the same scanner and decoders a peer link uses as the bytes arrive
/// (<see cref="PeerLink.SendDecodedAsync{TDecoder}"/>). A frame that is not exactly one well-formed
/// reply of the expected shape gives null.
/// </summary>
internal static class PeerReplyParser
{
    /// <summary>A LEAVES page, [cursor, [key, 8-byte hash, …]]; null when malformed.</summary>
    public static LeafPage? ParseLeaves(ReadOnlyMemory<byte> frame) => Decode(frame, new LeafPageDecoder())?.Page;

    /// <summary>A PULL or FETCH page, [cursor or names answered, [six bulks per entry, …]]; null when malformed.</summary>
    public static (long Number, List<(byte[] Key, ReplicatedEntry Entry)> Entries)? ParseEntries(ReadOnlyMemory<byte> frame) =>
        Decode(frame, new EntryPageDecoder()) is { Entries: { } entries } decoder ? (decoder.Number, entries) : null;

    /// <summary>An ENTRY reply: the key's entry, or null when the peer holds none (or sent something malformed).</summary>
    public static ReplicatedEntry? ParseEntry(ReadOnlyMemory<byte> frame) => Decode(frame, new EntryReplyDecoder())?.Entry;

    private static TDecoder? Decode<TDecoder>(ReadOnlyMemory<byte> frame, TDecoder decoder)
        where TDecoder : class, IRespFrameVisitor
    {
        var bytes = new ReadOnlySequence<byte>(frame);
        var visitor = decoder;
        try
        {
            return new RespFrameScanner().TryFindEnd(bytes, ref visitor, out var end) && bytes.Slice(end).IsEmpty ? decoder : null;
        }
        catch (RespConnectionException)
        {
            // Broken RESP (an unknown type byte, nesting past the limit): not a page.
            return null;
        }
    }
}
