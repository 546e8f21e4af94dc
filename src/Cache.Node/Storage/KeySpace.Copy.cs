namespace Cache.Node.Storage;

/// <summary>COPY's duplication of a value into another key.</summary>
internal sealed partial class KeySpace
{
    /// <summary>
    /// Gives <paramref name="target"/> a copy of the live key <paramref name="source"/>'s value, type
    /// and expiry, replacing whatever it held. The caller checked that the source exists and differs
    /// from the target.
    /// </summary>
    public void Copy(ReadOnlySpan<byte> source, ReadOnlySpan<byte> target)
    {
        ref var from = ref _table.EntryAt(_table.IndexOf(source));
        var kind = from.Kind;
        var expiresAt = from.ExpiresAt;
        var codec = CodecFor(kind);

        // Through the kind's wire form, so a large collection gets a structure of its own rather
        // than a second record naming the first one's.
        var wire = codec?.Export(from) ?? ValueOf(from).ToArray();
        ref var to = ref GetOrAdd(target, out _);
        if (codec is not null)
        {
            codec.Import(ref to, wire);
        }
        else
        {
            SetValue(ref to, wire, kind);
        }

        SetExpiry(ref to, expiresAt);
        Touch(target);
    }

    /// <summary>
    /// MEMORY USAGE's figure for a live entry: its record's chunk, its slot in the index and what
    /// its kind's store holds for it outside the record.
    /// </summary>
    public long MemoryUsageOf(in StoreEntry entry)
    {
        var bytes = (long)_memory.ChunkSize(entry.Handle) + System.Runtime.CompilerServices.Unsafe.SizeOf<StoreEntry>() + sizeof(int);
        if ((entry.Flags & EntryFlags.External) != 0 && StoreFor(entry.Kind) is { } store)
        {
            bytes += store.ExternalBytesOf(entry);
        }

        return bytes;
    }
}
