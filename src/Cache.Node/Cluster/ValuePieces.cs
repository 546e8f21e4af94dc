using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// Large values in bounded pieces between replicas. A PULL or FETCH page carries, in place of a
/// value over <see cref="PieceBytes"/>, a stub (kind <see cref="StubKind"/>, value: the real kind
/// and the value's length as varints) and the asker reads the value with GOSSIPCACHE PIECE, piece
/// by piece, under the entry's version (the answerer refuses once the version moved on). A push
/// (APPLY, HANDOFF) sends such a value with GOSSIPCACHE PUTPIECE, piece by piece on one link; the
/// receiver merges it, by version as any entry, once the last piece is in.
/// </summary>
internal static class ValuePieces
{
    /// <summary>Largest piece of a value on the wire; values above it travel in pieces.</summary>
    public const int PieceBytes = 256 * 1024;

    /// <summary>The kind number of a stub in a page (no value type has it).</summary>
    public const long StubKind = 65;

    /// <summary>Largest value assembled from pieces (as a RESP bulk's limit).</summary>
    public const long MaxValueBytes = 1L << 30;

    /// <summary>True when <paramref name="entry"/>'s value travels in pieces.</summary>
    public static bool IsLarge(in ReplicatedEntry entry) => entry.Value.Length > PieceBytes;

    /// <summary>The stub that stands for a large entry in a page.</summary>
    public static ReplicatedEntry Stub(in ReplicatedEntry entry)
    {
        var payload = new byte[20];
        var at = WriteVarint(payload, 0, (ulong)entry.Kind);
        at = WriteVarint(payload, at, (ulong)entry.Value.Length);
        return new ReplicatedEntry(entry.Version, (ValueKind)StubKind, entry.ExpiresAt, payload.AsMemory(0, at));
    }

    /// <summary>The real kind and length a stub stands for; false when <paramref name="entry"/> is no (well-formed) stub.</summary>
    public static bool TryReadStub(in ReplicatedEntry entry, out ValueKind kind, out long length)
    {
        (kind, length) = (default, 0);
        var span = entry.Value.Span;
        var at = 0;
        if ((long)entry.Kind != StubKind || !TryReadVarint(span, ref at, out var rawKind) || !ValueKinds.IsWireKind((long)rawKind)
            || rawKind == (ulong)ValueKind.Tombstone || !TryReadVarint(span, ref at, out var rawLength) || rawLength > MaxValueBytes || at != span.Length)
        {
            return false;
        }

        (kind, length) = ((ValueKind)rawKind, (long)rawLength);
        return true;
    }

    private static int WriteVarint(Span<byte> output, int at, ulong value)
    {
        while (value >= 0x80)
        {
            output[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        output[at++] = (byte)value;
        return at;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> input, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && at < input.Length; shift += 7)
        {
            var b = input[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
