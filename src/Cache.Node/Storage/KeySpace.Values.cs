namespace Cache.Node.Storage;

/// <summary>Reading and writing values in the slab: the engine's side of every value type.</summary>
internal sealed partial class KeySpace
{
    // The value types' codecs (replication's wire form), by ValueKind.
    private readonly IValueCodec?[] _codecs;

    // The value types' stores (what large values hold outside their records), by ValueKind.
    private readonly IValueStore?[] _stores;

    /// <summary>
    /// The value bytes of a live entry: a string's bytes. The span stays valid until the next
    /// write to the key space (the record may move or be reused): copy it to keep it longer.
    /// </summary>
    public ReadOnlySpan<byte> ValueOf(in StoreEntry entry) => _table.ValueOf(entry);

    /// <summary>Replaces the value of a live entry (a fresh or existing key) with <paramref name="value"/>.</summary>
    public void SetValue(ref StoreEntry entry, ReadOnlySpan<byte> value, ValueKind kind = ValueKind.String)
    {
        ReleaseValue(ref entry);
        value.CopyTo(_table.ResizeValue(ref entry, value.Length));
        entry.Kind = kind;
        entry.Flags &= ~EntryFlags.RawString;
        Stamp(ref entry);
    }

    /// <summary>
    /// Gives a string entry a value of <paramref name="length"/> bytes keeping its first
    /// <paramref name="keep"/> bytes, and returns it for the caller to fill (APPEND, SETRANGE,
    /// the bitmaps); the string is then "raw" (<see cref="EntryFlags.RawString"/>).
    /// </summary>
    public Span<byte> ResizeValue(ref StoreEntry entry, int length, int keep)
    {
        ReleaseValue(ref entry);
        var value = _table.ResizeValue(ref entry, length, keep);
        entry.Kind = ValueKind.String;
        entry.Flags |= EntryFlags.RawString;
        Stamp(ref entry);
        return value;
    }

    /// <summary>The store of <paramref name="kind"/>, or null for a kind held in its record only (strings).</summary>
    internal IValueStore? StoreFor(ValueKind kind) => (uint)kind < (uint)_stores.Length ? _stores[(int)kind] : null;

    /// <summary>The codec of <paramref name="kind"/>, or null for a kind stored as raw bytes.</summary>
    internal IValueCodec? CodecFor(ValueKind kind) => (uint)kind < (uint)_codecs.Length ? _codecs[(int)kind] : null;

    /// <summary>Drops what a value holds outside its record (a large collection's structure).</summary>
    private void ReleaseValue(ref StoreEntry entry)
    {
        if ((entry.Flags & EntryFlags.External) != 0)
        {
            _stores[(int)entry.Kind]!.Release(ref entry);
        }
    }
}
